<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use DatabaseUpdater;
use MediaWiki\Extension\TokenAuthenticator\Service\ServiceUserSetup;
use MediaWiki\Installer\Hook\LoadExtensionSchemaUpdatesHook;
use MediaWiki\MediaWikiServices;

/**
 * update.php creates the token table, for whichever database type the wiki
 * uses, and the users of the configured service principals.
 */
class SchemaHooks implements LoadExtensionSchemaUpdatesHook {
	/**
	 * @param DatabaseUpdater $updater
	 */
	public function onLoadExtensionSchemaUpdates( $updater ) {
		$type = $updater->getDB()->getType();
		$updater->addExtensionTable(
			'mws_auth_token',
			dirname( __DIR__ ) . "/sql/$type/tables-generated.sql"
		);
		$updater->addExtensionUpdate( [ [ self::class, 'setUpServiceUsers' ] ] );
	}

	/**
	 * Creates the users of the configured service principals and their
	 * groups, so that no web request ever has to write them.
	 *
	 * @param DatabaseUpdater $updater
	 */
	public static function setUpServiceUsers( DatabaseUpdater $updater ): void {
		/** @var ServiceUserSetup $setup */
		$setup = MediaWikiServices::getInstance()->getService( 'TokenAuthenticator.ServiceUserSetup' );
		$setup->run( static function ( string $line ) use ( $updater ) {
			$updater->output( "$line\n" );
		} );
	}
}
