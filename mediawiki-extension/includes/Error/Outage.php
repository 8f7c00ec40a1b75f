<?php

namespace MediaWiki\Extension\TokenAuthenticator\Error;

use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use Throwable;
use Wikimedia\Rdbms\DBError;

/**
 * Which store an error says is down, as the message key of the 503 answer:
 * the database (DBError) or the token store's cache server
 * (TokenStoreUnavailableException), also when wrapped by another exception.
 */
class Outage {
	public const DATABASE = 'tokenauthenticator-error-database-unavailable';
	public const TOKEN_STORE = 'tokenauthenticator-error-token-store-unavailable';

	/**
	 * @param Throwable $e
	 * @return string|null The message key, or null for an error that is no outage
	 */
	public static function messageKey( Throwable $e ): ?string {
		for ( $t = $e; $t !== null; $t = $t->getPrevious() ) {
			if ( $t instanceof DBError ) {
				return self::DATABASE;
			}
			if ( $t instanceof TokenStoreUnavailableException ) {
				return self::TOKEN_STORE;
			}
		}
		return null;
	}
}
