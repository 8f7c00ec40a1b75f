<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use RuntimeException;

/**
 * Registration callback (extension.json "callback").
 *
 * Refuses to continue next to the composer component this extension
 * replaces. A missing native module is no reason to stop the wiki: the
 * extension registers as usual and its own entries answer with the error
 * (NativeModule, which says why extension.json does not require it).
 */
class Setup {
	/**
	 * Defined by the composer package mwstake/mediawiki-component-token-authenticator,
	 * which registers the same REST routes (/mws/v1/user-token/*): MediaWiki's
	 * router then fails every REST request with a path conflict.
	 */
	public const COMPONENT_CONSTANT = 'MWSTAKE_MEDIAWIKI_COMPONENT_TOKEN_AUTHENTICATOR_VERSION';

	/**
	 * Called by ExtensionRegistry once the extension is registered.
	 *
	 * @throws RuntimeException On the command line, when the composer
	 *   component is installed too
	 */
	public static function onRegistration(): void {
		if ( defined( self::COMPONENT_CONSTANT ) ) {
			$message = self::componentClashMessage( (string)constant( self::COMPONENT_CONSTANT ) );
			$code = 'tokenauthenticator-component-clash';
		} else {
			// Also without the native module: the session provider, the API
			// module and the special page are what answer its absence.
			Registration::register();
			if ( !NativeModule::isLoaded() ) {
				NativeModule::registerMissing();
			}
			return;
		}
		if ( PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg' ) {
			throw new RuntimeException( $message );
		}
		// MediaWiki's exception handler is not installed yet at registration
		// time: an exception would end as an empty HTTP 500. Answer directly,
		// in the format the entry point speaks, and leave a trace in the
		// server's error log.
		error_log( $message );
		ErrorAnswer::sendAndExit( defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : 'unknown', 500, $code, $message,
			ErrorAnswer::headers( 500 ) );
	}

	/**
	 * @param string $version The component's version
	 * @return string
	 */
	public static function componentClashMessage( string $version ): string {
		return 'TokenAuthenticator cannot run next to the composer package '
			. 'mwstake/mediawiki-component-token-authenticator (' . $version . '): both register the REST routes '
			. '/mws/v1/user-token/generate and /mws/v1/user-token/verify/{token} and an ApiKey session provider. '
			. 'TokenAuthenticator replaces the package and reads its $mwsgTokenAuthenticator... settings: remove the '
			. 'package (composer remove mwstake/mediawiki-component-token-authenticator, or take it out of '
			. 'composer.local.json and run composer update), then run maintenance/update.php.';
	}
}
