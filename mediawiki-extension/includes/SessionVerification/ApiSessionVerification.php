<?php

namespace MediaWiki\Extension\TokenAuthenticator\SessionVerification;

use ApiBase;
use ApiMain;
use MediaWiki\Extension\TokenAuthenticator\Error\MessageText;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use Wikimedia\ParamValidator\ParamValidator;

/**
 * action=session_verification, with the request and answer shapes of the
 * ThirdPartySessionVerification extension:
 *
 * - without token, a logged-in user gets {"session_verification": {"token": "..."}},
 *   an anonymous caller {"session_verification": {"error": "No user"}};
 * - with token, {"session_verification": {"success": 1, "userID": "<id>",
 *   "token_age_in_seconds": N}} or {"session_verification": {"error": "Incorrect token"}}.
 *
 * Unlike the reference, tokens are HMAC-signed (no PBKDF2 per request),
 * expire, die when the user logs out everywhere or is blocked, can be made
 * single use, and failures are rate limited. Send the token by POST: a GET
 * puts it, reusable for up to an hour, into access logs.
 */
class ApiSessionVerification extends ApiBase {
	public const RATE_LIMIT_ACTION = 'tokenauthenticator-sv-fail';

	private SessionVerification $sessionVerification;

	/**
	 * Its spec's factory (Registration): the services are wired on first use.
	 *
	 * @param ApiMain $main
	 * @param string $action
	 * @return self
	 */
	public static function factory( ApiMain $main, string $action ): self {
		return new self( $main, $action, Services::getSessionVerification() );
	}

	public function __construct( ApiMain $main, string $action, SessionVerification $sessionVerification ) {
		parent::__construct( $main, $action );
		$this->sessionVerification = $sessionVerification;
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			// Tokens are signed and checked by the native module: fail closed.
			NativeModule::logMissing();
			$this->dieWithError( MessageText::spec( NativeModule::MESSAGE_KEY ), NativeModule::MESSAGE_KEY, null, 503 );
		}
		$token = $this->getParameter( 'token' );
		// As the reference's "if ( $token )": empty (and "0") asks for a token.
		if ( $token === null || $token === '' || $token === '0' ) {
			$user = $this->getUser();
			if ( !$user->isRegistered() ) {
				$this->answer( [ 'error' => 'No user' ] );
				return;
			}
			if ( !$this->sessionVerification->mayIssue( $user ) ) {
				$this->dieWithError( MessageText::spec( 'tokenauthenticator-error-blocked' ), 'blocked' );
			}
			$this->answer( [ 'token' => $this->sessionVerification->issue( $user ) ] );
			return;
		}

		$verified = $this->sessionVerification->verify( $token );
		if ( $verified === null ) {
			// As on REST verify: failures count, valid tokens always pass.
			if ( $this->getUser()->pingLimiter( self::RATE_LIMIT_ACTION ) ) {
				$this->dieWithError( 'apierror-ratelimited', 'ratelimited' );
			}
			$this->answer( [ 'error' => 'Incorrect token' ] );
			return;
		}
		$this->answer( [
			'success' => 1,
			'userID' => (string)$verified['userId'],
			'token_age_in_seconds' => $verified['age'],
		] );
	}

	/**
	 * Every answer, errors included, nests inside the module's name with
	 * HTTP 200, as the reference writes it: mw.Api resolves, and clients
	 * reading session_verification.success find it.
	 */
	private function answer( array $fields ): void {
		$this->getResult()->addValue( null, $this->getModuleName(), $fields );
	}

	/** Backend services verify without being logged in, also on private wikis. */
	public function isReadMode() {
		return false;
	}

	public function getAllowedParams() {
		return [
			'token' => [
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_SENSITIVE => true,
			],
		];
	}

	protected function getExamplesMessages() {
		return [
			'action=session_verification' => 'apihelp-session_verification-example-get',
			'action=session_verification&token=v1.1.1700000000.0123abcd'
				=> 'apihelp-session_verification-example-verify',
		];
	}
}
