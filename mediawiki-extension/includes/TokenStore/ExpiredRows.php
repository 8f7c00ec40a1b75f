<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use DeferredUpdates;
use MediaWiki\MediaWikiServices;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Expired rows are deleted by the requests that write the table, so no table
 * needs a cron job: after the response is sent, in a statement of its own,
 * at most once per request and table (and, where the writer says so, per
 * interval and server). Inside the writer's transaction, a range
 * delete next to an insert deadlocks InnoDB under concurrent writers; on its
 * own it cannot, and a purge that fails anyway costs nothing (the next
 * writer purges).
 */
class ExpiredRows {
	/** @var true[] Tables with a purge scheduled in this request */
	private static array $scheduled = [];

	/**
	 * @param ILoadBalancer $loadBalancer
	 * @param string $table
	 * @param string $expiryField
	 * @param int $every At most one purge per this many seconds and server (0: every request)
	 * @param int $keepFor Seconds rows stay after they expire (shown as expired, say)
	 */
	public static function purgeAfterResponse(
		ILoadBalancer $loadBalancer, string $table, string $expiryField, int $every = 0, int $keepFor = 0
	): void {
		if ( isset( self::$scheduled[$table] ) ) {
			return;
		}
		if ( $every > 0 ) {
			// A purge is a write transaction of its own (on SQLite, the
			// file's lock); one per interval leaves no more than an
			// interval's worth of expired rows behind.
			$cache = MediaWikiServices::getInstance()->getLocalServerObjectCache();
			if ( !$cache->add( $cache->makeKey( 'tokenauthenticator-purge', $table ), 1, $every ) ) {
				return;
			}
		}
		self::$scheduled[$table] = true;
		DeferredUpdates::addCallableUpdate( static function () use ( $loadBalancer, $table, $expiryField, $keepFor ) {
			try {
				$dbw = $loadBalancer->getConnection( DB_PRIMARY );
				$dbw->delete( $table, [ $expiryField . ' < ' . $dbw->addQuotes( $dbw->timestamp( time() - $keepFor ) ) ],
					__METHOD__ );
			} catch ( DBError $e ) {
				// Not worth failing anything for; rows wait for the next purge.
			} finally {
				unset( self::$scheduled[$table] );
			}
		}, DeferredUpdates::POSTSEND );
	}
}
