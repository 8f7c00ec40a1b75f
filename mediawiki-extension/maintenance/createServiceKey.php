<?php
/**
 * Creates a service key as Special:ServiceKeys does (the same rules, the
 * same Special:Log entry), for farms that provision by script; with
 * --config, prints an entry for $mwsgTokenAuthenticatorServiceTokens in
 * LocalSettings.php instead. Prints the secret once; the wiki keeps only
 * its SHA-256.
 *
 *   php extensions/TokenAuthenticator/maintenance/createServiceKey.php \
 *     --name chat-bot --user "Chat bot" --create-user --cidr 10.0.0.0/8 \
 *     --api-module ApiQuery --rest-path /v1/page --app-tokens
 *
 *   php extensions/TokenAuthenticator/maintenance/createServiceKey.php \
 *     --config --user "Chat bot" --cidr 10.0.0.0/8 --app-tokens
 */

namespace MediaWiki\Extension\TokenAuthenticator\Maintenance;

use Maintenance;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyManager;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyRules;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\MediaWikiServices;
use Status;
use User;

require_once __DIR__ . '/loadMaintenance.php';

class CreateServiceKey extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->requireExtension( 'TokenAuthenticator' );
		$this->addDescription( 'Create a service key of TokenAuthenticator (as on Special:ServiceKeys)' );
		$this->addOption( 'name', 'Name of the key (letters, digits, ".", "_", "-"); with --config, optional '
			. '(default: user/hash prefix)', false, true );
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
		$this->addOption( 'config', 'Print an entry for $mwsgTokenAuthenticatorServiceTokens in LocalSettings.php '
			. 'instead of storing the key (creates the account, and gives it the app-token groups with --app-tokens)' );
	}

	public function execute() {
		if ( !NativeModule::isLoaded() ) {
			$this->fatalError( NativeModule::missingMessage() );
		}
		$services = MediaWikiServices::getInstance();
		/** @var ServiceKeyManager $keys */
		$keys = Services::getServiceKeyManager();
		$config = $this->hasOption( 'config' );
		if ( !$config && !$this->hasOption( 'name' ) ) {
			$this->fatalError( 'Give the key a --name (or use --config).' );
		}
		$name = (string)$this->getOption( 'name', '' );
		$rules = [
			'cidr' => $this->getOption( 'cidr', ServiceKeyRules::LOOPBACK ),
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
			$config && $name === '' ? null : $keys->nameProblem( $name ),
			$config ? null
				: $keys->serviceUserProblem( (string)$this->getOption( 'user' ), $this->hasOption( 'create-user' ) ),
			ServiceKeyRules::cidrProblem( $rules['cidr'] ),
			ServiceKeyRules::apiModuleProblem( $rules['apiModules'] ),
			ServiceKeyRules::restPathProblem( $rules['restPaths'] ),
			$rules['rights'] === null ? null
				: ServiceKeyRules::rightsProblem( $rules['rights'], $services->getPermissionManager()->getAllPermissions() ),
		] );
		if ( ( $problems[1][0] ?? '' ) === 'tokenauthenticator-keys-error-no-user' ) {
			$problems[1] = [ 'rawmessage', 'There is no user "' . $this->getOption( 'user' ) . '" (use --create-user).' ];
		}
		foreach ( $problems as $problem ) {
			$this->error( ServiceKeyRules::message( $problem )->inLanguage( 'en' )->text() );
		}
		if ( $problems ) {
			$this->fatalError( 'No key was created.' );
		}
		if ( $config ) {
			$this->printConfigEntry( $name, (string)$this->getOption( 'user' ), $rules );
			return;
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

	/**
	 * The entry for LocalSettings.php, with the secret's hash only; the
	 * account is set up as update.php sets up configured keys' accounts.
	 *
	 * @param string $name Empty for none
	 * @param string $user
	 * @param array $rules
	 */
	private function printConfigEntry( string $name, string $user, array $rules ): void {
		$secret = mws_ta_random_token( 32 );
		$entry = ( $name === '' ? [] : [ 'name' => $name ] ) + [
			'user' => $user,
			'tokenHash' => mws_ta_sha256( $secret ),
		] + array_filter( $rules, static fn ( $v ) => $v !== null );
		if ( isset( $entry['expires'] ) ) {
			$entry['expires'] = wfTimestamp( TS_ISO_8601, $entry['expires'] );
		}
		$groups = $rules['appTokens']
			? (array)Services::container()->getService( 'TokenAuthenticator.Config' )
				->get( 'TokenAuthenticatorAppTokenGroups' )
			: [];
		if ( !Services::getServiceUserSetup()->setUpUser( $user, $groups, function ( string $line ) {
			$this->output( "$line\n" );
		} ) ) {
			$this->fatalError( "Could not set up the user \"$user\"." );
		}
		$this->output( "\nSecret of the new key (shown once; give it to the service):\n\n  $secret\n\n"
			. "Send it as:  Authorization: ApiKey $secret\n\n"
			. "Add this entry to \$mwsgTokenAuthenticatorServiceTokens in LocalSettings.php:\n\n"
			. '$mwsgTokenAuthenticatorServiceTokens[] = ' . var_export( $entry, true ) . ";\n" );
	}
}

$maintClass = CreateServiceKey::class;
require_once RUN_MAINTENANCE_IF_MAIN;
