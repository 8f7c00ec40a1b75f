<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Rest\HttpException;

/**
 * Error answers in the reference's shape, {"message": "...", ...}.
 *
 * Core's LocalizedHttpException only sends "messageTranslations" on 1.39, so
 * clients of the mwstake reference, which read "message", would get nothing.
 * The text is localised here; "errorKey" names the message for programs.
 */
class HttpError {
	/**
	 * @param string $key Message key
	 * @param int $status HTTP status
	 * @param array $params Message parameters
	 * @param array $headers Extra headers, name => value
	 * @return HttpException
	 */
	public static function make( string $key, int $status, array $params = [], array $headers = [] ): HttpException {
		$data = [ 'errorKey' => $key ];
		if ( $headers ) {
			$data['headers'] = $headers;
		}
		return new HttpException( wfMessage( $key, ...$params )->text(), $status, $data );
	}
}
