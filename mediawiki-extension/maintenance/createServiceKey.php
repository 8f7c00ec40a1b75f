<?php
/**
 * Creates a service key as Special:ServiceKeys does (the same rules, the
 * same Special:Log entry), for farms that provision by script. Prints the
 * secret once; the wiki keeps only its SHA-256.
 *
 *   php extensions/TokenAuthenticator/maintenance/createServiceKey.php \
 *     --name chat-bot --user "Chat bot" --create-user --cidr 10.0.0.0/8 \
 *     --api-module ApiQuery --rest-path /v1/page --app-tokens
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\PrincipalRegistry;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\ServiceAuth\ServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\Services;
use MediaWiki\MediaWikiServices;
use Status;
use User;

require_once __DIR__ . '/loadMaintenance.php';

class CreateServiceKey extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Create a service key of TokenAuthenticator (as on Special:ServiceKeys)' );
		$this->addOption( 'name', 'Name of the key (letters, digits, ".", "_", "-")', true, true );
		$this->addOption( 'user', 'User the key acts as', true, true );
		$this->addOption( 'create-user', 'Create the user as a service account (without a password) when missing' );
		$this->addOption( 'cidr', 'Allowed client range; repeat for several (default: loopback)', false, true,
			false, true );
		$this->addOption( 'api-module', 'Allowed API module class; repeat for several', false, true, false, true );
		$this->addOption( 'rest-path', 'Allowed REST path prefix; repeat for several', false, true, false, true );
		$this->addOption( 'right', 'Rights cap: a right the key keeps; repeat for several (default: no cap)',
			false, true, false, true );
		$this->addOption( 'app-tokens', 'Allow the key to mint app tokens' );
		$this->addOption( 'expires', 'When the key stops working (any MediaWiki timestamp)', false, true );
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			$this->fatalError( NativeModule::missingMessage() );
		}
		$services = MediaWikiServices::getInstance();
		/** @var ServiceKeys $keys */
		$keys = Services::getServiceKeys();
		$name = (string)$this->getOption( 'name' );
		$rules = [
			'cidr' => $this->getOption( 'cidr', PrincipalRegistry::LOOPBACK ),
			'apiModules' => $this->getOption( 'api-module', [] ),
			'restPaths' => $this->getOption( 'rest-path', [] ),
			'rights' => $this->hasOption( 'right' ) ? $this->getOption( 'right' ) : null,
			'appTokens' => $this->hasOption( 'app-tokens' ),
			'expires' => null,
		];
		if ( $this->hasOption( 'expires' ) ) {
			$expires = wfTimestamp( TS_UNIX, $this->getOption( 'expires' ) );
			if ( $expires === false ) {
				$this->fatalError( 'Not a timestamp: --expires ' . $this->getOption( 'expires' ) );
			}
			$rules['expires'] = (int)$expires;
		}
		$problems = array_filter( [
			$keys->nameProblem( $name ),
			$keys->serviceUserProblem( (string)$this->getOption( 'user' ), $this->hasOption( 'create-user' ) ),
			ServiceKeys::cidrProblem( $rules['cidr'] ),
			ServiceKeys::apiModuleProblem( $rules['apiModules'] ),
			ServiceKeys::restPathProblem( $rules['restPaths'] ),
			$rules['rights'] === null ? null
				: ServiceKeys::rightsProblem( $rules['rights'], $services->getPermissionManager()->getAllPermissions() ),
		] );
		if ( ( $problems[1][0] ?? '' ) === 'tokenauthenticator-keys-error-no-user' ) {
			$problems[1] = [ 'rawmessage', 'There is no user "' . $this->getOption( 'user' ) . '" (use --create-user).' ];
		}
		foreach ( $problems as $problem ) {
			$this->error( ServiceKeys::message( $problem )->inLanguage( 'en' )->text() );
		}
		if ( $problems ) {
			$this->fatalError( 'No key was created.' );
		}
		// The command line holds every right: it is logged as the maintenance script user.
		$performer = User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] );
		$status = $keys->serviceUser( (string)$this->getOption( 'user' ), $performer, ServiceAccounts::ORIGIN_SCRIPT );
		if ( !$status->isGood() ) {
			$this->fatalError( 'The account "' . $this->getOption( 'user' ) . '" could not be created: '
				. Status::wrap( $status )->getMessage( false, false, 'en' )->text() );
		}
		$user = $status->getValue();
		$secret = $keys->create( $performer, $name, $user, $rules );
		$this->output( "Created the service key \"$name\" acting as \"{$user->getName()}\".\n\n"
			. "Secret (shown once; the wiki keeps only its hash):\n\n  $secret\n\n"
			. "Send it as:  Authorization: ApiKey $secret\n" );
	}
}

$maintClass = CreateServiceKey::class;
require_once RUN_MAINTENANCE_IF_MAIN;
