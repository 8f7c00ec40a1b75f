<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use DatabaseUpdater;
use MediaWiki\Installer\Hook\LoadExtensionSchemaUpdatesHook;

/**
 * update.php creates the token table, for whichever database type the wiki uses.
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
	}
}
