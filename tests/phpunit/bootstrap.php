<?php
/**
 * Bootstrap of the PHP unit tests: the rules of the extension that need no
 * wiki, run with Debian's phpunit and the native extension loaded
 * (`make unit-tests`). MediaWiki's class autoloader gives the plain classes
 * these rules use (ServiceOptions, HashConfig, ...); no wiki is set up.
 */

$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
if ( !extension_loaded( 'mws_token_authenticator' ) ) {
	fwrite( STDERR, "load the native extension: php -d extension=...so /usr/bin/phpunit ...\n" );
	exit( 1 );
}
define( 'MEDIAWIKI', true );
require_once "$IP/autoload.php";
require_once "$IP/includes/AutoLoader.php";

spl_autoload_register( static function ( string $class ): void {
	$prefix = 'MediaWiki\\Extension\\TokenAuthenticator\\';
	if ( str_starts_with( $class, $prefix ) ) {
		$file = dirname( __DIR__, 2 ) . '/mediawiki-extension/includes/'
			. strtr( substr( $class, strlen( $prefix ) ), '\\', '/' ) . '.php';
		if ( is_file( $file ) ) {
			require_once $file;
		}
	}
} );
