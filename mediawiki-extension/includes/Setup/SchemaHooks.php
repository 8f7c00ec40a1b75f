<?php

namespace MediaWiki\Extension\TokenAuthenticator\Setup;

use DatabaseUpdater;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceUserSetup;
use MediaWiki\Installer\Hook\LoadExtensionSchemaUpdatesHook;

/**
 * update.php creates the extension's tables (tokens, JWT account links, service keys,
 * service accounts, personal keys), for whichever database type the wiki uses, and sets up
 * the accounts of service keys.
 */
class SchemaHooks implements LoadExtensionSchemaUpdatesHook {
	/**
	 * @param DatabaseUpdater $updater
	 */
	public function onLoadExtensionSchemaUpdates( $updater ) {
		$dir = dirname( __DIR__, 2 ) . '/sql/' . $updater->getDB()->getType();
		// New and older wikis alike: each step runs only when its table or
		// column is missing.
		$updater->addExtensionTable( 'mws_auth_token', "$dir/tables-generated.sql" );
		$updater->addExtensionTable( 'mws_jwt_link', "$dir/mws_jwt_link.sql" );
		// Special:ServiceKeys: created keys, last uses, the list of app tokens.
		$updater->addExtensionTable( 'mws_service_key', "$dir/mws_service_key.sql" );
		// The accounts service keys may act as (ServiceKey\ServiceAccounts).
		$updater->addExtensionTable( 'mws_service_account', "$dir/mws_service_account.sql" );
		// Special:PersonalKeys: users' own keys for programs.
		$updater->addExtensionTable( 'mws_personal_key', "$dir/mws_personal_key.sql" );
		$updater->addExtensionField( 'mws_auth_token', 'mat_binding', "$dir/patch-mat_binding.sql" );
		$updater->addExtensionUpdate( [ [ self::class, 'setUpServiceUsers' ] ] );
	}

	/**
	 * Sets up the accounts of service keys (ServiceUserSetup): creates the
	 * missing ones of configured keys, takes existing ones as service
	 * accounts only when no person could use them, and gives the groups, so
	 * that no web request ever has to write them.
	 *
	 * @param DatabaseUpdater $updater
	 */
	public static function setUpServiceUsers( DatabaseUpdater $updater ): void {
		if ( !NativeModule::isLoaded() ) {
			// The tables above need no module; the keys' address
			// ranges do (native CidrSets): say so, and leave the users to the
			// next run.
			$updater->output( NativeModule::missingMessage() . "\nTokenAuthenticator: service users were not "
				. "set up; run update.php again once the module is loaded.\n" );
			return;
		}
		/** @var ServiceUserSetup $setup */
		$setup = Services::getServiceUserSetup();
		$setup->run( static function ( string $line ) use ( $updater ) {
			$updater->output( "$line\n" );
		} );
	}
}
