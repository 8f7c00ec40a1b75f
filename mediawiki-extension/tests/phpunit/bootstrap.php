<?php
/**
 * Bootstrap of the PHP tests with Debian's phpunit and the native module
 * loaded (`make php-unit`), for a MediaWiki without core's tests/ (Debian's
 * package has none, so MediaWiki's own runner is not available).
 *
 * - unit/: the rules that need no wiki. MediaWiki's class autoloader gives
 *   the plain classes they use (ServiceOptions, HashConfig, ...); nothing
 *   of MediaWiki is set up.
 * - integration/: what needs MediaWiki's services. The first such test
 *   sets up MediaWiki in this process without a database (InProcessWiki).
 *
 * The extension's classes and the test helpers load through the namespaces
 * that extension.json declares (AutoloadNamespaces, TestAutoloadNamespaces),
 * registered here as MediaWiki's extension registry registers them.
 */

if ( PHP_SAPI !== 'cli' && PHP_SAPI !== 'phpdbg' ) {
	// Never a web page: the extension folder, tests included, may be served.
	exit( 1 );
}
$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
// (Only a test's own child process runs without it: integration/ServiceKey/fixtures/.)
if ( !extension_loaded( 'mws_token_authenticator' ) && !defined( 'MWS_TA_TESTS_WITHOUT_MODULE' ) ) {
	fwrite( STDERR, "load the native extension: php -d extension=...so /usr/bin/phpunit ...\n" );
	exit( 1 );
}
define( 'MEDIAWIKI', true );
require_once "$IP/autoload.php";
require_once "$IP/includes/AutoLoader.php";

( static function (): void {
	$extensionDir = dirname( __DIR__, 2 );
	$manifest = json_decode( file_get_contents( "$extensionDir/extension.json" ), true, 512, JSON_THROW_ON_ERROR );
	foreach ( [ 'AutoloadNamespaces', 'TestAutoloadNamespaces' ] as $key ) {
		$namespaces = [];
		foreach ( $manifest[$key] ?? [] as $namespace => $dir ) {
			$namespaces[$namespace] = "$extensionDir/$dir";
		}
		AutoLoader::registerNamespaces( $namespaces );
	}
} )();
