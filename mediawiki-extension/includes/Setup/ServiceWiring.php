<?php

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\AccountSnapshots;
use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLinkStore;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLogin;
use MediaWiki\Extension\TokenAuthenticator\Jwt\KeySet;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionUsers;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeyNotifications;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeys;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeyStore;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\AppTokens;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ConfiguredServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\KeyUse;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyLookup;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyManager;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceRequest;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceUserSetup;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\StoredServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\SessionVerification\SessionVerification;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\DatabaseTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\SelectedTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\Extension\TokenAuthenticator\UserToken\AuthInfo;
use MediaWiki\Extension\TokenAuthenticator\UserToken\UserTokens;
use MediaWiki\Extension\TokenAuthenticator\UserToken\VerifyCallback;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

return [
	'TokenAuthenticator.Config' => static function ( MediaWikiServices $services ): Config {
		return $services->getConfigFactory()->makeConfig( 'TokenAuthenticator' );
	},

	'TokenAuthenticator.Metrics' => static function ( MediaWikiServices $services ): Metrics {
		return Metrics::fromServices( $services );
	},

	'TokenAuthenticator.TokenStore' => static function ( MediaWikiServices $services ): TokenStore {
		return new SelectedTokenStore(
			$services->getService( 'TokenAuthenticator.Config' )->get( 'TokenAuthenticatorTokenStore' ),
			(array)$services->getMainConfig()->get( 'ObjectCaches' ),
			static fn () => new DatabaseTokenStore( $services->getDBLoadBalancer() ),
			static fn () => $services->getMainObjectStash(),
			static fn ( $name ) => method_exists( $services, 'getObjectCacheFactory' )
				// 1.42+; ObjectCache::getInstance() is deprecated in 1.43.
				? $services->getObjectCacheFactory()->getInstance( $name )
				: ObjectCache::getInstance( $name ),
			$services->getService( 'TokenAuthenticator.Metrics' )
		);
	},

	// Records of what may be used once (JWTs, single-use session-verification
	// tokens): always the database, whatever the token store. A cache forgets
	// them when it restarts or evicts, and a replay would then pass.
	'TokenAuthenticator.ReplayRecords' => static function ( MediaWikiServices $services ): DatabaseTokenStore {
		return new DatabaseTokenStore( $services->getDBLoadBalancer() );
	},

	'TokenAuthenticator.UserTokens' => static function ( MediaWikiServices $services ): UserTokens {
		return new UserTokens(
			new ServiceOptions(
				UserTokens::CONSTRUCTOR_OPTIONS,
				$services->getService( 'TokenAuthenticator.Config' )
			),
			$services->getService( 'TokenAuthenticator.TokenStore' ),
			$services->getService( 'TokenAuthenticator.Metrics' )
		);
	},

	'TokenAuthenticator.VerifyCallback' => static function ( MediaWikiServices $services ): VerifyCallback {
		return new VerifyCallback(
			(bool)$services->getService( 'TokenAuthenticator.Config' )->get( 'TokenAuthenticatorAbsoluteVerifyCallback' ),
			(string)$services->getMainConfig()->get( 'CanonicalServer' )
		);
	},

	'TokenAuthenticator.AuthInfo' => static function ( MediaWikiServices $services ): AuthInfo {
		return new AuthInfo(
			$services->getUserFactory(),
			$services->getUserGroupManager(),
			$services->getUserOptionsLookup(),
			$services->getLanguageNameUtils(),
			$services->getContentLanguage()->getCode(),
			new HookRunner( $services->getHookContainer() ),
			$services->getService( 'TokenAuthenticator.AccountSnapshots' )
		);
	},

	'TokenAuthenticator.AccountSnapshots' => static function ( MediaWikiServices $services ): AccountSnapshots {
		return new AccountSnapshots( $services->getLocalServerObjectCache() );
	},

	'TokenAuthenticator.ServiceKeyLookup' => static function ( MediaWikiServices $services ): ServiceKeyLookup {
		return new ServiceKeyLookup(
			new ConfiguredServiceKeys(
				new ServiceOptions( ConfiguredServiceKeys::CONSTRUCTOR_OPTIONS,
					$services->getService( 'TokenAuthenticator.Config' ) ),
				LoggerFactory::getInstance( 'TokenAuthenticator' )
			),
			static fn () => $services->getService( 'TokenAuthenticator.StoredServiceKeys' )
		);
	},

	'TokenAuthenticator.StoredServiceKeys' => static function ( MediaWikiServices $services ): StoredServiceKeys {
		return new StoredServiceKeys( $services->getDBLoadBalancer() );
	},

	'TokenAuthenticator.KeyUse' => static function ( MediaWikiServices $services ): KeyUse {
		return new KeyUse( $services->getDBLoadBalancer(), $services->getLocalServerObjectCache() );
	},

	'TokenAuthenticator.ServiceKeyManager' => static function ( MediaWikiServices $services ): ServiceKeyManager {
		return new ServiceKeyManager(
			$services->getService( 'TokenAuthenticator.ServiceKeyLookup' ),
			$services->getService( 'TokenAuthenticator.StoredServiceKeys' ),
			$services->getService( 'TokenAuthenticator.AppTokens' ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getUserFactory(),
			$services->getPermissionManager(),
			$services->getGroupPermissionsLookup(),
			$services->getService( 'TokenAuthenticator.Metrics' )
		);
	},

	'TokenAuthenticator.ServiceAccounts' => static function ( MediaWikiServices $services ): ServiceAccounts {
		return new ServiceAccounts(
			$services->getDBLoadBalancer(),
			$services->getUserFactory(),
			static fn () => $services->getAuthManager(),
			$services->getUserGroupManager(),
			$services->getHookContainer(),
			new JwtLinkStore( $services->getDBLoadBalancer() ),
			(bool)$services->getMainConfig()->get( 'NewUserLog' )
		);
	},

	'TokenAuthenticator.AppTokens' => static function ( MediaWikiServices $services ): AppTokens {
		return new AppTokens(
			new ServiceOptions( AppTokens::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
			$services->getService( 'TokenAuthenticator.TokenStore' ),
			$services->getService( 'TokenAuthenticator.ServiceKeyLookup' ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getDBLoadBalancer(),
			$services->getService( 'TokenAuthenticator.Metrics' )
		);
	},

	'TokenAuthenticator.ServiceRequest' => static function ( MediaWikiServices $services ): ServiceRequest {
		$config = $services->getMainConfig();
		return new ServiceRequest( $config->get( 'RestPath' ), $config->get( 'Sitename' ), $services->getProxyLookup() );
	},

	'TokenAuthenticator.NetworkSessionUsers' => static function (): NetworkSessionUsers {
		// NetworkSession's $wg… settings, read from the globals: they are no
		// setting of core's, so core's own config may not know them.
		return new NetworkSessionUsers( new GlobalVarConfig( 'wg' ) );
	},

	'TokenAuthenticator.ServiceUserSetup' => static function ( MediaWikiServices $services ): ServiceUserSetup {
		return new ServiceUserSetup(
			$services->getService( 'TokenAuthenticator.ServiceKeyLookup' ),
			$services->getService( 'TokenAuthenticator.StoredServiceKeys' ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getUserGroupManager(),
			(array)$services->getService( 'TokenAuthenticator.Config' )->get( 'TokenAuthenticatorAppTokenGroups' )
		);
	},

	'TokenAuthenticator.SessionVerification' => static function ( MediaWikiServices $services ): SessionVerification {
		return new SessionVerification(
			new ServiceOptions(
				SessionVerification::CONSTRUCTOR_OPTIONS,
				$services->getService( 'TokenAuthenticator.Config' )
			),
			$services->getUserFactory(),
			$services->getService( 'TokenAuthenticator.ReplayRecords' ),
			(string)$services->getMainConfig()->get( 'SecretKey' ),
			$services->getService( 'TokenAuthenticator.Metrics' )
		);
	},

	'TokenAuthenticator.PersonalKeys' => static function ( MediaWikiServices $services ): PersonalKeys {
		return new PersonalKeys(
			new ServiceOptions( PersonalKeys::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
			new PersonalKeyStore( $services->getDBLoadBalancer() ),
			$services->getGrantsInfo(),
			$services->getLocalServerObjectCache(),
			$services->getService( 'TokenAuthenticator.Metrics' ),
			new PersonalKeyNotifications( $services->getMainObjectStash() )
		);
	},

	'TokenAuthenticator.JwtLogin' => static function ( MediaWikiServices $services ): JwtLogin {
		return new JwtLogin(
			new ServiceOptions( JwtLogin::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
			// JWTAuth's $wgJWT… settings, read from the globals: they are no
			// setting of core's, so core's own config may not know them.
			new GlobalVarConfig( 'wg' ),
			new KeySet(
				new ServiceOptions( KeySet::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
				$services->getHttpRequestFactory(),
				// The main cache: one copy of a fetched set for every app server.
				method_exists( $services, 'getObjectCacheFactory' )
					// 1.42+; ObjectCache::getLocalClusterInstance() is deprecated in 1.43.
					? $services->getObjectCacheFactory()->getLocalClusterInstance()
					: ObjectCache::getLocalClusterInstance(),
				LoggerFactory::getInstance( 'TokenAuthenticator' )
			),
			$services->getService( 'TokenAuthenticator.ReplayRecords' ),
			new JwtLinkStore( $services->getDBLoadBalancer() ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getAuthManager(),
			$services->getUserFactory(),
			$services->getUserIdentityLookup(),
			$services->getUserNameUtils(),
			$services->getUserGroupManager(),
			LoggerFactory::getInstance( 'TokenAuthenticator' )
		);
	},
];
