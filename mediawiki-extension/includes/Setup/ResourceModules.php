<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\ResourceLoader\ResourceLoader;

/**
 * The extension's ResourceLoader modules, registered when MediaWiki builds
 * its ResourceLoader (hook ResourceLoaderRegisterModules, added by
 * Registration).
 *
 * Not extension.json's ResourceModules: the registry cache carries those into
 * $wgResourceModules on every request, about 14,000 instructions of an
 * api.php or rest.php request that never loads a module (BENCHMARKS.md
 * section 5).
 */
final class ResourceModules {
	/**
	 * @param ResourceLoader $resourceLoader
	 */
	public static function onResourceLoaderRegisterModules( ResourceLoader $resourceLoader ): void {
		$paths = [
			'localBasePath' => dirname( __DIR__, 2 ) . '/resources',
			'remoteExtPath' => 'TokenAuthenticator/resources',
		];
		$resourceLoader->register( [
			// mwstake's module name and mws.tokenAuthenticator (a contract).
			'mwstake.component.tokenAuthenticator' => $paths + [
				'scripts' => [ 'tokenAuthenticator.js' ],
				'dependencies' => [ 'mediawiki.api' ],
				'targets' => [ 'desktop', 'mobile' ],
			],
			'ext.tokenAuthenticator.serviceKeys' => $paths + [
				'scripts' => [ 'serviceKeys.js' ],
			],
			'ext.tokenAuthenticator.serviceKeys.styles' => $paths + [
				'styles' => [ 'serviceKeys.css' ],
			],
		] );
	}
}
