<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use MediaWiki\User\UserIdentity;
use Wikimedia\Rdbms\DBError;
use Wikimedia\Rdbms\IDatabase;
use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Tokens in the wiki's database, the table mws_auth_token
 * ($mwsgTokenAuthenticatorTokenStore = 'database', the default).
 *
 * Only the SHA-256 of a token is written, so a database leak yields no usable
 * token. Every row carries its kind, and every lookup names the kind it
 * wants, so a token minted as one kind can never be redeemed as another.
 */
class DatabaseTokenStore implements TokenStore {
	private const TABLE = 'mws_auth_token';
	/** Seconds between purges of expired rows, at most (schedulePurge()). */
	private const PURGE_EVERY = 60;
	/** The kind of the rows that hold account epochs (accountEpoch()). */
	private const KIND_ACCOUNT = 'account';

	private const TOKEN_FIELDS = [
		'mat_kind', 'mat_user', 'mat_user_text', 'mat_principal', 'mat_binding', 'mat_created', 'mat_expires',
	];

	private ILoadBalancer $loadBalancer;

	public function __construct( ILoadBalancer $loadBalancer ) {
		$this->loadBalancer = $loadBalancer;
	}

	/** @inheritDoc */
	public function mint(
		string $kind, UserIdentity $user, int $ttl, ?string $keyName = null, ?string $binding = null
	): string {
		$token = mws_ta_random_token( 32 );
		$now = time();
		$dbw = $this->writer();
		$this->schedulePurge( $ttl );
		$dbw->insert(
			self::TABLE,
			[
				'mat_hash' => mws_ta_token_hash( $token ),
				'mat_kind' => $kind,
				'mat_user' => $user->getId(),
				'mat_user_text' => $user->getName(),
				'mat_principal' => $keyName,
				'mat_binding' => $binding,
				'mat_used' => 0,
				'mat_created' => $dbw->timestamp( $now ),
				'mat_expires' => $dbw->timestamp( $now + max( 1, $ttl ) ),
			],
			__METHOD__
		);
		return $token;
	}

	/**
	 * The conditional UPDATE is the decision: of any number of concurrent
	 * redeemers exactly one changes the row, and writing before reading
	 * keeps SQLite from the lock upgrade that fails read-then-write
	 * transactions under concurrency.
	 *
	 * @inheritDoc
	 */
	public function consume( string $kind, string $token ): ?StoredToken {
		$hash = $this->hashOf( $token );
		if ( $hash === null ) {
			return null;
		}
		$dbw = $this->writer();
		$dbw->update(
			self::TABLE,
			[ 'mat_used' => 1 ],
			$this->liveConditions( $dbw, $kind, $hash ),
			__METHOD__
		);
		if ( $dbw->affectedRows() !== 1 ) {
			return null;
		}
		// The used row stays until it expires and a writer purges it.
		return $this->read( $dbw, [ 't.mat_hash' => $hash ], __METHOD__ );
	}

	/** @inheritDoc */
	public function peek( string $kind, string $token ): ?StoredToken {
		$hash = $this->hashOf( $token );
		if ( $hash === null ) {
			return null;
		}
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		return $this->read( $dbw, $this->liveConditions( $dbw, $kind, $hash, 't.' ), __METHOD__ );
	}

	/** @inheritDoc */
	public function revoke( string $kind, string $hash ): void {
		$this->writer()->delete( self::TABLE, [ 'mat_hash' => $hash, 'mat_kind' => $kind ], __METHOD__ );
	}

	/**
	 * The token row with, in the same statement, the epoch of its user's
	 * account (the account's row of this table, AccountEpoch), so that a
	 * verify whose answer was read before for this epoch asks nothing more.
	 *
	 * @param IDatabase $db
	 * @param array $conds Conditions on the token row ("t."), naming one hash
	 * @param string $fname
	 * @return StoredToken|null
	 */
	private function read( IDatabase $db, array $conds, string $fname ): ?StoredToken {
		$fields = array_map( static fn ( $f ) => "t.$f", self::TOKEN_FIELDS );
		$fields['mat_account_epoch'] = 'e.mat_binding';
		$row = $db->selectRow(
			[ 't' => self::TABLE, 'e' => self::TABLE ],
			$fields,
			$conds,
			$fname,
			[],
			[ 'e' => [ 'LEFT JOIN', 'e.mat_hash = ' . $this->accountHashSql( $db, 't.mat_user' ) ] ]
		);
		if ( !$row ) {
			return null;
		}
		$stored = StoredToken::newFromRow( $row );
		$stored->accountEpoch = $row->mat_account_epoch !== null
			? (string)$row->mat_account_epoch
			: AccountEpoch::NEVER;
		return $stored;
	}

	/** @inheritDoc */
	public function accountEpoch( int $userId ): string {
		$epoch = $this->loadBalancer->getConnection( DB_PRIMARY )->selectField(
			self::TABLE, 'mat_binding', [ 'mat_hash' => self::accountHash( $userId ) ], __METHOD__
		);
		return $epoch !== false && $epoch !== null ? (string)$epoch : AccountEpoch::NEVER;
	}

