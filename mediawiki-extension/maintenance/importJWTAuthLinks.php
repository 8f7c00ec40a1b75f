<?php
/**
 * Imports the account links of JWTAuth 2.x (its table jwtauth: jwtauth_user,
 * jwtauth_subject, jwtauth_issuer) into TokenAuthenticator's mws_jwt_link, so
 * that users who logged in with JWTAuth keep their accounts. Run it once,
 * after update.php, before the first JWT login through TokenAuthenticator;
 * running it again changes nothing.
 *
 *   php extensions/TokenAuthenticator/maintenance/importJWTAuthLinks.php [--dry-run]
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLinkStore;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/loadMaintenance.php';

class ImportJWTAuthLinks extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( "Import JWTAuth 2.x's account links (table jwtauth) into TokenAuthenticator" );
		$this->addOption( 'dry-run', 'Say what would be imported, change nothing' );
	}

	public function execute() {
		$lb = MediaWikiServices::getInstance()->getDBLoadBalancer();
		$dbw = $lb->getConnection( DB_PRIMARY );
		if ( !$dbw->tableExists( 'jwtauth', __METHOD__ ) ) {
			$this->fatalError( 'There is no table jwtauth (JWTAuth 2.x) in this wiki\'s database: nothing to import.' );
		}
		if ( !$dbw->tableExists( 'mws_jwt_link', __METHOD__ ) ) {
			$this->fatalError( 'The table mws_jwt_link does not exist yet: run maintenance/update.php first.' );
		}
		$links = new JwtLinkStore( $lb );
		$users = MediaWikiServices::getInstance()->getUserIdentityLookup();
		$dryRun = $this->hasOption( 'dry-run' );
		$counts = [ 'imported' => 0, 'present' => 0, 'refused' => 0 ];
		$rows = $dbw->select( 'jwtauth', [ 'jwtauth_user', 'jwtauth_subject', 'jwtauth_issuer' ], [], __METHOD__ );
		foreach ( $rows as $row ) {
			$userId = (int)$row->jwtauth_user;
			$subject = (string)$row->jwtauth_subject;
			$issuer = (string)$row->jwtauth_issuer;
			$what = "user #$userId (subject of length " . strlen( $subject ) . ')';
			$existing = $links->find( $issuer, $subject );
			if ( $existing && $existing->userId === $userId ) {
				$counts['present']++;
				continue;
			}
			$user = $users->getUserIdentityByUserId( $userId );
			$problem = !$user ? 'the account does not exist'
				: ( $existing ? 'the subject is linked to another account already'
				: ( $links->isLinked( $userId ) ? 'the account is linked to another subject already'
				: ( $subject === '' || $issuer === '' || strlen( $subject ) > 255 || strlen( $issuer ) > 255
					? 'the subject or issuer is empty or longer than 255 bytes' : null ) ) );
			if ( $problem !== null ) {
				$counts['refused']++;
				$this->output( "not imported: $what: $problem\n" );
				continue;
			}
			if ( !$dryRun && !$links->link( $issuer, $subject, $userId ) ) {
				$counts['refused']++;
				$this->output( "not imported: $what: linked by a concurrent login\n" );
				continue;
			}
			$counts['imported']++;
		}
		$this->output( sprintf( "%s%d link(s) imported, %d already present, %d not imported\n",
			$dryRun ? '(dry run) ' : '', $counts['imported'], $counts['present'], $counts['refused'] ) );
		if ( $counts['refused'] > 0 ) {
			// A partial import is a problem an admin must look at.
			exit( 1 );
		}
	}
}

$maintClass = ImportJWTAuthLinks::class;
require_once RUN_MAINTENANCE_IF_MAIN;
