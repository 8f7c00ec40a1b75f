<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests;

use ExtensionRegistry;
use LCStoreNull;
use LocalisationCache;
use MediaWiki\MediaWikiServices;
use MediaWiki\Settings\SettingsBuilder;
use RuntimeException;
use Throwable;

/**
 * MediaWiki set up in the test process, as api.php sets it up, with this
 * extension loaded and no database: what the integration tests need of
 * MediaWiki's services (sessions, API modules, messages) without a wiki to
 * install. Every query fails: the database lives in a directory below
 * /dev/null, which can never be created. Caches are in memory. Nothing is
 * written anywhere.
 *
 * Under MediaWiki's own PHPUnit runner MediaWiki is already set up, as
 * "cli" and with that wiki's settings: setUp() then does nothing, and the
 * tests that need api.php skip.
 */
final class InProcessWiki {
	public const NO_DATABASE_DIR = '/dev/null/no-database';
	public const SITENAME = 'TokenAuthenticator tests';

	private static ?Throwable $failure = null;

	/**
	 * Sets MediaWiki up, once per process. The entry point is api.php's
	 * unless MW_ENTRY_POINT was defined before
	 * (integration/ServiceKey/fixtures/provideSessionInfo.php).
	 */
	public static function setUp(): void {
		if ( self::$failure ) {
			throw new RuntimeException( 'MediaWiki could not be set up in this process', 0, self::$failure );
		}
		if ( defined( 'MW_SERVICE_BOOTSTRAP_COMPLETE' ) ) {
			return;
		}
		if ( !defined( 'MW_ENTRY_POINT' ) ) {
			define( 'MW_ENTRY_POINT', 'api' );
		}
		// What MediaWiki's own test bootstrap defines: services may be reset.
		define( 'MW_PHPUNIT_TEST', true );
		// No session started for the process's own request, and no PHP
		// session handler; "warn" still lets the tests' requests have sessions
		// (with an error logged to the "session" channel, which goes nowhere).
		define( 'MW_NO_SESSION', 'warn' );
		define( 'MW_NO_SESSION_HANDLER', true );
		define( 'MW_CONFIG_CALLBACK', [ self::class, 'configure' ] );
		// The process's own request, as a web server would describe it.
		$_SERVER['REMOTE_ADDR'] ??= '127.0.0.1';
		$ip = $GLOBALS['IP'] ?? ( getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki' );
		require_once "$ip/includes/BootstrapHelperFunctions.php";
		try {
			self::requireWithGlobals( "$ip/includes/Setup.php" );
		} catch ( Throwable $e ) {
			// Half set up: every later test must fail too, not run on it.
			self::$failure = $e;
			throw $e;
		}
	}

	/**
	 * Instead of a LocalSettings.php (MW_CONFIG_CALLBACK).
	 *
	 * @param SettingsBuilder $settings
	 */
	public static function configure( SettingsBuilder $settings ): void {
		$settings->overrideConfigValues( [
			'Sitename' => self::SITENAME,
			'Server' => 'http://127.0.0.1',
			'ScriptPath' => '',
			'LanguageCode' => 'en',
			'SecretKey' => bin2hex( random_bytes( 32 ) ),
			'DBtype' => 'sqlite',
			'DBname' => 'tests',
			'SQLiteDataDir' => self::NO_DATABASE_DIR,
			'MainCacheType' => CACHE_NONE,
			'MessageCacheType' => CACHE_NONE,
			'ParserCacheType' => CACHE_NONE,
			'SessionCacheType' => CACHE_HASH,
			'UseDatabaseMessages' => false,
			'CacheDirectory' => false,
			'LocalisationCacheConf' => [
				'class' => LocalisationCache::class,
				'store' => 'detect',
				'storeClass' => LCStoreNull::class,
				'storeDirectory' => false,
				'storeServer' => [],
				'forceRecache' => false,
				'manualRecache' => false,
			],
		] );
		ExtensionRegistry::getInstance()->queue( dirname( __DIR__, 2 ) . '/extension.json' );
	}

	/**
	 * The extension's services, built afresh on next use from the settings
	 * as they are now ($mwsg… globals). Core's services are left alone.
	 */
	public static function resetExtensionServices(): void {
		$services = MediaWikiServices::getInstance();
		foreach ( $services->getServiceNames() as $name ) {
			if ( str_starts_with( $name, 'TokenAuthenticator.' ) ) {
				$services->resetServiceForTesting( $name );
			}
		}
	}

	/**
	 * Setup.php is written for the global scope: it runs here with every
	 * global the process has so far visible as one (Setup.php itself
	 * declares the globals of MediaWiki's settings).
	 *
	 * @param string $file
	 */
	private static function requireWithGlobals( string $file ): void {
		foreach ( array_keys( $GLOBALS ) as $name ) {
			if ( $name !== 'GLOBALS' && $name !== 'file' ) {
				// phpcs:ignore MediaWiki.NamingConventions.ValidGlobalName
				global $$name;
			}
		}
		require_once $file;
	}
}
