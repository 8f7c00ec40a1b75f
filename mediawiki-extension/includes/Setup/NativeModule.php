<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use OutputPage;

/**
 * The native PHP module (mws_token_authenticator), which holds every
 * cryptographic, token and CIDR rule of the extension.
 *
 * extension.json does not list it in requires.platform on purpose: MediaWiki
 * answers a missing platform requirement with an uncaught
 * ExtensionDependencyError, an empty HTTP 500 on every page, so one missing
 * ini line took the whole wiki down. Without the module the wiki now keeps
 * serving, and only what needs the module refuses, failing closed with HTTP
 * 503 and this message: the REST routes (Rest\TokenRoute), the API module
 * (Api\ApiSessionVerification), Special:JWTLogin, every request with one of
 * our Authorization schemes (ServiceKey\ServiceSessionProvider), and the
 * maintenance scripts that need it. Special:Version and update.php say so.
 *
 * Code that calls an mws_ta_* function or a MwsTokenAuthenticator\ class
 * on a request must be behind one of those guards, or ask isLoaded() first.
 * Services those entries are built with must not name a native class in a
 * class constant either: PHP evaluates those on the first instantiation
 * (Jwt\JwtLogin::refusalKey()).
 */
final class NativeModule {
	/** Name of the PHP extension, as extension_loaded() knows it. */
	public const NAME = Registration::NATIVE_MODULE;

	/** Message key (i18n) of missingMessage(), also the error code of the answers. */
	public const MESSAGE_KEY = 'tokenauthenticator-native-missing';

	/** Title of the error page of special pages. */
	public const TITLE_KEY = 'tokenauthenticator-native-missing-title';

	/** The README section that installs the module, as the message names it. */
	public const README_SECTION = 'Install on an existing wiki';

	private static bool $logged = false;

	/**
	 * Whether the module is loaded in this PHP process.
	 */
	public static function isLoaded(): bool {
		return extension_loaded( self::NAME );
	}

	/**
	 * What is wrong and how to fix it, in plain English text, for logs and
	 * the command line; the same text as the message MESSAGE_KEY in
	 * i18n/en.json (tests/phpunit/unit/Setup/NativeModuleTest.php), which pages
	 * and answers use. Needs no MediaWiki service: it also serves before
	 * they exist.
	 */
	public static function missingMessage(): string {
		return 'TokenAuthenticator is not available: the PHP extension "' . self::NAME . '" is not loaded. '
			. 'Install it as README.md, section "' . self::README_SECTION . '", describes (build or download '
			. 'the module, load it with an "extension=" line in php.ini or in PHP\'s conf.d directory), '
			. 'then restart PHP (the web server or PHP-FPM).';
	}

	/**
	 * Writes missingMessage() to PHP's error log, once per request: called
	 * where a request is refused for lack of the module, so the log says why
	 * without a line for every page view of the wiki.
	 */
	public static function logMissing(): void {
		if ( self::$logged ) {
			return;
		}
		self::$logged = true;
		error_log( self::missingMessage() );
		Services::getMetrics()->outage( Metrics::NATIVE_MODULE );
	}

	/**
	 * Answers a special page that cannot work without the module: 503, the
	 * message naming the module and the README section.
	 */
	public static function showMissingPage( OutputPage $out ): void {
		self::logMissing();
		$out->setStatusCode( 503 );
		$out->showErrorPage( self::TITLE_KEY, self::MESSAGE_KEY );
	}

	/**
	 * What a wiki without the module registers besides Registration's
	 * entries (which stay, to answer with the error): the row of
	 * Special:Version. Only then, so a healthy wiki pays nothing for it.
	 */
	public static function registerMissing(): void {
		$GLOBALS['wgHooks']['SoftwareInfo'][] = self::class . '::onSoftwareInfo';
	}

	/**
	 * SoftwareInfo hook, registered only without the module: a row in
	 * Special:Version's software table saying it is missing and where the
	 * README installs it (names and versions there are wikitext).
	 *
	 * @param array &$software
	 */
	public static function onSoftwareInfo( &$software ): void {
		$software['TokenAuthenticator: ' . self::NAME] = wfMessage( self::MESSAGE_KEY )->text();
	}
}
