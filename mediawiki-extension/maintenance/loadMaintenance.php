<?php
/**
 * Loads MediaWiki's Maintenance class for the scripts of this folder:
 * from MW_INSTALL_PATH, else the wiki this extension is installed in
 * (extensions/TokenAuthenticator/maintenance), else Debian's MediaWiki.
 */

$IP = getenv( 'MW_INSTALL_PATH' );
if ( $IP === false ) {
	$IP = is_file( __DIR__ . '/../../../maintenance/Maintenance.php' )
		? __DIR__ . '/../../..'
		: '/usr/share/mediawiki';
}
require_once "$IP/maintenance/Maintenance.php";
