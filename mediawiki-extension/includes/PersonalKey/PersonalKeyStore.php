<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use LogEntryBase;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\ExpiredRows;
use stdClass;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * The table mws_personal_key: personal keys by owner, by ID and by the
 * SHA-256 of their secret.
 */
class PersonalKeyStore {
	private const TABLE = 'mws_personal_key';
	/**
	 * Days an expired key stays in its owner's list (marked expired) before
	 * a new key's creation deletes it.
	 */
	public const KEEP_EXPIRED_DAYS = 30;
	private const FIELDS = [ 'pk_id', 'pk_user', 'pk_name', 'pk_grants', 'pk_ranges', 'pk_created', 'pk_expires',
		'pk_last_used', 'pk_last_ip' ];

	private ILoadBalancer $loadBalancer;

	public function __construct( ILoadBalancer $loadBalancer ) {
		$this->loadBalancer = $loadBalancer;
	}

	/**
	 * @return int|null The new key's ID; null when the owner has a key of that name
	 */
	public function insert( int $userId, string $name, string $hash, array $grants, array $ranges, int $created,
		int $expires
	): ?int {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->insert( self::TABLE, [
			'pk_user' => $userId,
			'pk_name' => $name,
			'pk_hash' => $hash,
			'pk_grants' => json_encode( array_values( $grants ) ),
			'pk_ranges' => json_encode( array_values( $ranges ) ),
			'pk_created' => $db->timestamp( $created ),
			'pk_expires' => $db->timestamp( $expires ),
		], __METHOD__, [ 'IGNORE' ] );
		$id = $db->affectedRows() ? $db->insertId() : null;
		ExpiredRows::purgeAfterResponse( $this->loadBalancer, self::TABLE, 'pk_expires', 0,
			self::KEEP_EXPIRED_DAYS * 86400 );
		return $id;
	}

	/** @return PersonalKey[] Keys that expire after $from and by $until (Unix times) */
	public function expiringBetween( int $from, int $until ): array {
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		return $this->select( [
			'pk_expires > ' . $db->addQuotes( $db->timestamp( $from ) ),
			'pk_expires <= ' . $db->addQuotes( $db->timestamp( $until ) ),
		], DB_REPLICA );
	}

	/** @return PersonalKey[] The user's keys, by name */
	public function listFor( int $userId ): array {
		return $this->select( [ 'pk_user' => $userId ], DB_PRIMARY );
	}

	public function get( int $id ): ?PersonalKey {
		return $this->select( [ 'pk_id' => $id ], DB_PRIMARY )[0] ?? null;
	}

	/** The key whose secret has this SHA-256 (a replica: revocations reach it within its lag). */
	public function findByHash( string $hash ): ?PersonalKey {
		return $this->select( [ 'pk_hash' => $hash ], DB_REPLICA )[0] ?? null;
	}

	/** A new secret for key $id (regenerate): the old one stops working now. */
	public function rehash( int $id, string $hash, int $created ): bool {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->update( self::TABLE, [ 'pk_hash' => $hash, 'pk_created' => $db->timestamp( $created ),
			'pk_last_used' => null, 'pk_last_ip' => null ], [ 'pk_id' => $id ], __METHOD__ );
		return $db->affectedRows() > 0;
	}

	public function delete( int $id ): bool {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->delete( self::TABLE, [ 'pk_id' => $id ], __METHOD__ );
		return $db->affectedRows() > 0;
	}

	/**
	 * Writes the last use, unless one was written less than $interval
	 * seconds ago (by any app server).
	 */
	public function recordUse( int $id, string $ip, int $now, int $interval ): void {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$db->update( self::TABLE, [ 'pk_last_used' => $db->timestamp( $now ), 'pk_last_ip' => $ip ], [
			'pk_id' => $id,
			$db->makeList( [
				'pk_last_used' => null,
				'pk_last_used < ' . $db->addQuotes( $db->timestamp( $now - $interval ) ),
			], $db::LIST_OR ),
		], __METHOD__ );
	}

	/**
	 * The latest Special:Log events of $ownerName's keys (type tokenauth,
	 * target Special:PersonalKeys/<owner>), newest first.
	 *
	 * @return array[] [ 'action' => personalkey-…, 'key' => name, 'time' => unix ]
	 */
	public function events( string $ownerName, int $limit ): array {
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		$rows = $db->select( 'logging', [ 'log_action', 'log_params', 'log_timestamp' ], [
			'log_type' => 'tokenauth',
			'log_namespace' => NS_SPECIAL,
			'log_title' => 'PersonalKeys/' . strtr( $ownerName, ' ', '_' ),
		], __METHOD__, [ 'ORDER BY' => 'log_timestamp DESC, log_id DESC', 'LIMIT' => $limit ] );
		$events = [];
		foreach ( $rows as $row ) {
			$params = LogEntryBase::extractParams( (string)$row->log_params );
			$events[] = [
				'action' => (string)$row->log_action,
				'key' => (string)( $params['4::key'] ?? '' ),
				'time' => (int)wfTimestamp( TS_UNIX, $row->log_timestamp ),
			];
		}
		return $events;
	}

	/** @return PersonalKey[] */
	private function select( array $conds, int $index ): array {
		$db = $this->loadBalancer->getConnection( $index );
		$rows = $db->select( self::TABLE, self::FIELDS, $conds, __METHOD__, [ 'ORDER BY' => [ 'pk_user', 'pk_name' ] ] );
		$keys = [];
		foreach ( $rows as $row ) {
			$keys[] = self::fromRow( $row );
		}
		return $keys;
	}

	private static function fromRow( stdClass $row ): PersonalKey {
		$list = static function ( $json ): array {
			$value = json_decode( (string)$json, true );
			return is_array( $value ) ? array_values( array_filter( $value, 'is_string' ) ) : [];
		};
		return new PersonalKey(
			(int)$row->pk_id,
			(int)$row->pk_user,
			(string)$row->pk_name,
			$list( $row->pk_grants ),
			$list( $row->pk_ranges ),
			(int)wfTimestamp( TS_UNIX, $row->pk_created ),
			(int)wfTimestamp( TS_UNIX, $row->pk_expires ),
			$row->pk_last_used === null ? null : (int)wfTimestamp( TS_UNIX, $row->pk_last_used ),
			$row->pk_last_ip === null ? null : (string)$row->pk_last_ip
		);
	}
}
