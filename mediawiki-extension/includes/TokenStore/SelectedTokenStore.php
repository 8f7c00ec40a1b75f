<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use APCUBagOStuff;
use BagOStuff;
use Closure;
use EmptyBagOStuff;
use HashBagOStuff;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\User\UserIdentity;
use MemcachedBagOStuff;
use RedisBagOStuff;
use Throwable;

/**
 * The token store that $mwsgTokenAuthenticatorTokenStore names, chosen on
 * first use (so that a wrong setting fails the request that needs tokens
 * with a message naming it, not every request of the wiki):
 *
 * - 'database' (the default): DatabaseTokenStore, the table mws_auth_token;
 * - 'stash': CacheTokenStore on $wgMainStash;
 * - any other name (a string or a CACHE_* constant): CacheTokenStore on
 *   that entry of $wgObjectCaches.
 *
 * Caches that cannot keep the promises are refused: those local to one
 * process or server (hash, APCu), the one that stores nothing, and Redis
 * across several servers with automatic failover (a key that moves to the
 * next server when its own does not answer could be used once on each).
 */
class SelectedTokenStore implements TokenStore {
	public const SETTING = 'mwsgTokenAuthenticatorTokenStore';

	/** @var mixed The setting's value */
	private $name;
	private Closure $database;
	private Closure $stash;
	private Closure $cacheNamed;
	private array $objectCaches;
	private Metrics $metrics;
	private ?TokenStore $store = null;
	/** The store's kind, the "store" label of its timings */
	private string $storeKind = 'database';

	/**
	 * @param mixed $name The setting's value
	 * @param array $objectCaches $wgObjectCaches
	 * @param Closure $database fn(): TokenStore
	 * @param Closure $stash fn(): BagOStuff, the main stash
	 * @param Closure $cacheNamed fn( string|int $name ): BagOStuff
	 * @param Metrics $metrics
	 */
	public function __construct(
		$name, array $objectCaches, Closure $database, Closure $stash, Closure $cacheNamed, Metrics $metrics
	) {
		$this->name = $name;
		$this->objectCaches = $objectCaches;
		$this->database = $database;
		$this->stash = $stash;
		$this->cacheNamed = $cacheNamed;
		$this->metrics = $metrics;
	}

	/** @inheritDoc */
	public function mint(
		string $kind, UserIdentity $user, int $ttl, ?string $keyName = null, ?string $binding = null
	): string {
		return $this->timed( 'mint', 'mint', $kind, $user, $ttl, $keyName, $binding );
	}

	/** @inheritDoc */
	public function consume( string $kind, string $token ): ?StoredToken {
		return $this->timed( 'consume', 'consume', $kind, $token );
	}

	/** @inheritDoc */
	public function peek( string $kind, string $token ): ?StoredToken {
		return $this->timed( 'peek', 'peek', $kind, $token );
	}

	/** @inheritDoc */
	public function revoke( string $kind, string $hash ): void {
		$this->timed( 'revoke', 'revoke', $kind, $hash );
	}

	/** @inheritDoc */
	public function accountEpoch( int $userId ): string {
		return $this->timed( 'account_epoch', 'accountEpoch', $userId );
	}

	/** @inheritDoc */
	public function changeAccount( int $userId ): void {
		$this->timed( 'change_account', 'changeAccount', $userId );
	}

	/**
	 * Calls the store's $method, timed for the metrics when they are on.
	 *
	 * @param string $operation The metrics' name of the operation
	 * @param string $method
	 * @param mixed ...$args
	 * @return mixed
	 */
	private function timed( string $operation, string $method, ...$args ) {
		$store = $this->store();
		if ( !$this->metrics->isEnabled() ) {
			return $store->$method( ...$args );
		}
		$start = hrtime( true );
		try {
			return $store->$method( ...$args );
		} finally {
			$this->metrics->storeTiming( $this->storeKind, $operation, ( hrtime( true ) - $start ) / 1e9 );
		}
	}

	/**
	 * @throws InvalidSettingException For a setting that names no usable store
	 */
	public function store(): TokenStore {
		$this->store ??= $this->select();
		return $this->store;
	}

	private function select(): TokenStore {
		$name = $this->name;
		if ( $name === 'database' ) {
			return ( $this->database )();
		}
		// Entries of $wgObjectCaches are named by strings or CACHE_* integers.
		if ( !( is_string( $name ) && $name !== '' ) && !is_int( $name ) ) {
			throw $this->invalid( "must be 'database', 'stash' or the name of an entry of \$wgObjectCaches" );
		}
		if ( $name === 'stash' ) {
			$cache = ( $this->stash )();
		} elseif ( !array_key_exists( $name, $this->objectCaches ) ) {
			throw $this->invalid( "names no entry of \$wgObjectCaches (\"$name\"): use 'database', 'stash' "
				. 'or one of ' . implode( ', ', array_map( 'strval', array_keys( $this->objectCaches ) ) ) );
		} else {
			try {
				$cache = ( $this->cacheNamed )( $name );
			} catch ( Throwable $e ) {
				throw $this->invalid( "names the cache \"$name\", which cannot be made: " . $e->getMessage() );
			}
		}
		$this->check( $cache, (string)$name, $this->objectCaches[$name] ?? [] );
		$this->storeKind = $name === 'stash' ? 'stash'
			: ( $cache instanceof RedisBagOStuff ? 'redis'
			: ( $cache instanceof MemcachedBagOStuff ? 'memcached' : 'cache' ) );
		return new CacheTokenStore( $cache, (string)$name );
	}

	/**
	 * @param BagOStuff $cache
	 * @param string $name
	 * @param array $params Its $wgObjectCaches entry ([] for the stash)
	 */
	private function check( BagOStuff $cache, string $name, array $params ): void {
		if ( $cache instanceof EmptyBagOStuff ) {
			throw $this->invalid( "names the cache \"$name\", which stores nothing" );
		}
		if ( $cache instanceof HashBagOStuff || $cache instanceof APCUBagOStuff ) {
			throw $this->invalid( "names the cache \"$name\", which is local to one PHP process or server: "
				. 'a token minted by one app server (or php-fpm pool) would be unknown to the others. '
				. "Use a Redis or memcached entry of \$wgObjectCaches, 'stash' or 'database'" );
		}
		if ( $cache instanceof RedisBagOStuff && count( (array)( $params['servers'] ?? [] ) ) > 1
			&& ( $params['automaticFailover'] ?? true ) !== false
		) {
			throw $this->invalid( "names the Redis cache \"$name\" with several servers and automatic failover: "
				. "a token's keys would move to another server while theirs does not answer, so it could be "
				. "used once on each. Set 'automaticFailover' => false in \$wgObjectCaches['$name']" );
		}
	}

	private function invalid( string $detail ): InvalidSettingException {
		return new InvalidSettingException( 'tokenauthenticator-error-bad-token-store', self::SETTING, $detail );
	}
}
