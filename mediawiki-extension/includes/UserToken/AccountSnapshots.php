<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use BagOStuff;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\AccountEpoch;

/**
 * What user-token/verify answers about an account (AuthInfo::account()),
 * kept in this server's cache under the account's epoch
 * (TokenStore::accountEpoch()). A change to the account starts a new epoch
 * (AccountChangeHooks), so nothing kept for an older one is read again: a
 * verify reads the account from the database only once per epoch and
 * server, and a change is seen by the next verify, whichever server or
 * maintenance script made it.
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

	private BagOStuff $cache;

	public function __construct( BagOStuff $cache ) {
		$this->cache = $cache;
	}

	/**
	 * @param int $userId
	 * @param string $epoch The account's epoch, read before anything else about it
	 * @param callable(): ?array $read Reads the account; null when it may not be vouched for
	 * @return array|null What $read returned, now or for an earlier verify of this epoch
	 */
	public function get( int $userId, string $epoch, callable $read ): ?array {
		$key = $this->cache->makeKey( 'tokenauthenticator-account', $userId, $epoch );
		$account = $this->cache->get( $key );
		if ( is_array( $account ) ) {
			return $account;
		}
		$account = $read();
		// A refusal is not kept: a block ends without a hook.
		if ( $account !== null && time() - AccountEpoch::changedAt( $epoch ) > self::HOLDOFF ) {
			$this->cache->set( $key, $account, self::TTL );
		}
		return $account;
	}
}
