<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use BagOStuff;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityValue;

/**
 * Tokens in one of MediaWiki's object caches: a Redis or memcached entry of
 * $wgObjectCaches, or the main stash ($mwsgTokenAuthenticatorTokenStore).
 *
 * An entry is keyed by the token's kind and SHA-256 (never the token) and
 * expires with the token. Single use is decided by the cache server: the
 * first add() of the entry's "used" key wins (memcached's add, Redis's SET
 * NX, the stash's insert), so of any number of verifies on any number of app
 * servers exactly one succeeds. The entry itself is then deleted; the used
 * key stays until the token would have expired, so a failed delete cannot
 * revive it. Replay records are not kept here but in the database
 * (DatabaseTokenStore::claimOnce()): a cache that restarts or evicts would
 * forget them.
 *
 * Every operation watches the cache's error registry: an unreachable or
 * failing server throws TokenStoreUnavailableException instead of being
 * read as "no such token" (or, for a claim, as "already used").
 */
class CacheTokenStore implements TokenStore {
	/** An evicted epoch is replaced by a new one, so this only bounds memory. */
	private const EPOCH_TTL = BagOStuff::TTL_MONTH;

	private BagOStuff $cache;
	/** The setting's value, for messages. */
	private string $name;

	public function __construct( BagOStuff $cache, string $name ) {
		$this->cache = $cache;
		$this->name = $name;
	}

	/** @inheritDoc */
	public function mint(
		string $kind, UserIdentity $user, int $ttl, ?string $keyName = null, ?string $binding = null
	): string {
		$token = mws_ta_random_token( 32 );
		$ttl = max( 1, $ttl );
		$now = time();
		$watch = $this->cache->watchErrors();
		$added = $this->cache->add( $this->entryKey( $kind, mws_ta_token_hash( $token ) ), [
			'user' => $user->getId(),
			'name' => $user->getName(),
			'principal' => $keyName,
			'binding' => $binding,
			'created' => $now,
			'expires' => $now + $ttl,
		], $ttl );
		if ( !$added ) {
			// A 256-bit random key that exists already is no outcome to plan
			// for: a failed add is the cache failing.
			throw $this->unavailable( 'mint', $watch, true );
		}
		return $token;
	}

	/** @inheritDoc */
	public function consume( string $kind, string $token ): ?StoredToken {
		$hash = TokenHash::of( $token );
		if ( $hash === null ) {
			return null;
		}
		$stored = $this->find( $kind, $hash );
		if ( !$stored ) {
			return null;
		}
		$watch = $this->cache->watchErrors();
		// The decision: one add() of the used key succeeds, every other one
		// finds it there.
		if ( !$this->cache->add( $this->usedKey( $kind, $hash ), 1, $this->remaining( $stored ) ) ) {
			$this->throwIfFailed( 'consume', $watch );
			return null;
		}
		$this->cache->delete( $this->entryKey( $kind, $hash ) );
		return $stored;
	}

	/** @inheritDoc */
	public function peek( string $kind, string $token ): ?StoredToken {
		$hash = TokenHash::of( $token );
		return $hash === null ? null : $this->find( $kind, $hash );
	}

	/** @inheritDoc */
	public function revoke( string $kind, string $hash ): void {
		$watch = $this->cache->watchErrors();
		if ( !$this->cache->delete( $this->entryKey( $kind, $hash ) ) ) {
			throw $this->unavailable( 'revoke', $watch, true );
		}
	}

	/** @inheritDoc */
	public function accountEpoch( int $userId ): string {
		$key = $this->epochKey( $userId );
		$watch = $this->cache->watchErrors();
		$epoch = $this->cache->get( $key, BagOStuff::READ_LATEST );
		if ( !is_string( $epoch ) ) {
			// Evicted or never set: a new epoch, since one that was set may
			// have been lost. Of concurrent readers the first add() wins.
			$this->cache->add( $key, AccountEpoch::unknown(), self::EPOCH_TTL );
			$epoch = $this->cache->get( $key, BagOStuff::READ_LATEST );
		}
		$this->throwIfFailed( 'lookup', $watch );
		if ( !is_string( $epoch ) ) {
			throw $this->unavailable( 'lookup', $watch, true );
		}
		return $epoch;
	}

	/** @inheritDoc */
	public function changeAccount( int $userId ): void {
		$watch = $this->cache->watchErrors();
		if ( !$this->cache->set( $this->epochKey( $userId ), AccountEpoch::next(), self::EPOCH_TTL ) ) {
			throw $this->unavailable( 'change', $watch, true );
		}
	}

	/**
	 * The live, unused entry of a token; null when there is none.
	 */
	private function find( string $kind, string $hash ): ?StoredToken {
		$entryKey = $this->entryKey( $kind, $hash );
		$usedKey = $this->usedKey( $kind, $hash );
		$watch = $this->cache->watchErrors();
		// One round trip; the latest value, not a replica's.
		$found = $this->cache->getMulti( [ $entryKey, $usedKey ], BagOStuff::READ_LATEST );
		$this->throwIfFailed( 'lookup', $watch );
		$entry = $found[$entryKey] ?? null;
		if ( !is_array( $entry ) || isset( $found[$usedKey] ) || (int)( $entry['expires'] ?? 0 ) <= time() ) {
			return null;
		}
		return new StoredToken(
			$kind,
			new UserIdentityValue( (int)$entry['user'], (string)$entry['name'] ),
			isset( $entry['principal'] ) ? (string)$entry['principal'] : null,
			(int)$entry['created'],
			(int)$entry['expires'],
			isset( $entry['binding'] ) ? (string)$entry['binding'] : null
		);
	}

	private function remaining( StoredToken $stored ): int {
		return max( 1, $stored->expires - time() + 1 );
	}

	private function entryKey( string $kind, string $hash ): string {
		return $this->cache->makeKey( 'tokenauthenticator', $kind, $hash );
	}

	private function epochKey( int $userId ): string {
		return $this->cache->makeKey( 'tokenauthenticator-epoch', $userId );
	}

	private function usedKey( string $kind, string $hash ): string {
		return $this->cache->makeKey( 'tokenauthenticator-used', $kind, $hash );
	}

	private function throwIfFailed( string $operation, int $watch ): void {
		if ( $this->cache->getLastError( $watch ) !== BagOStuff::ERR_NONE ) {
			throw $this->unavailable( $operation, $watch );
		}
	}

	private function unavailable( string $operation, int $watch, bool $always = false ): TokenStoreUnavailableException {
		$error = $this->cache->getLastError( $watch );
		return new TokenStoreUnavailableException( $this->name, $operation,
			$error === BagOStuff::ERR_NONE && $always ? BagOStuff::ERR_UNEXPECTED : $error );
	}
}
