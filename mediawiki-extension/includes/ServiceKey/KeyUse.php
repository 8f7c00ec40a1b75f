<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use BagOStuff;
use DeferredUpdates;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\ILoadBalancer;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * When and from where each service key (configured or created) was last
 * used, for Special:ServiceKeys. Written at most once a minute per key, after
 * the response is sent: a request never waits for it, and a busy service
 * does not turn into a stream of writes.
 */
class KeyUse {
	private const TABLE = 'mws_service_key_use';
	/** Seconds between two writes of one key's last use. */
	public const INTERVAL = 60;

	private ILoadBalancer $loadBalancer;
	private BagOStuff $localCache;

	public function __construct( ILoadBalancer $loadBalancer, BagOStuff $localCache ) {
		$this->loadBalancer = $loadBalancer;
		$this->localCache = $localCache;
	}

	/**
	 * Notes a use of $serviceKey from $ip, to be written once the response
	 * is sent. The server-local cache keeps most requests from even
	 * scheduling a write; the conditional UPDATE keeps app servers of a farm
	 * from writing more than once a minute between them.
	 */
	public function record( ServiceKey $serviceKey, string $ip ): void {
		$key = $this->localCache->makeKey( 'tokenauthenticator-key-use', sha1( $serviceKey->id ) );
		if ( !$this->localCache->add( $key, 1, self::INTERVAL ) ) {
			return;
		}
		$name = $serviceKey->id;
		DeferredUpdates::addCallableUpdate( function () use ( $name, $ip ) {
			try {
				$this->write( $name, $ip, (int)ConvertibleTimestamp::now( TS_UNIX ) );
			} catch ( DBError $e ) {
				// A lost last-use time is not worth an error for the service.
			}
		}, DeferredUpdates::POSTSEND );
	}

	/**
	 * @param string $name
	 * @param string $ip
	 * @param int $now
	 */
	public function write( string $name, string $ip, int $now ): void {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->update( self::TABLE, [ 'sku_time' => $db->timestamp( $now ), 'sku_ip' => $ip ], [
			'sku_principal' => $name,
			'sku_time < ' . $db->addQuotes( $db->timestamp( $now - self::INTERVAL ) ),
		], __METHOD__ );
		if ( $db->affectedRows() === 0 ) {
			// No row yet, or one written less than a minute ago: then this does nothing.
			$db->insert( self::TABLE,
				[ 'sku_principal' => $name, 'sku_time' => $db->timestamp( $now ), 'sku_ip' => $ip ],
				__METHOD__, [ 'IGNORE' ] );
		}
	}

	/**
	 * @param string[] $names
	 * @return array[] By name: [ 'time' => unix, 'ip' => address ]
	 */
	public function lastUses( array $names ): array {
		if ( !$names ) {
			return [];
		}
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		$res = $db->select( self::TABLE, [ 'sku_principal', 'sku_time', 'sku_ip' ],
			[ 'sku_principal' => array_values( $names ) ], __METHOD__ );
		$uses = [];
		foreach ( $res as $row ) {
			$uses[$row->sku_principal] = [
				'time' => (int)ConvertibleTimestamp::convert( TS_UNIX, $row->sku_time ),
				'ip' => (string)$row->sku_ip,
			];
		}
		return $uses;
	}
}
