<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Rest\RequestInterface;

/**
 * Reads a handler's JSON body itself. Core's body validator is not used on
 * purpose: core treats a validated body field named "token" as an extraneous
 * CSRF token under header-authenticated sessions and refuses the request.
 */
trait JsonBody {
	use NoCoreBodyParsing;

	/**
	 * @param RequestInterface $request
	 * @return array The decoded object; [] for an empty body
	 * @throws LocalizedHttpException 400 for a body that is not a JSON object
	 */
	protected function readJsonObject( RequestInterface $request ): array {
		$raw = $request->getBody()->getContents();
		if ( trim( $raw ) === '' ) {
			return [];
		}
		$data = json_decode( $raw, true, 8 );
		if ( !is_array( $data ) || ( $data !== [] && array_is_list( $data ) ) ) {
			throw HttpError::make( 'tokenauthenticator-error-body-not-object', 400 );
		}
		return $data;
	}
}
