<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Rest\HttpError;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoStore;
use MediaWiki\Extension\TokenAuthenticator\Rest\TokenRoute;
use MediaWiki\Extension\TokenAuthenticator\Rest\VerifyRoute;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use WikiMap;
use Wikimedia\Rdbms\DBError;

/**
 * POST /mws/v1/app-token/verify with {"token": "..."}, which keeps the
 * reusable token out of access logs, and GET /mws/v1/app-token/verify/{token},
 * the reference's app-token line. A live app token answers what the
 * reference stored with it, {"wiki": "<wiki id>", "app": true}; anything
 * else, a user token included, the reference's 400 "Invalid or expired
 * token.". The token is not used up (app tokens are reusable until they
 * expire, there as here).
 */
class VerifyAppTokenHandler extends Handler {
	use NoStore;
	use TokenRoute;
	use VerifyRoute;

	private AppTokens $appTokens;

	public function __construct( AppTokens $appTokens ) {
		$this->appTokens = $appTokens;
	}

	protected function verifiedKind(): string {
		return Metrics::APP_TOKEN;
	}

	protected function answer(): Response {
		$token = $this->tokenFromRequest();
		try {
			$serviceKey = $this->appTokens->check( $token );
		} catch ( InvalidSettingException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		if ( !$serviceKey instanceof ServiceKey ) {
			throw HttpError::make( 'tokenauthenticator-error-invalid-token', 400 );
		}
		return $this->getResponseFactory()->createJson( [
			'wiki' => WikiMap::getCurrentWikiId(),
			'app' => true,
		] );
	}
}
