<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Rest\HttpError;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoStore;
use MediaWiki\Extension\TokenAuthenticator\Rest\TokenRoute;
use MediaWiki\Extension\TokenAuthenticator\Rest\VerifyRoute;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use RequestContext;
use Wikimedia\Rdbms\DBError;

/**
 * POST /mws/v1/user-token/verify with {"token": "..."} (keeps the token out of
 * URL logs), and GET /mws/v1/user-token/verify/{token} (the reference's form).
 *
 * Exchanges a user token for who the user is. Unknown, expired, used and
 * malformed tokens get one and the same answer, and count against the rate
 * limit RATE_LIMIT_ACTION of the caller; past it they get 429, valid tokens
 * never do. A token of a user blocked since it was minted is refused.
 */
class VerifyUserTokenHandler extends Handler {
	use NoStore;
	use TokenRoute;
	use VerifyRoute;

	public const RATE_LIMIT_ACTION = 'tokenauthenticator-verify-fail';

	private UserTokens $userTokens;
	private AuthInfo $authInfo;

	public function __construct( UserTokens $userTokens, AuthInfo $authInfo ) {
		$this->userTokens = $userTokens;
		$this->authInfo = $authInfo;
	}

	protected function verifiedKind(): string {
		return Metrics::USER_TOKEN;
	}

	protected function answer(): Response {
		$token = $this->tokenFromRequest();
		try {
			$stored = $this->userTokens->redeem( $token );
		} catch ( InvalidSettingException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		if ( !$stored ) {
			// Counted by user, or by IP for anonymous callers. A valid token
			// is answered whatever the count: a service verifies for all its
			// users from one address, and anyone who can send it bad tokens
			// must not be able to stop it. Tokens are 256 random bits, so
			// going on checking over the limit gives a guesser nothing.
			$overLimit = RequestContext::getMain()->getUser()->pingLimiter( self::RATE_LIMIT_ACTION );
			throw $overLimit
				? HttpError::make( 'tokenauthenticator-error-rate-limited', 429 )
				: HttpError::make( 'tokenauthenticator-error-invalid-token', 400 );
		}
		$answer = $this->authInfo->forToken( $stored );
		if ( $answer === null ) {
			// Blocked or locked since the token was minted.
			throw HttpError::make( 'tokenauthenticator-error-token-user-blocked', 403 );
		}
		return $this->getResponseFactory()->createJson( $answer );
	}
}
