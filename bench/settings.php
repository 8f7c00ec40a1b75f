<?php
/**
 * Settings of the bench wiki, required at the end of the
 * LocalSettings-<variant>.php files that bench/run.sh has scripts/wiki.sh
 * write (the installer's settings, $wgServer, the log channels, the
 * extension unless "noext"). Those files set, before requiring this one:
 *
 * - $benchVariant: "ext" (TokenAuthenticator loaded), "reuse" (the same
 *   with $mwsgTokenAuthenticatorSingleUse = false) or "noext" (neither the
 *   MediaWiki extension nor the native one);
 * - $benchDir: the bench's temporary directory;
 * - $benchRepo: the repository;
 * - $benchServiceSecret: the ApiKey secret of the bench principal;
 * - $benchRedisPort, $benchMemcachedPort: the token stores' servers, for
 *   the variants "redis", "redis-reuse", "memcached", "memcached-reuse".
 *
 * @phpcs:disable MediaWiki.NamingConventions.ValidGlobalName.allowedPrefix
 */

if ( !defined( 'MEDIAWIKI' ) ) {
	exit( 1 );
}

$wgCanonicalServer = $wgServer;
// Localisation cache in CDB files, built by rebuildLocalisationCache.php
// before the run; one directory per extension set.
$wgCacheDirectory = "$benchDir/cache-" . ( $benchVariant === 'noext' ? 'noext' : 'ext' );
// Production runs jobs from a runner, not at the end of web requests.
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;

// The floor: a no-op REST route that exists only in the bench wiki.
$wgRestAPIAdditionalRouteFiles[] = "$benchRepo/bench/routes.json";
$wgAutoloadClasses['TokenAuthenticatorBenchNoopHandler'] = "$benchRepo/bench/NoopHandler.php";

// Query log, only for requests that ask for it (never during load runs):
// bench/run.sh counts the database queries of single requests with it.
if ( ( $_SERVER['HTTP_X_BENCH_QUERY_LOG'] ?? '' ) === '1' ) {
	$wgDebugDumpSql = true;
	// 1.39 logs queries to DBQuery, 1.43 to rdbms (with other messages,
	// which run.sh and tool.php leave out).
	$wgDebugLogGroups['DBQuery'] = "$benchDir/logs/queries-$benchVariant.log";
	$wgDebugLogGroups['rdbms'] = "$benchDir/logs/queries-$benchVariant.log";
}

if ( $benchVariant !== 'noext' ) {
	// Tokens are minted before the load runs: let them live an hour.
	$mwsgTokenAuthenticatorUserTokenTTL = 3600;
	$mwsgTokenAuthenticatorSingleUse = !str_ends_with( $benchVariant, 'reuse' );
	// The token store: the database, or a server as docs/token-stores.md configures it.
	if ( str_starts_with( $benchVariant, 'redis' ) ) {
		$wgObjectCaches['bench-redis'] = [ 'class' => 'RedisBagOStuff', 'servers' => [ "127.0.0.1:$benchRedisPort" ],
			'persistent' => true, 'automaticFailover' => false ];
		$mwsgTokenAuthenticatorTokenStore = 'bench-redis';
	} elseif ( str_starts_with( $benchVariant, 'memcached' ) ) {
		$wgObjectCaches['bench-memcached'] = [ 'class' => 'MemcachedPeclBagOStuff',
			'servers' => [ "127.0.0.1:$benchMemcachedPort" ], 'persistent' => true ];
		$mwsgTokenAuthenticatorTokenStore = 'bench-memcached';
	}
	// One ApiKey principal (loopback only, the default), allowed the no-op route.
	$mwsgTokenAuthenticatorServiceToken = $benchServiceSecret;
	$mwsgTokenAuthenticatorServiceAllowedRestPaths = [ '/bench/v1/noop' ];
	// The invalid-token case fails on purpose: keep the limiter counting
	// (production-like work per request) but never refusing. An empty array
	// would not do: extension.json's limits are merged back per key.
	$wgRateLimits['tokenauthenticator-verify-fail'] = [
		'ip' => [ PHP_INT_MAX, 60 ],
		'user' => [ PHP_INT_MAX, 60 ],
	];
}
