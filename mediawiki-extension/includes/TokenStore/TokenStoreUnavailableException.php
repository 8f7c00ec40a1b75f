<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use RuntimeException;

/**
 * The object cache that holds the tokens did not answer (down, unreachable,
 * an unexpected error): the request fails with 503, and no token is taken
 * for missing. The message names the cache, never a token or a key.
 */
class TokenStoreUnavailableException extends RuntimeException {
	public function __construct( string $store, string $operation, int $error ) {
		parent::__construct( "TokenAuthenticator: the token store \"$store\" failed on $operation (BagOStuff error $error)" );
	}
}
