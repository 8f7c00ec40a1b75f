<?php
/**
 * The token store's own race, outside any web server: run by
 * tests/e2e_token_stores.rs as several processes at once against a real
 * store. --mint N prints N new user tokens; --race FILE waits until --start
 * (Unix time), then tries to use up every token of FILE and to claim every
 * key "race-<n>" once (a replay record, always in the database), in the
 * same order as the other processes, and prints what it won ("token <t>",
 * "claim <n>") and every error ("error <message>").
 */

use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\User\UserIdentityValue;

$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$IP/maintenance/Maintenance.php";

class TokenStoreRace extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addOption( 'mint', 'How many tokens to mint', false, true );
		$this->addOption( 'race', 'File of tokens to race for', false, true );
		$this->addOption( 'start', 'Unix time to start racing at', false, true );
	}

	public function execute() {
		/** @var TokenStore $store */
		$store = Services::getTokenStore();
		// Replay records are always the database's, whatever the token store.
		$replays = Services::getReplayRecords();
		if ( $this->hasOption( 'mint' ) ) {
			$user = new UserIdentityValue( 0, 'Race' );
			for ( $i = 0; $i < (int)$this->getOption( 'mint' ); $i++ ) {
				$this->output( $store->mint( TokenStore::KIND_USER, $user, 600 ) . "\n" );
			}
			return;
		}
		$tokens = file( $this->getOption( 'race' ), FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES );
		$start = (float)$this->getOption( 'start' );
		while ( microtime( true ) < $start ) {
			usleep( 500 );
		}
		foreach ( $tokens as $n => $token ) {
			try {
				if ( $store->consume( TokenStore::KIND_USER, $token ) ) {
					$this->output( "token $token\n" );
				}
				if ( $replays->claimOnce( TokenStore::KIND_JWT_SEEN, "race-$n", time() + 600 ) ) {
					$this->output( "claim $n\n" );
				}
			} catch ( Throwable $e ) {
				$this->output( 'error ' . get_class( $e ) . ': ' . $e->getMessage() . "\n" );
			}
		}
	}
}

$maintClass = TokenStoreRace::class;
require_once RUN_MAINTENANCE_IF_MAIN;
