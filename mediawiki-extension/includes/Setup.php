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
 * request and refuses to continue without the native core.
 */
class Setup {
	/** Name of the native PHP extension holding the cryptographic core. */
	public const NATIVE_EXTENSION = 'mws_token_authenticator';

	/**
	 * Called by ExtensionRegistry once the extension is registered.
	 *
	 * @throws RuntimeException On the command line, when the native extension is missing
	 */
	public static function onRegistration(): void {
		if ( extension_loaded( self::NATIVE_EXTENSION ) ) {
			return;
		}
		$message = self::missingNativeMessage();
		if ( PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg' ) {
			throw new RuntimeException( $message );
		}
		// MediaWiki's exception handler is not installed yet at registration
		// time: an exception would end as an empty HTTP 500. Answer directly,
		// in the format the entry point speaks.
		self::refuseWebRequest( $message, defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : 'unknown' );
		exit( 1 );
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
	 * @param string $message
	 * @param string $entryPoint Value of MW_ENTRY_POINT
	 */
	private static function refuseWebRequest( string $message, string $entryPoint ): void {
		if ( $entryPoint === 'rest' ) {
			$contentType = 'application/json';
			$body = json_encode( [
				'message' => $message,
				'httpCode' => 500,
				'httpReason' => 'Internal Server Error',
			], JSON_UNESCAPED_SLASHES );
		} elseif ( $entryPoint === 'api' ) {
			$contentType = 'application/json; charset=utf-8';
			$body = json_encode( [
				'error' => [
					'code' => 'tokenauthenticator-native-missing',
					'info' => $message,
				],
			], JSON_UNESCAPED_SLASHES );
		} else {
			$contentType = 'text/plain; charset=utf-8';
			$body = $message . "\n";
		}
		if ( !headers_sent() ) {
			http_response_code( 500 );
			header( 'Content-Type: ' . $contentType );
			header( 'Cache-Control: no-store' );
			if ( $entryPoint === 'api' ) {
				header( 'MediaWiki-API-Error: tokenauthenticator-native-missing' );
			}
		}
		// Also leave a trace in the server's error log.
		error_log( $message );
		echo $body;
	}
}
