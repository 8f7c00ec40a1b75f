<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use DeferredUpdates;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Expired rows are deleted by the requests that write the table, so no table
 * needs a cron job: after the response is sent, in a statement of its own,
 * once per request and table. Inside the writer's transaction, a range
 * delete next to an insert deadlocks InnoDB under concurrent writers; on its
 * own it cannot, and a purge that fails anyway costs nothing (the next
 * writer purges).
 */
class ExpiredRows {
	/** @var true[] Tables with a purge scheduled in this request */
	private static array $scheduled = [];

	public static function purgeAfterResponse( ILoadBalancer $loadBalancer, string $table, string $expiryField ): void {
		if ( isset( self::$scheduled[$table] ) ) {
			return;
		}
		self::$scheduled[$table] = true;
		DeferredUpdates::addCallableUpdate( static function () use ( $loadBalancer, $table, $expiryField ) {
			try {
				$dbw = $loadBalancer->getConnection( DB_PRIMARY );
				$dbw->delete( $table, [ $expiryField . ' < ' . $dbw->addQuotes( $dbw->timestamp( time() ) ) ],
					__METHOD__ );
			} catch ( DBError $e ) {
				// Not worth failing anything for; rows wait for the next purge.
			} finally {
				unset( self::$scheduled[$table] );
			}
		}, DeferredUpdates::POSTSEND );
	}
}
