<?php

namespace MediaWiki\Extension\TokenAuthenticator\Rest;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
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
		$response->setHeader( 'Cache-Control', ErrorAnswer::CACHE_CONTROL );
		$response->addHeader( 'Vary', 'Authorization' );
		return $response;
	}

	/**
	 * MediaWiki 1.43 replaces the Cache-Control of every answer in a cookie
	 * session by "private,must-revalidate,s-maxage=0", which lets a browser
	 * keep a token on disk. An answer marked no-store keeps its header.
	 * (Not called on 1.39, whose Handler has no such method.)
	 *
	 * @param ResponseInterface $response
	 */
	public function applyCacheControl( ResponseInterface $response ) {
		if ( str_contains( $response->getHeaderLine( 'Cache-Control' ), 'no-store' ) ) {
			return;
		}
		parent::applyCacheControl( $response );
	}
}
