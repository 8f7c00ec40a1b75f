<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use MwsTokenAuthenticator\RefusedException;

/**
 * The stored form of a token, for every store: the native rule (hex or
 * base64url, one length limit) and its SHA-256.
 */
class TokenHash {
	/**
	 * @param string $token As given by the client
	 * @return string|null Null for text no minted token can be
	 */
	public static function of( string $token ): ?string {
		try {
			return mws_ta_token_hash( $token );
		} catch ( RefusedException $e ) {
			return null;
		}
	}
}
