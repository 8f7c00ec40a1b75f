<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use MediaWiki\Extension\TokenAuthenticator\PersonalKey\RevokeLeakedKeyHandler;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\GenerateAppTokenHandler;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\VerifyAppTokenHandler;
use MediaWiki\Extension\TokenAuthenticator\UserToken\GenerateUserTokenHandler;
use MediaWiki\Extension\TokenAuthenticator\UserToken\VerifyUserTokenHandler;
use MediaWiki\MediaWikiServices;

/**
 * The handlers of rest-routes.json, each built with its services.
 *
 * Factories rather than "class" plus "services" in the route file: MediaWiki's
 * REST router keeps every route's spec in its cached path matchers and
 * unserializes them, all methods' together, on every rest.php request of
 * the wiki, ours or not. A spec of path and factory is about a third of the
 * elements, and a GET route needs no "method" (BENCHMARKS.md section 5).
 */
final class Routes {
	public static function generateUserToken(): GenerateUserTokenHandler {
		return new GenerateUserTokenHandler(
			Services::getUserTokens(),
			Services::getVerifyCallback()
		);
	}

	public static function verifyUserToken(): VerifyUserTokenHandler {
		return new VerifyUserTokenHandler(
			Services::getUserTokens(),
			Services::getAuthInfo()
		);
	}

	public static function generateAppToken(): GenerateAppTokenHandler {
		return new GenerateAppTokenHandler(
			Services::getAppTokens(),
			Services::getServiceKeyLookup(),
			Services::getVerifyCallback(),
			Services::getServiceRequest()
		);
	}

	public static function revokeLeakedPersonalKey(): RevokeLeakedKeyHandler {
		return new RevokeLeakedKeyHandler(
			Services::getPersonalKeys(),
			MediaWikiServices::getInstance()->getUserFactory()
		);
	}

	public static function verifyAppToken(): VerifyAppTokenHandler {
		return new VerifyAppTokenHandler(
			Services::getAppTokens()
		);
	}
}
