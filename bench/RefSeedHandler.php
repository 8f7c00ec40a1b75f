<?php
/**
 * GET /rest.php/bench/v1/ref-seed?count=N&ttl=S[&user=NAME]: writes N
 * reference-format tokens for a registered user (default Admin) into the
 * cache of the reference-equivalent routes (TokenAuthenticatorBenchRefTokens)
 * and answers them as text, one a line. A route, not a maintenance script
 * like bench/mint-tokens.php: on the database variants that cache is APCu,
 * which only the serving PHP processes share. Tokens live S seconds (the
 * reference's 10 s would not last a run). Bench wiki only.
 */

use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\SimpleHandler;

class TokenAuthenticatorBenchRefSeedHandler extends SimpleHandler {
	/**
	 * @return mixed
	 * @throws HttpException
	 */
	public function execute() {
		$query = $this->getRequest()->getQueryParams();
		$count = (int)( $query['count'] ?? 1 );
		$ttl = (int)( $query['ttl'] ?? 3600 );
		$name = (string)( $query['user'] ?? 'Admin' );
		if ( $count < 1 || $count > 100000 || $ttl < 1 ) {
			throw new HttpException( 'count: 1 to 100,000; ttl: at least 1', 400 );
		}
		$cache = TokenAuthenticatorBenchRefTokens::cache();
		$lines = '';
		for ( $i = 0; $i < $count; $i++ ) {
			$token = TokenAuthenticatorBenchRefTokens::store( $cache, $name, true, $ttl );
			if ( $token === null ) {
				throw new HttpException( 'the cache refused a token', 500 );
			}
			$lines .= "$token\n";
		}
		$response = $this->getResponseFactory()->create();
		$response->setHeader( 'Content-Type', 'text/plain; charset=utf-8' );
		$response->getBody()->write( $lines );
		return $response;
	}

	/**
	 * @return bool
	 */
	public function needsReadAccess() {
		return false;
	}

	/**
	 * @return bool
	 */
	public function needsWriteAccess() {
		return false;
	}
}
