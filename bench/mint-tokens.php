<?php
/**
 * Mints user tokens for the macro benchmark, through the extension's own
 * TokenStore service, and writes them to a file, one a line:
 *
 *   MW_CONFIG_FILE=… php bench/mint-tokens.php --count 20000 --out tokens.txt [--user Admin]
 *
 * Tokens are minted in transactions of 500, so the SQLite database syncs
 * once per batch, not once per token. Their lifetime is the wiki's
 * $mwsgTokenAuthenticatorUserTokenTTL (the bench wiki sets an hour).
 */

use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\MediaWikiServices;

$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$IP/maintenance/Maintenance.php";

class TokenAuthenticatorBenchMintTokens extends Maintenance {
	private const BATCH = 500;

	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Mint user tokens for the benchmark' );
		$this->addOption( 'count', 'How many tokens', true, true );
		$this->addOption( 'out', 'File to write them to', true, true );
		$this->addOption( 'user', 'Whom they stand for (default: Admin)', false, true );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$count = (int)$this->getOption( 'count' );
		$user = $services->getUserFactory()->newFromName( $this->getOption( 'user', 'Admin' ) );
		if ( !$user || !$user->isRegistered() ) {
			$this->fatalError( 'no such user' );
		}
		$ttl = (int)$services->getConfigFactory()->makeConfig( 'TokenAuthenticator' )
			->get( 'TokenAuthenticatorUserTokenTTL' );
		/** @var TokenStore $store */
		$store = Services::getTokenStore();
		$dbw = $services->getDBLoadBalancer()->getConnection( DB_PRIMARY );
		$out = fopen( $this->getOption( 'out' ), 'w' );
		if ( !$out ) {
			$this->fatalError( 'cannot write ' . $this->getOption( 'out' ) );
		}
		$started = microtime( true );
		for ( $done = 0; $done < $count; ) {
			$dbw->startAtomic( __METHOD__ );
			$lines = '';
			for ( $i = 0; $i < self::BATCH && $done < $count; $i++, $done++ ) {
				$lines .= $store->mint( TokenStore::KIND_USER, $user, $ttl ) . "\n";
			}
			$dbw->endAtomic( __METHOD__ );
			fwrite( $out, $lines );
		}
		fclose( $out );
		$this->output( sprintf( "minted %d tokens (TTL %d s) in %.1f s\n", $count, $ttl, microtime( true ) - $started ) );
	}
}

$maintClass = TokenAuthenticatorBenchMintTokens::class;
require_once RUN_MAINTENANCE_IF_MAIN;
