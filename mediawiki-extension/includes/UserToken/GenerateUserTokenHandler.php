<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Extension\TokenAuthenticator\AccountBlock;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Rest\HttpError;
use MediaWiki\Extension\TokenAuthenticator\Rest\JsonBody;
use MediaWiki\Extension\TokenAuthenticator\Rest\NoStore;
use MediaWiki\Extension\TokenAuthenticator\Rest\TokenRoute;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Rest\Handler;
use MediaWiki\Rest\Response;
use Wikimedia\Rdbms\DBError;

/**
 * GET|POST /mws/v1/user-token/generate?withIssuer=0|1
 *
 * Mints a user token for the session user: {"value": "<token>"}, or with
 * withIssuer the salted envelope that names this wiki (its verifyCallback is
 * the REST entry point, as the reference writes it: VerifyCallback).
 */
class GenerateUserTokenHandler extends Handler {
	use JsonBody;
	use NoStore;
	use TokenRoute;

	/** Accepted spellings of withIssuer; absent means false. */
	private const BOOLEANS = [
		'' => false, '0' => false, 'false' => false, 'no' => false,
		'1' => true, 'true' => true, 'yes' => true,
	];

	private UserTokens $userTokens;
	private VerifyCallback $verifyCallback;

	public function __construct( UserTokens $userTokens, VerifyCallback $verifyCallback ) {
		$this->userTokens = $userTokens;
		$this->verifyCallback = $verifyCallback;
	}

	protected function answer(): Response {
		// A token says who the user is: only for those who may read the wiki
		// (on a private wiki, not for anonymous visitors).
		if ( !$this->getAuthority()->isAllowed( 'read' ) ) {
			throw HttpError::make( 'tokenauthenticator-error-read-denied', 403 );
		}
		$user = $this->getAuthority()->getUser();
		if ( !$user->isRegistered() && !$this->userTokens->allowsAnonymous() ) {
			throw HttpError::make( 'tokenauthenticator-error-anonymous', 401 );
		}
		if ( AccountBlock::isBarred( $user ) ) {
			throw HttpError::make( 'tokenauthenticator-error-blocked', 403 );
		}
		$withIssuer = $this->withIssuer();
		try {
			// Check the salt before minting, so a misconfigured wiki stores nothing.
			$salt = $withIssuer ? $this->userTokens->salt() : null;
			$token = $this->userTokens->mint( $user );
			$value = $salt === null
				? $token
				: $this->userTokens->wrap( $token, $this->verifyCallback->url() );
		} catch ( InvalidSettingException $e ) {
			throw HttpError::make( $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			return HttpError::unavailable( $this->getResponseFactory(), $e );
		}
		return $this->getResponseFactory()->createJson( [ 'value' => $value ] );
	}

	/**
	 * withIssuer from the query string, or from a JSON body on POST.
	 *
	 * Read here rather than declared in getParamSettings(): on MediaWiki 1.39
	 * a query array (withIssuer[]=1) makes core's string validator throw a
	 * TypeError, an HTTP 500, before any handler code runs.
	 */
	private function withIssuer(): bool {
		$value = $this->getRequest()->getQueryParams()['withIssuer'] ?? null;
		if ( $value === null && $this->getRequest()->getMethod() === 'POST' ) {
			$value = $this->readJsonObject( $this->getRequest() )['withIssuer'] ?? null;
		}
		if ( is_bool( $value ) || is_int( $value ) || $value === null ) {
			$value = (string)(int)$value;
		}
		$flag = is_string( $value ) ? self::BOOLEANS[strtolower( $value )] ?? null : null;
		if ( $flag === null ) {
			throw HttpError::make( 'tokenauthenticator-error-bad-withissuer', 400 );
		}
		return $flag;
	}
}
