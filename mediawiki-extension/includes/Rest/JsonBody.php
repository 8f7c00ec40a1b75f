<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Rest\RequestInterface;
use MwsTokenAuthenticator\RefusedException;

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
	 * @throws LocalizedHttpException 400 for a body that is not one JSON
	 *   object, or names a member twice
	 */
	protected function readJsonObject( RequestInterface $request ): array {
		$raw = $request->getBody()->getContents();
		if ( trim( $raw ) === '' ) {
			return [];
		}
		try {
			// The native strict reader: a second "token" member must not
			// decide which token a proxy and this wiki each saw.
			return mws_ta_json_object( $raw );
		} catch ( RefusedException $e ) {
			throw HttpError::make( 'tokenauthenticator-error-body-not-object', 400 );
		}
	}
}
