<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\AppTokens;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\Principal;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use Wikimedia\ParamValidator\ParamValidator;
use MediaWiki\Extension\TokenAuthenticator\TokenStoreUnavailableException;
use Wikimedia\Rdbms\DBError;
use WikiMap;

/**
 * GET /mws/v1/app-token/verify/{token}, the reference's app-token line: a live
 * app token answers what the reference stored with it, {"wiki": "<wiki id>",
 * "app": true}; anything else, a user token included, the reference's 400
 * "Invalid or expired token.". The token is not used up (app tokens are
 * reusable until they expire, there as here).
 */
class VerifyAppTokenHandler extends Handler {
	use NoStore;
	use TokenRoute;

	private AppTokens $appTokens;

	public function __construct( AppTokens $appTokens ) {
		$this->appTokens = $appTokens;
	}

	public function execute(): Response {
		$missing = $this->nativeModuleMissing();
		if ( $missing ) {
			return $missing;
		}
		try {
			$principal = $this->appTokens->check( (string)$this->getValidatedParams()['token'] );
		} catch ( ConfigurationException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return $this->noStore( HttpError::unavailable( $this->getResponseFactory(), $e ) );
		}
		if ( !$principal instanceof Principal ) {
			throw HttpError::make( 'tokenauthenticator-error-invalid-token', 400 );
		}
		return $this->noStore( $this->getResponseFactory()->createJson( [
			'wiki' => WikiMap::getCurrentWikiId(),
			'app' => true,
		] ) );
	}

	public function needsReadAccess(): bool {
		return false;
	}

	public function getParamSettings(): array {
		return [
			'token' => [
				self::PARAM_SOURCE => 'path',
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_REQUIRED => true,
			],
		];
	}
}
