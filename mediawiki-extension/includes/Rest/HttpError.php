<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\MessageText;
use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\ResponseFactory;

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
	 * @return HttpException
	 */
	public static function make( string $key, int $status, array $params = [] ): HttpException {
		return new HttpException( MessageText::of( wfMessage( $key, ...$params ) ), $status, [ 'errorKey' => $key ] );
	}

	/**
	 * The same error as a response, for answers that need extra headers.
	 *
	 * @param ResponseFactory $factory
	 * @param string $key
	 * @param int $status
	 * @param array<string,string> $headers
	 * @return Response
	 */
	public static function response( ResponseFactory $factory, string $key, int $status, array $headers ): Response {
		$response = $factory->createFromException( self::make( $key, $status ) );
		foreach ( $headers as $name => $value ) {
			$response->setHeader( $name, $value );
		}
		return $response;
	}
}
