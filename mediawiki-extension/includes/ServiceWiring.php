<?php

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Hook\HookRunner;
use MediaWiki\Extension\TokenAuthenticator\TokenStore;
use MediaWiki\Extension\TokenAuthenticator\UserInfo;
use MediaWiki\Extension\TokenAuthenticator\UserTokens;
use MediaWiki\MediaWikiServices;

return [
	'TokenAuthenticator.Config' => static function ( MediaWikiServices $services ): Config {
		return $services->getConfigFactory()->makeConfig( 'TokenAuthenticator' );
	},

	'TokenAuthenticator.TokenStore' => static function ( MediaWikiServices $services ): TokenStore {
		return new TokenStore( $services->getDBLoadBalancer() );
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

	'TokenAuthenticator.UserInfo' => static function ( MediaWikiServices $services ): UserInfo {
		return new UserInfo(
			$services->getUserFactory(),
			$services->getUserGroupManager(),
			$services->getUserOptionsLookup(),
			new HookRunner( $services->getHookContainer() )
		);
	},
];
