<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\User\UserIdentity;
use stdClass;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILoadBalancer;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Where service keys created on Special:ServiceKeys (or by
 * maintenance/createServiceKey.php) are kept: table mws_service_key, the
 * secret only as its SHA-256.
 *
 * Reads for authentication go to the primary database: a revoked key must
 * be refused at once, also on a farm with lagging replicas.
 */
class StoredServiceKeys {
	private const TABLE = 'mws_service_key';
	/** Names of created keys: no "/", which configured names made from user/hash use. */
	public const NAME_PATTERN = '/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/';

	private ILoadBalancer $loadBalancer;

	public function __construct( ILoadBalancer $loadBalancer ) {
		$this->loadBalancer = $loadBalancer;
	}

	/**
	 * The live (not revoked) key with this current or previous secret hash.
	 * Found by index on a SHA-256 of a 256-bit secret, which leaks nothing
	 * usable; the caller confirms with ServiceKey::accepts().
	 *
	 * @param string $hash Hex SHA-256 of the secret
	 * @return ServiceKey|null
	 */
	public function findByHash( string $hash ): ?ServiceKey {
		$db = $this->primary();
		$row = $this->select( $db, [
			'sk_revoked' => null,
			$db->makeList( [ 'sk_secret_hash' => $hash, 'sk_previous_hash' => $hash ], IDatabase::LIST_OR ),
		], __METHOD__ );
		return $row ? self::keyOf( $row ) : null;
	}

	/**
	 * @param string $name
	 * @return ServiceKey|null The live key of that name
	 */
	public function get( string $name ): ?ServiceKey {
		$row = $this->select( $this->primary(), [ 'sk_name' => $name, 'sk_revoked' => null ], __METHOD__ );
		return $row ? self::keyOf( $row ) : null;
	}

	/** Whether any key, revoked ones included, has this name. */
	public function nameTaken( string $name ): bool {
		return (bool)$this->primary()->selectField( self::TABLE, '1', [ 'sk_name' => $name ], __METHOD__ );
	}

	/**
	 * @return ServiceKey[] Live keys by name, in name order
	 */
	public function all(): array {
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		$res = $db->select( [ self::TABLE, 'user' ], $this->fields(), [ 'sk_revoked' => null ], __METHOD__,
			[ 'ORDER BY' => 'sk_name' ], [ 'user' => [ 'JOIN', 'user_id = sk_user' ] ] );
		$keys = [];
		foreach ( $res as $row ) {
			$keys[$row->sk_name] = self::keyOf( $row );
		}
		return $keys;
	}

	/**
	 * @param string $name
	 * @param UserIdentity $user
	 * @param string $secretHash
	 * @param array $rules cidr, apiModules, restPaths, rights (null for no cap), appTokens, expires (unix or null)
	 */
	public function create( string $name, UserIdentity $user, string $secretHash, array $rules ): void {
		$db = $this->primary();
		$db->insert( self::TABLE, [
			'sk_name' => $name,
			'sk_user' => $user->getId(),
			'sk_secret_hash' => $secretHash,
			'sk_created' => $db->timestamp(),
		] + $this->ruleFields( $db, $rules ), __METHOD__ );
	}

	/**
	 * @param string $name
	 * @param UserIdentity $user
	 * @param array $rules As for create()
	 * @return bool False when no live key has that name
	 */
	public function update( string $name, UserIdentity $user, array $rules ): bool {
		$db = $this->primary();
		$db->update( self::TABLE, [ 'sk_user' => $user->getId() ] + $this->ruleFields( $db, $rules ),
			[ 'sk_name' => $name, 'sk_revoked' => null ], __METHOD__ );
		return $db->affectedRows() > 0;
	}

	/**
	 * A new secret; the current one stays accepted until $previousUntil.
	 *
	 * @param string $name
	 * @param string $secretHash
	 * @param int $previousUntil Unix time; now or earlier ends the old secret at once
	 * @return bool
	 */
	public function rotate( string $name, string $secretHash, int $previousUntil ): bool {
		$db = $this->primary();
		$db->update( self::TABLE, [
			'sk_previous_hash = sk_secret_hash',
			'sk_secret_hash' => $secretHash,
			'sk_previous_until' => $db->timestamp( $previousUntil ),
		], [ 'sk_name' => $name, 'sk_revoked' => null ], __METHOD__ );
		return $db->affectedRows() > 0;
	}

	/**
	 * Refuses the key from now on. The row stays, so that its name is not
	 * given to another key that old logs would then seem to speak of.
	 *
	 * @param string $name
	 * @return bool
	 */
	public function revoke( string $name ): bool {
		$db = $this->primary();
		$db->update( self::TABLE, [ 'sk_revoked' => $db->timestamp() ],
			[ 'sk_name' => $name, 'sk_revoked' => null ], __METHOD__ );
		return $db->affectedRows() > 0;
	}

	private function ruleFields( IDatabase $db, array $rules ): array {
		return [
			'sk_cidr' => json_encode( array_values( $rules['cidr'] ) ),
			'sk_api_modules' => json_encode( array_values( $rules['apiModules'] ) ),
			'sk_rest_paths' => json_encode( array_values( $rules['restPaths'] ) ),
			'sk_rights' => $rules['rights'] === null ? null : json_encode( array_values( $rules['rights'] ) ),
			'sk_app_tokens' => $rules['appTokens'] ? 1 : 0,
			'sk_expires' => $rules['expires'] === null ? null : $db->timestamp( $rules['expires'] ),
		];
	}

	private function primary(): IDatabase {
		return $this->loadBalancer->getConnection( DB_PRIMARY );
	}

	private function select( IDatabase $db, array $conds, string $fname ): ?stdClass {
		$row = $db->selectRow( [ self::TABLE, 'user' ], $this->fields(), $conds, $fname, [],
			[ 'user' => [ 'JOIN', 'user_id = sk_user' ] ] );
		return $row ?: null;
	}

	private function fields(): array {
		return [ 'sk_name', 'sk_secret_hash', 'sk_previous_hash', 'sk_previous_until', 'sk_cidr', 'sk_api_modules',
			'sk_rest_paths', 'sk_rights', 'sk_app_tokens', 'sk_expires', 'user_name' ];
	}

	/**
	 * @param stdClass $row
	 * @return ServiceKey
	 * @throws \MwsTokenAuthenticator\Exception When a stored range no longer parses
	 */
	private static function keyOf( stdClass $row ): ServiceKey {
		$serviceKey = new ServiceKey(
			(string)$row->sk_name,
			(string)$row->user_name,
			(string)$row->sk_secret_hash,
			json_decode( $row->sk_cidr, true ),
			json_decode( $row->sk_api_modules, true ),
			json_decode( $row->sk_rest_paths, true ),
			$row->sk_rights === null ? null : json_decode( $row->sk_rights, true ),
			(bool)$row->sk_app_tokens,
			self::unix( $row->sk_expires )
		);
		$serviceKey->source = ServiceKey::CREATED;
		$serviceKey->previousHash = $row->sk_previous_hash === null ? null : (string)$row->sk_previous_hash;
		$serviceKey->previousUntil = self::unix( $row->sk_previous_until );
		return $serviceKey;
	}

	private static function unix( ?string $timestamp ): ?int {
		return $timestamp === null ? null : (int)ConvertibleTimestamp::convert( TS_UNIX, $timestamp );
	}
}
