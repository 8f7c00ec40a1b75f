<?php
/**
 * Reference-equivalent mint: GET /rest.php/bench/v1/ref-mint.
 *
 * What the mwstake reference's GET /mws/v1/user-token/generate does
 * (GenerateTokenHandler, UserTokenAuthenticator::generateToken): for the
 * session user, 16 random bytes as hex, one cache set with the reference's
 * TTL of 10 s, and the token as the answer ({"value": "<token>"}, the REST
 * framework's form of a string). withIssuer=1 (a salted envelope) is not
 * part of the bench and answers 400. Registered only in the bench wiki.
 */

use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\SimpleHandler;
use Wikimedia\ParamValidator\ParamValidator;

class TokenAuthenticatorBenchRefMintHandler extends SimpleHandler {
	/**
	 * @return mixed
	 * @throws HttpException
	 */
	public function execute() {
		$user = RequestContext::getMain()->getUser();
		if ( $this->getValidatedParams()['withIssuer'] ) {
			throw new HttpException( 'withIssuer is not part of the bench.', 400 );
		}
		$token = TokenAuthenticatorBenchRefTokens::store( TokenAuthenticatorBenchRefTokens::cache(),
			$user->getName(), $user->isRegistered(), TokenAuthenticatorBenchRefTokens::TTL );
		if ( $token === null ) {
			throw new InvalidArgumentException( 'Failed to store user token in cache.' );
		}
		return $token;
	}

	/**
	 * @return array[]
	 */
	public function getParamSettings() {
		return [
			'withIssuer' => [
				static::PARAM_SOURCE => 'query',
				ParamValidator::PARAM_TYPE => 'boolean',
				ParamValidator::PARAM_DEFAULT => false,
			],
		];
	}

	/**
	 * @return bool
	 */
	public function needsReadAccess() {
		return true;
	}
}
