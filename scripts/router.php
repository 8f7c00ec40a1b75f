<?php
/**
 * Router for PHP's built-in web server, for development and tests only:
 *
 *   php -S 127.0.0.1:8080 -t /usr/share/mediawiki scripts/router.php
 *
 * - /extensions/TokenAuthenticator/... is served from this repository's
 *   mediawiki-extension/ directory (static assets only; the extension lives
 *   outside the MediaWiki tree).
 * - Everything else is left to the built-in server (return false): static
 *   files under the document root as they are, and PHP entry points
 *   (index.php, api.php, load.php, rest.php/...) executed with SCRIPT_NAME and
 *   PATH_INFO set, e.g. /rest.php/v1/page/Main_Page.
 * - Paths that name no file (e.g. /) go to index.php.
 * - With TA_SCRIPT_PATH (e.g. /w, for a wiki under a path), /w/extensions/...
 *   is the extension's assets, and / and /wiki/<title> go to /w/index.php.
 */

const TA_ASSET_PREFIX = '/extensions/TokenAuthenticator/';

const TA_ASSET_TYPES = [
	'css' => 'text/css; charset=utf-8',
	'js' => 'text/javascript; charset=utf-8',
	'json' => 'application/json',
	'svg' => 'image/svg+xml',
	'png' => 'image/png',
	'gif' => 'image/gif',
	'jpg' => 'image/jpeg',
	'jpeg' => 'image/jpeg',
	'webp' => 'image/webp',
	'ico' => 'image/x-icon',
	'woff' => 'font/woff',
	'woff2' => 'font/woff2',
	'txt' => 'text/plain; charset=utf-8',
];

/**
 * @param int $status
 * @param string $message
 * @return bool
 */
function taRouterError( int $status, string $message ): bool {
	http_response_code( $status );
	header( 'Content-Type: text/plain; charset=utf-8' );
	echo $message, "\n";
	return true;
}

/**
 * @param string $relative Path below mediawiki-extension/, URL-decoded
 * @return bool
 */
function taServeExtensionAsset( string $relative ): bool {
	$base = realpath( __DIR__ . '/../mediawiki-extension' );
	$ext = strtolower( pathinfo( $relative, PATHINFO_EXTENSION ) );
	if (
		$base === false
		|| !isset( TA_ASSET_TYPES[$ext] )
		|| str_contains( $relative, "\0" )
		|| preg_match( '#(^|/)\.#', $relative )
	) {
		return taRouterError( 404, 'Not found' );
	}
	$file = realpath( $base . '/' . $relative );
	if ( $file === false || !is_file( $file ) || !str_starts_with( $file, $base . '/' ) ) {
		return taRouterError( 404, 'Not found' );
	}
	$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';
	if ( $method !== 'GET' && $method !== 'HEAD' ) {
		header( 'Allow: GET, HEAD' );
		return taRouterError( 405, 'Method not allowed' );
	}
	header( 'Content-Type: ' . TA_ASSET_TYPES[$ext] );
	header( 'Content-Length: ' . filesize( $file ) );
	header( 'Cache-Control: no-cache' );
	header( 'X-Content-Type-Options: nosniff' );
	if ( $method === 'GET' ) {
		readfile( $file );
	}
	return true;
}

$taPath = rawurldecode( (string)parse_url( $_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH ) );
// A wiki under a path (tests): the document root holds a link named like the
// script path (e.g. /w) to MediaWiki, and articles are at /wiki/<title>.
$taScriptPath = (string)getenv( 'TA_SCRIPT_PATH' );

if ( str_starts_with( $taPath, $taScriptPath . TA_ASSET_PREFIX ) ) {
	return taServeExtensionAsset( substr( $taPath, strlen( $taScriptPath . TA_ASSET_PREFIX ) ) );
}

if ( $taScriptPath !== '' && ( $taPath === '/' || str_starts_with( $taPath, '/wiki/' ) ) ) {
	// Short URLs, as a web server's rewrite rule gives them to index.php;
	// MediaWiki reads the title from REQUEST_URI ($wgArticlePath).
	$entry = $_SERVER['DOCUMENT_ROOT'] . $taScriptPath . '/index.php';
	$_SERVER['SCRIPT_NAME'] = $taScriptPath . '/index.php';
	$_SERVER['SCRIPT_FILENAME'] = $entry;
	$_SERVER['PHP_SELF'] = $_SERVER['SCRIPT_NAME'];
	chdir( dirname( realpath( $entry ) ) );
	require realpath( $entry );
	return true;
}

// Static files and PHP entry points (with PATH_INFO) are handled by the
// built-in server itself; it falls back to index.php for unknown paths.
return false;
