<?php
/**
 * Tells the owners of personal access keys that expire within a week, once
 * per key, through Echo (nothing to do without Echo). Using a key in its last
 * week reminds its owner too; this script reaches the keys nobody uses. Run
 * it daily, from cron or a systemd timer:
 *
 *   php extensions/TokenAuthenticator/maintenance/remindPersonalKeys.php
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use ExtensionRegistry;
use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;

require_once __DIR__ . '/loadMaintenance.php';

class RemindPersonalKeys extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Remind the owners of personal access keys that expire within a week (Echo)' );
	}

	public function execute() {
		if ( !ExtensionRegistry::getInstance()->isLoaded( 'Echo' ) ) {
			$this->output( "Echo is not installed: no reminders to send.\n" );
			return;
		}
		$sent = Services::getPersonalKeys()->remindExpiring( time() );
		$this->output( "Reminders sent: $sent\n" );
	}
}

$maintClass = RemindPersonalKeys::class;
require_once RUN_MAINTENANCE_IF_MAIN;