	/**
	 * Written in the transaction of the change, so no reader sees the one
	 * without the other.
	 *
	 * @inheritDoc
	 */
	public function changeAccount( int $userId ): void {
		$dbw = $this->writer();
		$now = time();
		// Kept a year: by then nothing read for an older epoch is left
		// (AccountSnapshots keeps minutes), and a missing row is NEVER.
		$set = [
			'mat_binding' => AccountEpoch::next(),
			'mat_created' => $dbw->timestamp( $now ),
			'mat_expires' => $dbw->timestamp( $now + 366 * 86400 ),
		];
		// Cancelable: should this fail, the change it belongs to goes on.
		$dbw->startAtomic( __METHOD__, IDatabase::ATOMIC_CANCELABLE );
		try {
			$this->upsertAccount( $dbw, $userId, $set );
		} catch ( DBError $e ) {
			$dbw->cancelAtomic( __METHOD__ );
			throw $e;
		}
		$dbw->endAtomic( __METHOD__ );
	}

	private function upsertAccount( IDatabase $dbw, int $userId, array $set ): void {
		$dbw->upsert(
			self::TABLE,
			[
				'mat_hash' => self::accountHash( $userId ),
				'mat_kind' => self::KIND_ACCOUNT,
				'mat_user' => $userId,
				'mat_user_text' => '',
				'mat_principal' => null,
				'mat_used' => 1,
			] + $set,
			'mat_hash',
			$set,
			__METHOD__
		);
	}

	/**
	 * The key of an account's row: 64 characters, the width of mat_hash (no
	 * token's hash has a letter past "f"), built the same way in SQL by
	 * accountHashSql().
	 */
	private static function accountHash( int $userId ): string {
		return self::KIND_ACCOUNT . str_pad( (string)$userId, 64 - strlen( self::KIND_ACCOUNT ), '0', STR_PAD_LEFT );
	}

	/**
	 * @param IDatabase $db
	 * @param string $userIdColumn
	 * @return string SQL computing accountHash() of the column's value
	 */
	private function accountHashSql( IDatabase $db, string $userIdColumn ): string {
		$width = 64 - strlen( self::KIND_ACCOUNT );
		$prefix = $db->addQuotes( self::KIND_ACCOUNT );
		switch ( $db->getType() ) {
			case 'sqlite':
				return "$prefix || printf('%0{$width}d', $userIdColumn)";
			case 'postgres':
				return "$prefix || LPAD(CAST($userIdColumn AS TEXT), $width, '0')";
			default:
				return "CONCAT($prefix, LPAD($userIdColumn, $width, '0'))";
		}
	}

	/**
	 * Records $key as used until $expires: replay records, kept here
	 * whatever the token store (the service TokenAuthenticator.ReplayRecords),
	 * since a cache forgets them when it restarts or evicts. The unique index
	 * on the hash is the decision, so of two concurrent claims of one key
	 * exactly one wins.
	 *
	 * @param string $kind TokenStore::KIND_JWT_SEEN or KIND_SV_SEEN
	 * @param string $key Any string naming the thing used once
	 * @param int $expires Unix time after which the record may be forgotten
	 * @return bool True the first time, false for a replay
	 */
	public function claimOnce( string $kind, string $key, int $expires ): bool {
		$now = time();
		$dbw = $this->writer();
		$this->schedulePurge( self::PURGE_EVERY );
		$dbw->insert(
			self::TABLE,
			[
				'mat_hash' => mws_ta_claim_hash( $kind, $key ),
				'mat_kind' => $kind,
				'mat_user' => 0,
				'mat_user_text' => '',
				'mat_principal' => null,
				'mat_used' => 1,
				'mat_created' => $dbw->timestamp( $now ),
				'mat_expires' => $dbw->timestamp( max( $expires, $now + 1 ) ),
			],
			__METHOD__,
			[ 'IGNORE' ]
		);
		return $dbw->affectedRows() === 1;
	}

	/**
	 * The primary connection, ready for a transaction that starts by writing.
	 *
	 * MediaWiki opens an implicit transaction at a request's first query, so
	 * a logged-in request already holds SQLite's shared lock from loading the
	 * user when it comes to write here. Upgrading that lock while another
	 * request writes fails at once with "database is locked" (the busy
	 * timeout does not apply to an upgrade). Ending the read-only snapshot
	 * first makes the write the start of its transaction, which waits its
	 * turn instead. Other databases lock rows, not the file, and need none
	 * of this.
	 *
	 * @return IDatabase
	 */
	private function writer(): IDatabase {
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		if ( $dbw->getType() === 'sqlite' && $dbw->trxLevel() && !$dbw->explicitTrxActive()
			&& !$dbw->writesOrCallbacksPending()
		) {
			$dbw->flushSnapshot( __METHOD__ );
		}
		return $dbw;
	}

	/**
	 * Expired rows of every kind go after the response (ExpiredRows), at
	 * most once per server every min($lifetime, PURGE_EVERY) seconds, so
	 * what lives seconds is purged about as often as it expires.
	 */
	private function schedulePurge( int $lifetime ): void {
		ExpiredRows::purgeAfterResponse( $this->loadBalancer, self::TABLE, 'mat_expires',
			max( 1, min( $lifetime, self::PURGE_EVERY ) ) );
	}

	/**
	 * The stored form of a token, or null for text no minted token can be
	 * (the native rule, with the one length limit of what it mints).
	 */
	private function hashOf( string $token ): ?string {
		return TokenHash::of( $token );
	}

	/**
	 * @param IDatabase $db
	 * @param string $kind
	 * @param string $hash
	 * @param string $alias The token table's alias with its dot, if any
	 * @return array
	 */
	private function liveConditions( $db, string $kind, string $hash, string $alias = '' ): array {
		return [
			"{$alias}mat_hash" => $hash,
			"{$alias}mat_kind" => $kind,
			"{$alias}mat_used" => 0,
			"{$alias}mat_expires > " . $db->addQuotes( $db->timestamp( time() ) ),
		];
	}
}
