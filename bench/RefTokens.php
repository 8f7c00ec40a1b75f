<?php
/**
 * The cache of the bench's reference-equivalent routes (RefVerifyHandler,
 * RefMintHandler, RefSeedHandler): where the mwstake reference keeps user
 * tokens, an entry of its session cache, keyed by makeKey( $token ), value
 * [ 'user' => name, 'registered' => bool, 'wiki' => wiki ID ].
 *
 * The reference (ServiceWiring.php, UserTokenAuthenticator.php) uses
 * $wgSessionCacheType: APCu on the bench wiki, as the installer configures
 * it. On the bench variants whose extension store is a Redis or memcached
 * entry of $wgObjectCaches, bench/settings.php sets $benchRefCache to that
 * entry, so both sides of the comparison read the same server.
 */

use MediaWiki\MediaWikiServices;

class TokenAuthenticatorBenchRefTokens {
	/** The reference's UserTokenAuthenticator::TTL. */
	public const TTL = 10;

	public static function cache(): BagOStuff {
		$type = $GLOBALS['benchRefCache'] ?? $GLOBALS['wgSessionCacheType'];
		$services = MediaWikiServices::getInstance();
		// MediaWiki 1.42+ (the reference's own call); ObjectCache::getInstance before.
		return method_exists( $services, 'getObjectCacheFactory' )
			? $services->getObjectCacheFactory()->getInstance( $type )
			: ObjectCache::getInstance( $type );
	}

	/**
	 * The reference's UserTokenAuthenticator::generateToken().
	 *
	 * @param BagOStuff $cache
	 * @param string $name User name
	 * @param bool $registered
	 * @param int $ttl Seconds
	 * @return string|null The token; null when the cache refused it
	 */
	public static function store( BagOStuff $cache, string $name, bool $registered, int $ttl ): ?string {
		$token = bin2hex( random_bytes( 16 ) );
		$stored = $cache->set(
			$cache->makeKey( $token ),
			[ 'user' => $name, 'registered' => $registered, 'wiki' => WikiMap::getCurrentWikiId() ],
			$ttl
		);
		return $stored ? $token : null;
	}
}
