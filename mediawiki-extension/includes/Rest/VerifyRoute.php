<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use Wikimedia\ParamValidator\ParamValidator;

/**
 * The token of a verify route (user tokens, app tokens): on POST the
 * "token" member of the JSON body, which keeps it out of URL logs; on GET
 * the {token} segment of the path, the reference's form.
 */
trait VerifyRoute {
	use JsonBody;

	/**
	 * @return string
	 * @throws \MediaWiki\Rest\HttpException 400 for a body without a string "token"
	 */
	private function tokenFromRequest(): string {
		if ( $this->getRequest()->getMethod() === 'POST' ) {
			$token = $this->readJsonObject( $this->getRequest() )['token'] ?? null;
			if ( !is_string( $token ) ) {
				throw HttpError::make( 'tokenauthenticator-error-token-field', 400 );
			}
			return $token;
		}
		return (string)$this->getValidatedParams()['token'];
	}

	/** @return array */
	public function getParamSettings(): array {
		// Declared for both routes: the POST route has no {token} in its path,
		// so there it is simply absent.
		return [
			'token' => [
				self::PARAM_SOURCE => 'path',
				ParamValidator::PARAM_TYPE => 'string',
				ParamValidator::PARAM_REQUIRED => false,
				ParamValidator::PARAM_DEFAULT => '',
			],
		];
	}
}
