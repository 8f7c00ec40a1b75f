<?php
/**
 * Settings of the reliability wikis, required at the end of the
 * LocalSettings-<db>.php files that reliability/load.sh has scripts/wiki.sh
 * write (the installer's settings, $wgServer, the run's snapshot of the
 * extension loaded). Those files set, before requiring this one:
 *
 * - $relyDb: the wiki's lane, "sqlite", "mariadb", "redis" or "memcached"
 *   (the last two: a SQLite wiki whose tokens live on that cache server);
 * - $relyDir: the run's temporary directory;
 * - $relyServiceSecret: the ApiKey secret of the test principal;
 * - $relyCachePort: for "redis" and "memcached", the server's port.
 *
 * @phpcs:disable MediaWiki.NamingConventions.ValidGlobalName.allowedPrefix
 */

if ( !defined( 'MEDIAWIKI' ) ) {
	exit( 1 );
}

$wgCanonicalServer = $wgServer;
// Localisation cache in CDB files, built once before the run (both wikis
// load the same extensions, so they share it).
$wgCacheDirectory = "$relyDir/l10n";
$wgLocalisationCacheConf['manualRecache'] = true;
// Production runs jobs from a runner, not at the end of web requests.
$wgJobRunRate = 0;
// Production-like: no exception details in answers. The logs below have them.
$wgShowExceptionDetails = false;
$relyLog = "$relyDir/logs/mw-$relyDb.log";
foreach ( [ 'exception', 'error', 'fatal', 'TokenAuthenticator' ] as $relyChannel ) {
	$wgDebugLogGroups[$relyChannel] = $relyLog;
}
foreach ( [ 'DBQuery', 'DBConnection', 'DBReplication', 'DBTransaction', 'DBPerformance', 'rdbms' ] as $relyChannel ) {
	$wgDebugLogGroups[$relyChannel] = [ 'destination' => $relyLog, 'level' => 'warning' ];
}
$wgDBerrorLog = $relyLog;

// Tokens of a run must outlive it.
$mwsgTokenAuthenticatorUserTokenTTL = 3600;
// The replays fail on purpose, 20,000 of them from one IP: keep the limiter
// counting (production-like work per request) but never refusing. An empty
// array would not do: the extension's limits are merged back per key
// (Registration::register(), as core merges extension.json's), so `= []`
// leaves 60 a minute in force.
$wgRateLimits['tokenauthenticator-verify-fail'] = [
	'ip' => [ PHP_INT_MAX, 60 ],
	'user' => [ PHP_INT_MAX, 60 ],
];
// One ApiKey principal (loopback only, the default), allowed the verify
// route and meta=userinfo, for the requests made while the database is down.
$mwsgTokenAuthenticatorServiceToken = $relyServiceSecret;
$mwsgTokenAuthenticatorServiceAllowedRestPaths = [ '/mws/v1/user-token/verify' ];
$mwsgTokenAuthenticatorServiceAllowedAPIModules = [ ApiQueryUserInfo::class ];

// Tokens on a cache server: the settings docs/token-stores.md gives for a farm, with
// short timeouts so that a dead server is answered with 503 at once.
if ( isset( $relyCachePort ) ) {
	$wgObjectCaches["rely-$relyDb"] = $relyDb === 'redis'
		? [ 'class' => RedisBagOStuff::class, 'servers' => [ "127.0.0.1:$relyCachePort" ],
			'persistent' => false, 'automaticFailover' => false, 'connectTimeout' => 0.5 ]
		: [ 'class' => MemcachedPeclBagOStuff::class, 'servers' => [ "127.0.0.1:$relyCachePort" ],
			'persistent' => false, 'connect_timeout' => 0.5, 'timeout' => 500000, 'retry_timeout' => 1 ];
	$mwsgTokenAuthenticatorTokenStore = "rely-$relyDb";
}
