<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Extension\TokenAuthenticator\Api\ApiSessionVerification;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\NetworkSessionAutocreate;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\RequestRefusal;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\Special\SpecialJWTLogin;
use MediaWiki\Extension\TokenAuthenticator\Special\SpecialServiceKeys;

/**
 * What extension.json would otherwise register through core's globals: the
 * session provider, the API module, the special page, the log type, the
 * right, the rate limits, the extension function, the alias file.
 *
 * MediaWiki 1.39 exports each global of an extension.json with
 * array_key_exists( $key, $GLOBALS ), which copies the global symbol table
 * on PHP 8.1+, once per key and request; these keys are ones no other
 * extension of a plain wiki brings, so each would be a copy of its own.
 * Written here directly (after LocalSettings.php, like extension.json's),
 * with the same merge rules: what the admin set wins.
 */
class Registration {
	/** The extension's REST routes (/mws/v1/...). */
	public const ROUTE_FILE = __DIR__ . '/../rest-routes.json';

	public static function register(): void {
		// Always, not only for requests with an Authorization header (which
		// saved about 40,000 instructions on rest.php): a service session is
		// kept in the session store under the provider's name, and a request
		// that loads it by ID without the provider (a job of an upload, on
		// any entry point) would delete it as "unknown provider".
		$GLOBALS['wgSessionProviders']['TokenAuthenticatorService'] ??= [ 'class' => ServiceSessionProvider::class ];
		$GLOBALS['wgExtensionFunctions'][] = NetworkSessionAutocreate::class . '::run';
		if ( defined( 'MW_ENTRY_POINT' ) && ( MW_ENTRY_POINT === 'api' || MW_ENTRY_POINT === 'rest' ) ) {
			// Answers differ by credential, also those to requests without one.
			RequestRefusal::varyOnAuthorization();
		}
		// A route file, not extension.json's RestRoutes: the registry cache
		// would carry the routes on every request, and the router would
		// json_encode them for its cache key on every rest.php request.
		$GLOBALS['wgRestAPIAdditionalRouteFiles'][] = self::ROUTE_FILE;
		$GLOBALS['wgAPIModules']['session_verification'] ??= [
			'class' => ApiSessionVerification::class,
			'services' => [ 'TokenAuthenticator.SessionVerification' ],
		];
		$GLOBALS['wgSpecialPages']['JWTLogin'] ??= [
			'class' => SpecialJWTLogin::class,
			'services' => [ 'TokenAuthenticator.JwtLogin' ],
		];
		$GLOBALS['wgSpecialPages']['ServiceKeys'] ??= [
			'class' => SpecialServiceKeys::class,
			'services' => [
				'TokenAuthenticator.ServiceKeys',
				'TokenAuthenticator.PrincipalRegistry',
				'TokenAuthenticator.KeyUse',
				'TokenAuthenticator.AppTokens',
				'PermissionManager',
			],
		];
		$GLOBALS['wgExtensionMessagesFiles']['TokenAuthenticatorAlias'] ??= dirname( __DIR__ ) . '/TokenAuthenticator.alias.php';

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
