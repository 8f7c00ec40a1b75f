<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Rest\ResponseInterface;

/**
 * Responses that carry tokens or who a token stands for must never be kept by
 * a cache, and vary with the credentials sent.
 */
trait NoStore {
	/**
	 * @template T of ResponseInterface
	 * @param T $response
	 * @return T
	 */
	protected function noStore( ResponseInterface $response ): ResponseInterface {
		$response->setHeader( 'Cache-Control', 'no-store, private' );
		$response->addHeader( 'Vary', 'Authorization' );
		return $response;
	}
}
