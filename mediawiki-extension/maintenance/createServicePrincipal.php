<?php
/**
 * Creates the secret of a new service principal: prints the random token once
 * and the entry to add to $mwsgTokenAuthenticatorServiceTokens, which holds
 * only the token's hash. Also creates the service user (and, with
 * --app-tokens, puts it in $mwsgTokenAuthenticatorAppTokenGroups).
 *
 *   php extensions/TokenAuthenticator/maintenance/createServicePrincipal.php \
 *     --user "Chat bot" --cidr 10.0.0.0/8 --app-tokens
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceUserSetup;
use MediaWiki\Extension\TokenAuthenticator\Services;
use MediaWiki\MediaWikiServices;

require_once __DIR__ . '/loadMaintenance.php';

class CreateServicePrincipal extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Create the secret of a new service principal of TokenAuthenticator' );
		$this->addOption( 'user', 'User the principal acts as (created if missing)', true, true );
		$this->addOption( 'cidr', 'Allowed client range; repeat for several (default: loopback)', false, true,
			false, true );
		$this->addOption( 'app-tokens', 'Allow the principal to mint app tokens' );
		$this->addOption( 'name', 'Name of the principal in logs (default: user/hash prefix)', false, true );
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			// The secret is drawn and hashed by the module.
			$this->fatalError( NativeModule::missingMessage() );
		}
		$user = $this->getOption( 'user' );
		$token = mws_ta_random_token( 32 );
		$entry = [
			'user' => $user,
			'tokenHash' => mws_ta_sha256( $token ),
			'cidr' => $this->getOption( 'cidr', [ '127.0.0.1/32', '::1/128' ] ),
			'apiModules' => [],
			'restPaths' => [],
			'appTokens' => $this->hasOption( 'app-tokens' ),
		];
		if ( $this->hasOption( 'name' ) ) {
			$entry = [ 'name' => $this->getOption( 'name' ) ] + $entry;
		}

		/** @var ServiceUserSetup $setup */
		$setup = Services::getServiceUserSetup();
		$groups = $entry['appTokens']
			? (array)MediaWikiServices::getInstance()->getConfigFactory()->makeConfig( 'TokenAuthenticator' )
				->get( 'TokenAuthenticatorAppTokenGroups' )
			: [];
		if ( !$setup->setUpUser( $user, $groups, function ( string $line ) {
			$this->output( "$line\n" );
		} ) ) {
			$this->fatalError( "Could not set up the user \"$user\"." );
		}

		$this->output( "\nSecret of the new principal (shown once; give it to the service):\n\n  $token\n\n" );
		$this->output( "Send it as:  Authorization: ApiKey $token\n\n" );
		$this->output( "Add this entry to \$mwsgTokenAuthenticatorServiceTokens in LocalSettings.php,\n"
			. "and list the API modules and REST paths it may use:\n\n" );
		$this->output( '$mwsgTokenAuthenticatorServiceTokens[] = ' . var_export( $entry, true ) . ";\n" );
	}
}

$maintClass = CreateServicePrincipal::class;
require_once RUN_MAINTENANCE_IF_MAIN;
