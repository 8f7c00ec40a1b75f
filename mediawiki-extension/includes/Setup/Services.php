<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Extension\TokenAuthenticator\AccountSnapshots;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLogin;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeys;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionUsers;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\AppTokens;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\KeyUse;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyLookup;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyManager;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceRequest;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceUserSetup;
use MediaWiki\Extension\TokenAuthenticator\SessionVerification\SessionVerification;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\DatabaseTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\Extension\TokenAuthenticator\UserToken\AuthInfo;
use MediaWiki\Extension\TokenAuthenticator\UserToken\UserTokens;
use MediaWiki\Extension\TokenAuthenticator\UserToken\VerifyCallback;
use MediaWiki\MediaWikiServices;

/**
 * The extension's services (ServiceWiring.php), wired on first use.
 *
 * ServiceWiring.php is not in extension.json's ServiceWiringFiles: MediaWiki
 * loads those files when it builds its service container, on every request,
 * and makes a closure per service: about 25,000 instructions (0.13 % of an
 * api.php request) for requests that never use one (BENCHMARKS.md
 * section 5). Every use goes through here, which adds the wiring to the
 * current container once; the service names are the same as they were.
 */
final class Services {
	/** A service of ServiceWiring.php: present once the wiring is applied. */
	private const PROBE = 'TokenAuthenticator.Config';

	/**
	 * The current service container, with this extension's services.
	 */
	public static function container(): MediaWikiServices {
		$services = MediaWikiServices::getInstance();
		// Also after MediaWikiServices::resetGlobalInstance(): a new container
		// has core's wiring only.
		if ( !$services->hasService( self::PROBE ) ) {
			$services->applyWiring( require __DIR__ . '/ServiceWiring.php' );
		}
		return $services;
	}

	public static function getAccountSnapshots(): AccountSnapshots {
		return self::container()->getService( 'TokenAuthenticator.AccountSnapshots' );
	}

	public static function getAppTokens(): AppTokens {
		return self::container()->getService( 'TokenAuthenticator.AppTokens' );
	}

	public static function getAuthInfo(): AuthInfo {
		return self::container()->getService( 'TokenAuthenticator.AuthInfo' );
	}

	public static function getPersonalKeys(): PersonalKeys {
		return self::container()->getService( 'TokenAuthenticator.PersonalKeys' );
	}

	public static function getJwtLogin(): JwtLogin {
		return self::container()->getService( 'TokenAuthenticator.JwtLogin' );
	}

	public static function getKeyUse(): KeyUse {
		return self::container()->getService( 'TokenAuthenticator.KeyUse' );
	}

	public static function getMetrics(): Metrics {
		return self::container()->getService( 'TokenAuthenticator.Metrics' );
	}

	public static function getNetworkSessionUsers(): NetworkSessionUsers {
		return self::container()->getService( 'TokenAuthenticator.NetworkSessionUsers' );
	}

	public static function getServiceKeyLookup(): ServiceKeyLookup {
		return self::container()->getService( 'TokenAuthenticator.ServiceKeyLookup' );
	}

	public static function getServiceRequest(): ServiceRequest {
		return self::container()->getService( 'TokenAuthenticator.ServiceRequest' );
	}

	public static function getReplayRecords(): DatabaseTokenStore {
		return self::container()->getService( 'TokenAuthenticator.ReplayRecords' );
	}

	public static function getServiceAccounts(): ServiceAccounts {
		return self::container()->getService( 'TokenAuthenticator.ServiceAccounts' );
	}

	public static function getServiceKeyManager(): ServiceKeyManager {
		return self::container()->getService( 'TokenAuthenticator.ServiceKeyManager' );
	}

	public static function getServiceUserSetup(): ServiceUserSetup {
		return self::container()->getService( 'TokenAuthenticator.ServiceUserSetup' );
	}

	public static function getSessionVerification(): SessionVerification {
		return self::container()->getService( 'TokenAuthenticator.SessionVerification' );
	}

	public static function getTokenStore(): TokenStore {
		return self::container()->getService( 'TokenAuthenticator.TokenStore' );
	}

	public static function getUserTokens(): UserTokens {
		return self::container()->getService( 'TokenAuthenticator.UserTokens' );
	}

	public static function getVerifyCallback(): VerifyCallback {
		return self::container()->getService( 'TokenAuthenticator.VerifyCallback' );
	}
}
