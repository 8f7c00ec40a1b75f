<?php
/**
 * Revokes a service key created on Special:ServiceKeys or by
 * createServiceKey.php, with its app tokens: refused from now on.
 *
 *   php extensions/TokenAuthenticator/maintenance/revokeServiceKey.php --name chat-bot
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyManager;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use User;

require_once __DIR__ . '/loadMaintenance.php';

class RevokeServiceKey extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Revoke a service key of TokenAuthenticator, with its app tokens' );
		$this->addOption( 'name', 'Name of the key', true, true );
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			$this->fatalError( NativeModule::missingMessage() );
		}
		/** @var ServiceKeyManager $keys */
		$keys = Services::getServiceKeyManager();
		$name = (string)$this->getOption( 'name' );
		$performer = User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] );
		if ( !$keys->revoke( $performer, $name ) ) {
			$this->fatalError( "There is no live key \"$name\" created on Special:ServiceKeys or by script "
				. '(keys of LocalSettings.php are removed there).' );
		}
		$this->output( "Revoked the service key \"$name\" and its app tokens.\n" );
	}
}

$maintClass = RevokeServiceKey::class;
require_once RUN_MAINTENANCE_IF_MAIN;
