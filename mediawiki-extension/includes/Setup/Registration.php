<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLoginHooks;
use MediaWiki\Extension\TokenAuthenticator\Jwt\SpecialJWTLogin;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionAutocreate;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\SpecialServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\SessionVerification\ApiSessionVerification;
use RequestContext;
use RuntimeException;

/**
 * The registration callback (extension.json "callback"), and what
 * extension.json would otherwise register through core's globals: the
 * session provider, the API module, the special pages, the log type, the
 * rights, the rate limits, the config registry entry, the extension
 * function, the alias file, the hooks that run on some entry points only
 * (ResourceLoader modules, update.php, the private-wiki whitelist); and, on
 * api.php and rest.php, "Vary: Authorization".
 *
 * MediaWiki 1.39 exports each global of an extension.json with
 * array_key_exists( $key, $GLOBALS ), which copies the global symbol table
 * on PHP 8.1+, once per key and request; these keys are ones no other
 * extension of a plain wiki brings, so each would be a copy of its own.
 * Written here directly (after LocalSettings.php, like extension.json's),
 * with the same merge rules: what the admin set wins.
 *
 * Every request loads this class, so what every request needs is here and
 * names no other class of the extension until it is used: each class
 * loaded costs a request thousands of instructions (BENCHMARKS.md section 5).
 */
class Registration {
	/** The extension's REST routes (/mws/v1/...). */
	public const ROUTE_FILE = __DIR__ . '/../../rest-routes.json';

	/** Name of the native PHP module, as extension_loaded() knows it (NativeModule::NAME). */
	public const NATIVE_MODULE = 'mws_token_authenticator';

	/**
	 * Defined by the composer package mwstake/mediawiki-component-token-authenticator,
	 * which registers the same REST routes (/mws/v1/user-token/*): MediaWiki's
	 * router then fails every REST request with a path conflict.
	 */
	public const COMPONENT_CONSTANT = 'MWSTAKE_MEDIAWIKI_COMPONENT_TOKEN_AUTHENTICATOR_VERSION';

