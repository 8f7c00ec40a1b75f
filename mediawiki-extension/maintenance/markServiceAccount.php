<?php
/**
 * Names an existing account as a service account, which service keys may
 * then act as: for the account of a key that update.php would not take
 * because a person could use it (a password, an e-mail address, a JWT
 * link, an autocreation). Shows what the account is first; marks it only
 * with --confirm. Logged in Special:Log/tokenauth.
 *
 *   php extensions/TokenAuthenticator/maintenance/markServiceAccount.php --user "Chat bot"
 *   php extensions/TokenAuthenticator/maintenance/markServiceAccount.php --user "Chat bot" --confirm
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use ManualLogEntry;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use User;

require_once __DIR__ . '/loadMaintenance.php';

class MarkServiceAccount extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Show an account, and with --confirm name it as a service account of '
			. 'TokenAuthenticator (service keys act only as service accounts)' );
		$this->addOption( 'user', 'The account', true, true );
		$this->addOption( 'confirm', 'Mark it (without: only show what it is)' );
	}

	public function execute() {
		$accounts = Services::getServiceAccounts();
		$name = (string)$this->getOption( 'user' );
		$found = User::newFromName( $name ) ? $accounts->find( $name, DB_PRIMARY ) : null;
		if ( !$found ) {
			$this->fatalError( "There is no account \"$name\". update.php creates the missing accounts of "
				. 'configured keys; Special:ServiceKeys and createServiceKey.php --create-user those of created keys.' );
		}
		[ $user, $isServiceAccount ] = $found;
		foreach ( $accounts->describe( $user, $isServiceAccount ) as $label => $value ) {
			$this->output( sprintf( "%-28s %s\n", "$label:", $value ) );
		}
		if ( $isServiceAccount ) {
			$this->output( "\n\"{$user->getName()}\" is a service account already.\n" );
			return;
		}
		$use = $accounts->personalUse( $user );
		if ( $use === ServiceAccounts::USE_SYSTEM ) {
			$this->fatalError( "\n\"{$user->getName()}\" is one of MediaWiki's system users, which never get a "
				. 'session: no key can act as it. Name another account in the key.' );
		}
		if ( !$this->hasOption( 'confirm' ) ) {
			$this->output( "\nNot marked. A service key acting as this account can do all it can, for whoever "
				. "holds the key" . ( $use === null ? '' : ', and a person may be using it' ) . ". If it is "
				. "the service's own, run again with --confirm.\n" );
			return;
		}
		$accounts->mark( $user, ServiceAccounts::ORIGIN_ADMIN );
		$entry = new ManualLogEntry( 'tokenauth', 'accountmark' );
		$entry->setPerformer( User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] ) );
		$entry->setTarget( $user->getUserPage() );
		$entry->setParameters( [ '4::user' => $user->getName() ] );
		$entry->insert();
		$this->output( "\n\"{$user->getName()}\" is now a service account: service keys that name it work.\n" );
	}
}

$maintClass = MarkServiceAccount::class;
require_once RUN_MAINTENANCE_IF_MAIN;
