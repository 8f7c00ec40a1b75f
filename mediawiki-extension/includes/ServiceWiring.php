<?php

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLinkStore;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLogin;
use MediaWiki\Extension\TokenAuthenticator\SessionVerification;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\AppTokens;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\KeyUse;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceKeyStore;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\NetworkSessionUsers;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\PrincipalRegistry;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\RequestRefusal;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceUserSetup;
use MediaWiki\Extension\TokenAuthenticator\DatabaseTokenStore;
use MediaWiki\Extension\TokenAuthenticator\SelectedTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore;
use MediaWiki\Extension\TokenAuthenticator\AuthInfo;
use MediaWiki\Extension\TokenAuthenticator\UserTokens;
use MediaWiki\Extension\TokenAuthenticator\VerifyCallback;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;

return [
	'TokenAuthenticator.Config' => static function ( MediaWikiServices $services ): Config {
		return $services->getConfigFactory()->makeConfig( 'TokenAuthenticator' );
	},

	'TokenAuthenticator.TokenStore' => static function ( MediaWikiServices $services ): TokenStore {
		return new SelectedTokenStore(
			$services->getService( 'TokenAuthenticator.Config' )->get( 'TokenAuthenticatorTokenStore' ),
			(array)$services->getMainConfig()->get( 'ObjectCaches' ),
			static fn () => new DatabaseTokenStore( $services->getDBLoadBalancer(), $services->getUserFactory() ),
			static fn () => $services->getMainObjectStash(),
			static fn ( $name ) => method_exists( $services, 'getObjectCacheFactory' )
				// 1.42+; ObjectCache::getInstance() is deprecated in 1.43.
				? $services->getObjectCacheFactory()->getInstance( $name )
				: ObjectCache::getInstance( $name )
		);
	},

	// Records of what may be used once (JWTs, single-use session-verification
	// tokens): always the database, whatever the token store. A cache forgets
	// them when it restarts or evicts, and a replay would then pass.
	'TokenAuthenticator.ReplayRecords' => static function ( MediaWikiServices $services ): DatabaseTokenStore {
		return new DatabaseTokenStore( $services->getDBLoadBalancer(), $services->getUserFactory() );
	},

	'TokenAuthenticator.UserTokens' => static function ( MediaWikiServices $services ): UserTokens {
		return new UserTokens(
			new ServiceOptions(
				UserTokens::CONSTRUCTOR_OPTIONS,
				$services->getService( 'TokenAuthenticator.Config' )
			),
			$services->getService( 'TokenAuthenticator.TokenStore' )
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
			new HookRunner( $services->getHookContainer() )
		);
	},

	'TokenAuthenticator.PrincipalRegistry' => static function ( MediaWikiServices $services ): PrincipalRegistry {
		return new PrincipalRegistry(
			new ServiceOptions( PrincipalRegistry::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
			LoggerFactory::getInstance( 'TokenAuthenticator' ),
			$services->getService( 'TokenAuthenticator.ServiceKeyStore' )
		);
	},

	'TokenAuthenticator.ServiceKeyStore' => static function ( MediaWikiServices $services ): ServiceKeyStore {
		return new ServiceKeyStore( $services->getDBLoadBalancer() );
	},

	'TokenAuthenticator.KeyUse' => static function ( MediaWikiServices $services ): KeyUse {
		return new KeyUse( $services->getDBLoadBalancer(), $services->getLocalServerObjectCache() );
	},

	'TokenAuthenticator.ServiceKeys' => static function ( MediaWikiServices $services ): ServiceKeys {
		return new ServiceKeys(
			$services->getService( 'TokenAuthenticator.PrincipalRegistry' ),
			$services->getService( 'TokenAuthenticator.ServiceKeyStore' ),
			$services->getService( 'TokenAuthenticator.AppTokens' ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getUserFactory(),
			$services->getPermissionManager(),
			$services->getGroupPermissionsLookup()
		);
	},

	'TokenAuthenticator.ServiceAccounts' => static function ( MediaWikiServices $services ): ServiceAccounts {
		return new ServiceAccounts(
			$services->getDBLoadBalancer(),
			$services->getUserFactory(),
			$services->getAuthManager(),
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
			$services->getService( 'TokenAuthenticator.PrincipalRegistry' ),
			$services->getService( 'TokenAuthenticator.ServiceAccounts' ),
			$services->getDBLoadBalancer()
		);
	},

	'TokenAuthenticator.RequestRefusal' => static function ( MediaWikiServices $services ): RequestRefusal {
		$config = $services->getMainConfig();
		return new RequestRefusal( $config->get( 'RestPath' ), $config->get( 'Sitename' ), $services->getProxyLookup() );
	},

	'TokenAuthenticator.NetworkSessionUsers' => static function (): NetworkSessionUsers {
		// NetworkSession's $wg… settings, read from the globals: they are no
		// setting of core's, so core's own config may not know them.
		return new NetworkSessionUsers( new GlobalVarConfig( 'wg' ) );
	},

	'TokenAuthenticator.ServiceUserSetup' => static function ( MediaWikiServices $services ): ServiceUserSetup {
		return new ServiceUserSetup(
			$services->getService( 'TokenAuthenticator.PrincipalRegistry' ),
			$services->getService( 'TokenAuthenticator.ServiceKeyStore' ),
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
			(string)$services->getMainConfig()->get( 'SecretKey' )
		);
	},

	'TokenAuthenticator.JwtLogin' => static function ( MediaWikiServices $services ): JwtLogin {
		return new JwtLogin(
			new ServiceOptions( JwtLogin::CONSTRUCTOR_OPTIONS, $services->getService( 'TokenAuthenticator.Config' ) ),
			// JWTAuth's $wgJWT… settings, read from the globals: they are no
			// setting of core's, so core's own config may not know them.
			new GlobalVarConfig( 'wg' ),
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
