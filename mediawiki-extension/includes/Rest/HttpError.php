<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Error\MessageText;
use MediaWiki\Extension\TokenAuthenticator\Error\Outage;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\ResponseFactory;
use MWExceptionHandler;
use Throwable;
use WebRequest;
use Wikimedia\Rdbms\DBError;

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
		return new HttpException( MessageText::of( MessageText::message( $key, $params ) ), $status, [ 'errorKey' => $key ] );
	}

	/**
	 * The database or the token store failed while a handler worked: 503
	 * with Retry-After, as the extension's other answers in an outage,
	 * instead of the router's generic 500. Logged like any error the router
	 * catches; the answer quotes the request ID.
	 *
	 * @param ResponseFactory $factory
	 * @param DBError|TokenStoreUnavailableException $e
	 * @return Response
	 */
	public static function unavailable( ResponseFactory $factory, Throwable $e ): Response {
		MWExceptionHandler::logException( $e );
		Services::getMetrics()->outageOf( $e );
		$response = $factory->createFromException( self::make(
			Outage::messageKey( $e ) ?? Outage::DATABASE, 503, [ WebRequest::getRequestId() ]
		) );
		foreach ( ErrorAnswer::headers( 503 ) as $name => $value ) {
			$response->setHeader( $name, $value );
		}
		return $response;
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
