<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtProxySessionProvider;
use MediaWiki\Extension\TokenAuthenticator\Jwt\SpecialJWTLogin;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionAutocreate;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeyHooks;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\SpecialPersonalKeys;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\SpecialServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\SessionVerification\ApiSessionVerification;
use MediaWiki\Extension\TokenAuthenticator\UserToken\AccountChangeHooks;
use RequestContext;
use RuntimeException;

/**
 * The registration callback (extension.json "callback"), and the table of
 * entry points that extension.json does not declare (GLOBALS): the session
 * provider, the API module, the special pages, the REST route file, the log
 * type, the rights and the rate limits; plus, in code, NetworkSession's
 * autocreation before MediaWiki 1.42 and, on api.php and rest.php,
 * "Vary: Authorization". mediawiki-extension/README.md lists every entry
 * point and where it is declared.
 *
 * MediaWiki 1.39 exports each global of an extension.json with
 * array_key_exists( $key, $GLOBALS ), which copies the global symbol table
 * on PHP 8.1+, once per key and request; these keys are ones no other
 * extension of a plain wiki brings, so each would be a copy of its own
 * (BENCHMARKS.md section 5 has the cost of each). What costs less than that
 * is in extension.json.
 *
 * Every request loads this class, so it names no other class of the
 * extension until it is used: each class loaded costs a request thousands
 * of instructions.
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
	 * The entry points extension.json does not declare, as it would declare
	 * them: each global with what this extension adds to it. merge() writes
	 * them with extension.json's rules: a list gains the values it lacks; in
	 * a map, what the admin set wins, per key, and per inner key for the two
	 * maps MediaWiki merges two levels deep.
	 */
	private const GLOBALS = [
		// Always, not only for requests with an Authorization header: a
		// service session is kept in the session store under the provider's
		// name, and a request that loads it by ID without the provider (a job
		// of an upload, on any entry point) would delete it as "unknown".
		'wgSessionProviders' => [
			'TokenAuthenticatorService' => [ 'class' => ServiceSessionProvider::class ],
		],
		// Factories, not "services": the extension's services are wired on
		// first use (Services).
		'wgAPIModules' => [
			'session_verification' => [
				'class' => ApiSessionVerification::class,
				'factory' => ApiSessionVerification::class . '::factory',
			],
		],
		'wgSpecialPages' => [
			'JWTLogin' => [ 'factory' => SpecialJWTLogin::class . '::factory' ],
			'ServiceKeys' => [ 'factory' => SpecialServiceKeys::class . '::factory' ],
			'PersonalKeys' => [ 'factory' => SpecialPersonalKeys::class . '::factory' ],
		],
		// A route file, not extension.json's RestRoutes: the registry cache
		// would carry the routes on every request, and the router would
		// json_encode them for its cache key on every rest.php request.
		'wgRestAPIAdditionalRouteFiles' => [ self::ROUTE_FILE ],
		// Special:Log's "tokenauth" type, readable with its own right.
		'wgLogTypes' => [ 'tokenauth' ],
		'wgLogNames' => [ 'tokenauth' => 'log-name-tokenauth' ],
		'wgLogHeaders' => [ 'tokenauth' => 'log-description-tokenauth' ],
		'wgLogActionsHandlers' => [ 'tokenauth/*' => 'LogFormatter' ],
		'wgLogRestrictions' => [ 'tokenauth' => 'tokenauthenticator-viewlog' ],
		// Special:ServiceKeys: creating a key hands out a secret, as granting
		// rights does.
		'wgAvailableRights' => [ 'tokenauthenticator-viewlog', 'tokenauthenticator-manage',
			'tokenauthenticator-personalkeys' ],
		'wgGroupPermissions' => [
			// Special:PersonalKeys: keys for one's own account.
			'user' => [ 'tokenauthenticator-personalkeys' => true ],
			'sysop' => [ 'tokenauthenticator-viewlog' => true ],
			'bureaucrat' => [ 'tokenauthenticator-manage' => true ],
		],
		// Failed verifies, per IP and per user.
		'wgRateLimits' => [
			'tokenauthenticator-verify-fail' => [ 'ip' => [ 60, 60 ], 'user' => [ 60, 60 ] ],
			'tokenauthenticator-sv-fail' => [ 'ip' => [ 60, 60 ], 'user' => [ 60, 60 ] ],
		],
	];

	/** Hooks on changes to accounts, each handled by AccountChangeHooks::on<hook>(). */
	private const ACCOUNT_HOOKS = [
		'BlockIpComplete', 'UserAddGroup', 'UserRemoveGroup', 'UserSaveSettings', 'SaveUserOptions',
		'RenameUserComplete',
	];

	/** Maps MediaWiki merges two levels deep (array_plus_2d). */
	private const TWO_LEVELS = [ 'wgGroupPermissions', 'wgRateLimits' ];

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
	 * The extension's Config (extension.json "ConfigRegistry"). Here, not
	 * ExtensionConfig::newInstance: ConfigFactory checks the callable with
	 * is_callable() on every request, and this class is loaded anyway.
	 */
	public static function config(): \Config {
		return ExtensionConfig::newInstance();
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
		self::merge();
		// Static handlers (AccountChangeHooks has why); the class loads only
		// when one runs.
		foreach ( self::ACCOUNT_HOOKS as $hook ) {
			$GLOBALS['wgHooks'][$hook][] = AccountChangeHooks::class . '::on' . $hook;
		}
		// Special:Preferences' link to Special:PersonalKeys.
		$GLOBALS['wgHooks']['GetPreferences'][] = PersonalKeyHooks::class . '::onGetPreferences';
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
		$proxyHeader = $GLOBALS['mwsgTokenAuthenticatorJWTProxyHeader'] ?? null;
		if ( is_string( $proxyHeader ) && trim( $proxyHeader ) !== '' ) {
			// Single sign-on behind an identity-aware proxy: only where it is
			// configured, so that other wikis load none of it.
			$GLOBALS['wgSessionProviders']['TokenAuthenticatorJwtProxy'] = [ 'class' => JwtProxySessionProvider::class ];
			$GLOBALS['wgExtensionFunctions'][] = JwtProxySessionProvider::class . '::adoptPending';
		}
		if ( defined( 'MW_ENTRY_POINT' ) && ( MW_ENTRY_POINT === 'api' || MW_ENTRY_POINT === 'rest' ) ) {
			// Answers differ by credential, also those to requests without one.
			self::varyOnAuthorization();
		}
	}

	/**
	 * Writes GLOBALS into core's globals, in place (a copy of a global as
	 * large as $wgGroupPermissions would cost every request). Public for its
	 * test.
	 */
	public static function merge(): void {
		foreach ( self::GLOBALS as $name => $ours ) {
			$global = &$GLOBALS[$name];
			$global ??= [];
			if ( array_is_list( $ours ) ) {
				foreach ( $ours as $value ) {
					if ( !in_array( $value, $global, true ) ) {
						$global[] = $value;
					}
				}
				continue;
			}
			$twoLevels = in_array( $name, self::TWO_LEVELS, true );
			foreach ( $ours as $key => $value ) {
				$global[$key] = $twoLevels && is_array( $global[$key] ?? null )
					? $global[$key] + $value
					: $global[$key] ?? $value;
			}
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
	 * with Authorization (and the JWT proxy header) added once.
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
		// The header of single sign-on behind a proxy, when configured.
		$proxyHeader = $GLOBALS['mwsgTokenAuthenticatorJWTProxyHeader'] ?? null;
		if ( is_string( $proxyHeader ) && trim( $proxyHeader ) !== '' ) {
			$values[strtolower( trim( $proxyHeader ) )] ??= trim( $proxyHeader );
		}
		return implode( ', ', $values );
	}
}
