<?php
/**
 * Settings of the bench wiki, required at the end of the
 * LocalSettings-<variant>.php files that bench/run.sh has scripts/wiki.sh
 * write (the installer's settings, $wgServer, the log channels, the
 * extension unless "noext"). Those files set, before requiring this one:
 *
 * - $benchVariant: "ext" (TokenAuthenticator loaded), "reuse" (the same
 *   with $mwsgTokenAuthenticatorSingleUse = false), "noext" (neither the
 *   MediaWiki extension nor the native one), "redis", "redis-reuse",
 *   "memcached", "memcached-reuse" (tokens on those servers), or "static"
 *   (no TokenAuthenticator; the bare static-token provider of
 *   bench/StaticKeySessionProvider.php answers "Authorization: ApiKey" with
 *   the same secret, as the same user). bench/instructions.sh names the
 *   database variants "db" and "db-reuse"; anything not listed here is "ext";
 * - $benchDir: the bench's temporary directory;
 * - $benchRepo: the repository;
 * - $benchServiceSecret: the ApiKey secret of the bench principal (and of
 *   the static-token provider);
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
$benchExtension = $benchVariant !== 'noext' && $benchVariant !== 'static';
$wgCacheDirectory = "$benchDir/cache-" . ( $benchExtension ? 'ext' : 'noext' );
// Production runs jobs from a runner, not at the end of web requests.
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;

// The floor, a no-op REST route, and the reference-equivalent routes
// (bench/Ref*.php): they exist only in the bench wiki.
$wgRestAPIAdditionalRouteFiles[] = "$benchRepo/bench/routes.json";
$wgAutoloadClasses['TokenAuthenticatorBenchNoopHandler'] = "$benchRepo/bench/NoopHandler.php";
$wgAutoloadClasses['TokenAuthenticatorBenchRefTokens'] = "$benchRepo/bench/RefTokens.php";
$wgAutoloadClasses['TokenAuthenticatorBenchRefVerifyHandler'] = "$benchRepo/bench/RefVerifyHandler.php";
$wgAutoloadClasses['TokenAuthenticatorBenchRefMintHandler'] = "$benchRepo/bench/RefMintHandler.php";
$wgAutoloadClasses['TokenAuthenticatorBenchRefSeedHandler'] = "$benchRepo/bench/RefSeedHandler.php";
// The user of the ApiKey principal, and of the static-token provider.
$benchServiceUser = 'ChatBot service user';

// Query log, only for requests that ask for it (never during load runs):
// bench/run.sh counts the database queries of single requests with it.
if ( ( $_SERVER['HTTP_X_BENCH_QUERY_LOG'] ?? '' ) === '1' ) {
	$wgDebugDumpSql = true;
	// 1.39 logs queries to DBQuery, 1.43 to rdbms (with other messages,
	// which run.sh and tool.php leave out).
	$wgDebugLogGroups['DBQuery'] = "$benchDir/logs/queries-$benchVariant.log";
	$wgDebugLogGroups['rdbms'] = "$benchDir/logs/queries-$benchVariant.log";
}

if ( $benchVariant === 'static' ) {
	$wgAutoloadClasses['TokenAuthenticatorBenchStaticKeySessionProvider'] =
		"$benchRepo/bench/StaticKeySessionProvider.php";
	$wgSessionProviders['TokenAuthenticatorBenchStaticKeySessionProvider'] = [
		'class' => 'TokenAuthenticatorBenchStaticKeySessionProvider',
		'args' => [ [ 'token' => $benchServiceSecret, 'user' => $benchServiceUser ] ],
		'services' => [ 'UserFactory' ],
	];
}

if ( $benchExtension ) {
	// Tokens are minted before the load runs: let them live an hour.
	$mwsgTokenAuthenticatorUserTokenTTL = 3600;
	$mwsgTokenAuthenticatorSingleUse = !str_ends_with( $benchVariant, 'reuse' );
	// The token store: the database, or a server as docs/token-stores.md configures it.
	if ( str_starts_with( $benchVariant, 'redis' ) ) {
		$wgObjectCaches['bench-redis'] = [ 'class' => 'RedisBagOStuff', 'servers' => [ "127.0.0.1:$benchRedisPort" ],
			'persistent' => true, 'automaticFailover' => false ];
		$mwsgTokenAuthenticatorTokenStore = 'bench-redis';
		// The reference-equivalent routes on the same server (bench/RefTokens.php).
		$benchRefCache = 'bench-redis';
	} elseif ( str_starts_with( $benchVariant, 'memcached' ) ) {
		$wgObjectCaches['bench-memcached'] = [ 'class' => 'MemcachedPeclBagOStuff',
			'servers' => [ "127.0.0.1:$benchMemcachedPort" ], 'persistent' => true ];
		$mwsgTokenAuthenticatorTokenStore = 'bench-memcached';
		$benchRefCache = 'bench-memcached';
	}
	// One ApiKey principal (loopback only, the default), allowed the no-op
	// route, both mint routes (bench/instructions.sh mints as this user) and
	// api.php's meta=userinfo.
	$mwsgTokenAuthenticatorServiceToken = $benchServiceSecret;
	$mwsgTokenAuthenticatorServiceUser = $benchServiceUser;
	$mwsgTokenAuthenticatorServiceAllowedRestPaths = [ '/bench/v1/noop', '/mws/v1/user-token/generate', '/bench/v1/ref-mint' ];
	$mwsgTokenAuthenticatorServiceAllowedAPIModules = [ 'ApiQueryUserInfo' ];
	// The invalid-token case fails on purpose: keep the limiter counting
	// (production-like work per request) but never refusing. An empty array
	// would not do: extension.json's limits are merged back per key.
	$wgRateLimits['tokenauthenticator-verify-fail'] = [
		'ip' => [ PHP_INT_MAX, 60 ],
		'user' => [ PHP_INT_MAX, 60 ],
	];
}
