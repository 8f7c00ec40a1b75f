<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use RuntimeException;

/**
 * Registration callback (extension.json "callback").
 *
 * extension.json already declares the native PHP extension in
 * requires.platform, but MediaWiki only checks requirements when it reads
 * extension.json; a registry served from its cache (e.g. APCu filled while the
 * native extension was still loaded) skips the check. This guard runs on every
 * request and refuses to continue without the native core, or next to the
 * composer component this extension replaces.
 */
class Setup {
	/** Name of the native PHP extension holding the cryptographic core. */
	public const NATIVE_EXTENSION = 'mws_token_authenticator';

	/**
	 * Defined by the composer package mwstake/mediawiki-component-token-authenticator,
	 * which registers the same REST routes (/mws/v1/user-token/*): MediaWiki's
	 * router then fails every REST request with a path conflict.
	 */
	public const COMPONENT_CONSTANT = 'MWSTAKE_MEDIAWIKI_COMPONENT_TOKEN_AUTHENTICATOR_VERSION';

	/**
	 * Called by ExtensionRegistry once the extension is registered.
	 *
	 * @throws RuntimeException On the command line, when the native extension is
	 *   missing or the composer component is installed too
	 */
	public static function onRegistration(): void {
		if ( defined( self::COMPONENT_CONSTANT ) ) {
			$message = self::componentClashMessage( (string)constant( self::COMPONENT_CONSTANT ) );
			$code = 'tokenauthenticator-component-clash';
		} elseif ( !extension_loaded( self::NATIVE_EXTENSION ) ) {
			$message = self::missingNativeMessage();
			$code = 'tokenauthenticator-native-missing';
		} else {
			Registration::register();
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
	 * @return string
	 */
	public static function missingNativeMessage(): string {
		return 'TokenAuthenticator cannot run: the PHP extension "' . self::NATIVE_EXTENSION
			. '" is not loaded. Build it (cargo build --release) and load it with '
			. '"extension=/path/to/libmws_token_authenticator.so" in php.ini or in an ini file '
			. 'of PHP\'s conf.d directory, then restart PHP (the web server or PHP-FPM).';
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
