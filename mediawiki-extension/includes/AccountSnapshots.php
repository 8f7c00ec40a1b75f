<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use BagOStuff;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\AccountEpoch;

/**
 * What was read about an account, kept in this server's cache under the
 * account's epoch (TokenStore::accountEpoch()): what user-token/verify
 * answers (AuthInfo), and that the account is not blocked (AccountBlock). A
 * change to the account starts a new epoch (UserToken\AccountChangeHooks),
 * so nothing kept for an older one is read again: the account is read once
 * per epoch and server, and a change is seen by the next request, whichever
 * server or maintenance script made it.
 *
 * A server without a cache of its own (no APCu) reads the account every time.
 */
class AccountSnapshots {
	/**
	 * Seconds after a change during which what is read is not kept: a
	 * change's hook may run before its transaction commits, and a verify in
	 * between would read the account as it was.
	 */
	public const HOLDOFF = 10;
	/**
	 * Bounds what no hook reports: implicit groups that follow from the edit
	 * count or the account's age ($wgAutopromote).
	 */
	public const TTL = 600;

	/**
	 * A member a reader may set, the Unix time after which what it read no
	 * longer holds (a group membership that expires).
	 */
	public const UNTIL = 'until';

	private BagOStuff $cache;

	public function __construct( BagOStuff $cache ) {
		$this->cache = $cache;
	}

	/**
	 * @param string $what What is read, part of the key
	 * @param int $userId
	 * @param string $epoch The account's epoch, read before anything else about it
	 * @param callable(): ?array $read Reads it; null for a refusal, which is not kept
	 * @return array|null What $read returned, now or for an earlier request of this epoch
	 */
	public function get( string $what, int $userId, string $epoch, callable $read ): ?array {
		$key = $this->cache->makeKey( 'tokenauthenticator-account', $what, $userId, $epoch );
		$account = $this->cache->get( $key );
		// The cache's own expiry may run a second late (it counts from when
		// the entry was written), so what ends at UNTIL is checked here too.
		if ( is_array( $account ) && time() <= ( $account[self::UNTIL] ?? PHP_INT_MAX ) ) {
			return $account;
		}
		$account = $read();
		$now = time();
		$ttl = min( self::TTL, ( $account[self::UNTIL] ?? PHP_INT_MAX ) - $now );
		// A refusal is not kept: a block ends without a hook.
		if ( $account !== null && $ttl > 0 && $now - AccountEpoch::changedAt( $epoch ) > self::HOLDOFF ) {
			$this->cache->set( $key, $account, $ttl );
		}
		return $account;
	}
}
