<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

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
		$services = MediaWikiServices::getInstance();
		return new GenerateUserTokenHandler(
			$services->getService( 'TokenAuthenticator.UserTokens' ),
			$services->getService( 'TokenAuthenticator.VerifyCallback' )
		);
	}

	public static function verifyUserToken(): VerifyUserTokenHandler {
		$services = MediaWikiServices::getInstance();
		return new VerifyUserTokenHandler(
			$services->getService( 'TokenAuthenticator.UserTokens' ),
			$services->getService( 'TokenAuthenticator.AuthInfo' )
		);
	}

	public static function generateAppToken(): GenerateAppTokenHandler {
		$services = MediaWikiServices::getInstance();
		return new GenerateAppTokenHandler(
			$services->getService( 'TokenAuthenticator.AppTokens' ),
			$services->getService( 'TokenAuthenticator.PrincipalRegistry' ),
			$services->getService( 'TokenAuthenticator.VerifyCallback' ),
			$services->getService( 'TokenAuthenticator.RequestRefusal' )
		);
	}

	public static function verifyAppToken(): VerifyAppTokenHandler {
		return new VerifyAppTokenHandler(
			MediaWikiServices::getInstance()->getService( 'TokenAuthenticator.AppTokens' )
		);
	}
}