	/**
	 * Called by ExtensionRegistry once the extension is registered.
	 *
	 * Refuses to continue next to the composer component this extension
	 * replaces. A missing native module is no reason to stop the wiki: the
	 * extension registers as usual and its own entries answer with the error
	 * (NativeModule, which says why extension.json does not require it).
	 *
	 * @throws RuntimeException On the command line, when the composer
	 *   component is installed too
	 */
	public static function onRegistration(): void {
		if ( !defined( self::COMPONENT_CONSTANT ) ) {
			// Also without the native module: the session provider, the API
			// module and the special page are what answer its absence.
			self::register();
			if ( !extension_loaded( self::NATIVE_MODULE ) ) {
				NativeModule::registerMissing();
			}
			return;
		}
		$message = self::componentClashMessage( (string)constant( self::COMPONENT_CONSTANT ) );
		if ( PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg' ) {
			throw new RuntimeException( $message );
		}
		// MediaWiki's exception handler is not installed yet at registration
		// time: an exception would end as an empty HTTP 500. Answer directly,
		// in the format the entry point speaks, and leave a trace in the
		// server's error log.
		error_log( $message );
		ErrorAnswer::sendAndExit( defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : 'unknown', 500,
			'tokenauthenticator-component-clash', $message, ErrorAnswer::headers( 500 ) );
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

	private static function register(): void {
		// Always, not only for requests with an Authorization header (which
		// saved about 40,000 instructions on rest.php): a service session is
		// kept in the session store under the provider's name, and a request
		// that loads it by ID without the provider (a job of an upload, on
		// any entry point) would delete it as "unknown provider".
		$GLOBALS['wgSessionProviders']['TokenAuthenticatorService'] ??= [ 'class' => ServiceSessionProvider::class ];
		// MediaWiki 1.42+ autocreates NetworkSession accounts itself (the
		// provider's canAlwaysAutocreate()). Before, only a request with a
		// credential loads the class that does it. The version, not
		// method_exists(): that would load SessionProvider on load.php too.
		if ( version_compare( MW_VERSION, '1.42', '<' ) ) {
			$GLOBALS['wgExtensionFunctions'][] = static function (): void {
				if ( RequestContext::getMain()->getRequest()->getHeader( 'Authorization' ) !== false ) {
					NetworkSessionAutocreate::run();
				}
			};
		}
		if ( defined( 'MW_ENTRY_POINT' ) && ( MW_ENTRY_POINT === 'api' || MW_ENTRY_POINT === 'rest' ) ) {
			// Answers differ by credential, also those to requests without one.
			self::varyOnAuthorization();
		}
		// Hooks in $wgHooks, each where it can run, not in extension.json,
		// whose handlers the registry cache carries on every request.
		$GLOBALS['wgHooks']['ResourceLoaderRegisterModules'][] =
			ResourceModules::class . '::onResourceLoaderRegisterModules';
		if ( PHP_SAPI === 'cli' || PHP_SAPI === 'phpdbg' || defined( 'MEDIAWIKI_INSTALL' ) ) {
			// update.php, and the web installer's upgrade.
			$GLOBALS['wgHooks']['LoadExtensionSchemaUpdates'][] = [ new SchemaHooks(), 'onLoadExtensionSchemaUpdates' ];
		}
		if ( defined( 'MW_ENTRY_POINT' ) && MW_ENTRY_POINT === 'index' ) {
			$GLOBALS['wgHooks']['TitleReadWhitelist'][] = JwtLoginHooks::class . '::onIndexTitleReadWhitelist';
		}
		// A closure, not extension.json's ConfigRegistry: ConfigFactory checks
		// a callable string with is_callable(), which loads its class.
		$GLOBALS['wgConfigRegistry']['TokenAuthenticator'] ??= static fn () => ExtensionConfig::newInstance();
		// A route file, not extension.json's RestRoutes: the registry cache
		// would carry the routes on every request, and the router would
		// json_encode them for its cache key on every rest.php request.
		$GLOBALS['wgRestAPIAdditionalRouteFiles'][] = self::ROUTE_FILE;
		// Factories, not "services": the extension's services are wired on
		// first use (Services).
		$GLOBALS['wgAPIModules']['session_verification'] ??= [
			'class' => ApiSessionVerification::class,
			'factory' => ApiSessionVerification::class . '::factory',
		];
		$GLOBALS['wgSpecialPages']['JWTLogin'] ??= [ 'factory' => SpecialJWTLogin::class . '::factory' ];
		$GLOBALS['wgSpecialPages']['ServiceKeys'] ??= [ 'factory' => SpecialServiceKeys::class . '::factory' ];
		$GLOBALS['wgExtensionMessagesFiles']['TokenAuthenticatorAlias'] ??= dirname( __DIR__, 2 ) . '/TokenAuthenticator.alias.php';

		// Special:Log's "tokenauth" type, readable with its own right.
		self::addOnce( $GLOBALS['wgLogTypes'], 'tokenauth' );
		$GLOBALS['wgLogNames']['tokenauth'] ??= 'log-name-tokenauth';
		$GLOBALS['wgLogHeaders']['tokenauth'] ??= 'log-description-tokenauth';
		$GLOBALS['wgLogActionsHandlers']['tokenauth/*'] ??= 'LogFormatter';
		$GLOBALS['wgLogRestrictions']['tokenauth'] ??= 'tokenauthenticator-viewlog';
		self::addOnce( $GLOBALS['wgAvailableRights'], 'tokenauthenticator-viewlog' );
		$GLOBALS['wgGroupPermissions']['sysop']['tokenauthenticator-viewlog'] ??= true;
		// Special:ServiceKeys: creating a key hands out a secret, as granting rights does.
		self::addOnce( $GLOBALS['wgAvailableRights'], 'tokenauthenticator-manage' );
		$GLOBALS['wgGroupPermissions']['bureaucrat']['tokenauthenticator-manage'] ??= true;

		// Failed verifies, per IP and per user (array_plus_2d, as core merges
		// extension.json's RateLimits: the admin's entries win per key).
		foreach ( [ 'tokenauthenticator-verify-fail', 'tokenauthenticator-sv-fail' ] as $action ) {
			$GLOBALS['wgRateLimits'][$action] = ( $GLOBALS['wgRateLimits'][$action] ?? [] )
				+ [ 'ip' => [ 60, 60 ], 'user' => [ 60, 60 ] ];
		}
	}

	/**
	 * Adds "Authorization" to the Vary header of this api.php or rest.php
	 * answer (called once per request, by register()), merged with the Vary the entry
	 * point set, as the headers go out: ApiMain replaces Vary with
	 * OutputPage's (answers that may be cached) and the REST router's
	 * response headers replace any Vary set before them. PHP keeps one header_register_callback() per request,
	 * and MediaWiki's own (HeaderCallback: X-Request-Id, and Cache-Control:
	 * private on any answer that sets a cookie), registered before the
	 * extensions load, must stay: ours runs it first. A pre-send deferred
	 * update would do the same at about 170,000 instructions, 0.9 % of a
	 * request (BENCHMARKS.md, "Requests without credentials").
	 */
	private static function varyOnAuthorization(): void {
		// Resolved now: autoloading from inside a header callback is not
		// reliable (T261260). MediaWiki 1.40 moved the class; Setup.php has
		// loaded it, so the lookup never autoloads (on 1.39 an autoload miss
		// for the new name costs 25,000 instructions).
		$core = class_exists( 'MediaWiki\\Request\\HeaderCallback', false )
			? 'MediaWiki\\Request\\HeaderCallback'
			: 'MediaWiki\\HeaderCallback';
		header_register_callback( static function () use ( $core ): void {
			$core::callback();
			self::mergeVaryHeader();
		} );
	}

	/**
	 * Sets Vary to the Vary values sent so far plus Authorization.
	 */
	private static function mergeVaryHeader(): void {
		if ( headers_sent() ) {
			return;
		}
		header( self::varyHeader( headers_list() ) );
	}

	/**
	 * The Vary header line for $headers (lines as headers_list() gives them)
	 * with Authorization added once.
	 *
	 * @param string[] $headers
	 * @return string
	 */
	public static function varyHeader( array $headers ): string {
		return 'Vary: ' . self::varyValue( $headers );
	}

	/**
	 * @param string[] $headers
	 * @return string The value of varyHeader()
	 */
	public static function varyValue( array $headers ): string {
		$values = [];
		foreach ( $headers as $line ) {
			if ( stripos( $line, 'Vary:' ) === 0 ) {
				foreach ( explode( ',', substr( $line, 5 ) ) as $v ) {
					$values[strtolower( trim( $v ) )] ??= trim( $v );
				}
			}
		}
		unset( $values[''] );
		$values['authorization'] ??= 'Authorization';
		return implode( ', ', $values );
	}

	/**
	 * @param mixed &$list
	 * @param string $value
	 */
	private static function addOnce( &$list, string $value ): void {
		$list ??= [];
		if ( !in_array( $value, $list, true ) ) {
			$list[] = $value;
		}
	}
}
