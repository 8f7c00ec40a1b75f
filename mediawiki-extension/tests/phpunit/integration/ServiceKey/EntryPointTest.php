<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Integration\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use PHPUnit\Framework\TestCase;

/**
 * Which entry points take a service credential, and what happens without
 * the native module: each case in a process of its own (MW_ENTRY_POINT is
 * a constant), set up as InProcessWiki sets up this one
 * (fixtures/provideSessionInfo.php).
 */
class EntryPointTest extends TestCase {
	private const FIXTURE = __DIR__ . '/fixtures/provideSessionInfo.php';

	/**
	 * Runs the fixture, with the native module loaded as this process loaded
	 * it ($module), or without it (unless PHP's own ini files load it).
	 *
	 * @return array{0: int, 1: string} Exit code, and output (with stderr when it failed)
	 */
	private function runFixture( string $entryPoint, array $authorizations, bool $module ): array {
		$command = [ PHP_BINARY ];
		if ( $module ) {
			$load = self::moduleArguments();
			if ( $load === null ) {
				$this->markTestSkipped( 'cannot tell how this process loaded the native module' );
			}
			array_push( $command, ...$load );
		}
		array_push( $command, self::FIXTURE, $entryPoint, ...$authorizations );
		// Without PHP_INI_SCAN_DIR: PHP's own ini directory, which does not
		// load the module unless it is installed system-wide.
		$env = getenv();
		unset( $env['PHP_INI_SCAN_DIR'] );
		$process = proc_open( $command, [ 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ], $pipes, null, $env );
		$this->assertIsResource( $process );
		$out = stream_get_contents( $pipes[1] );
		$err = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		$code = proc_close( $process );
		$this->assertMatchesRegularExpression( '/^module: (yes|no)$/m', $err );
		if ( !str_contains( $err, 'module: ' . ( $module ? 'yes' : 'no' ) ) ) {
			// Asked for without it, but PHP's own ini files load it.
			$this->markTestSkipped( 'the native module is installed system-wide' );
		}
		return [ $code, $out . ( $code === 0 ? '' : "\n$err" ) ];
	}

	/** The -d extension=... arguments this process was started with, from /proc. */
	private static function moduleArguments(): ?array {
		if ( !is_readable( '/proc/self/cmdline' ) ) {
			return null;
		}
		$args = explode( "\0", (string)file_get_contents( '/proc/self/cmdline' ) );
		foreach ( $args as $i => $arg ) {
			$setting = $arg === '-d' ? ( $args[$i + 1] ?? '' ) : ( str_starts_with( $arg, '-d' ) ? substr( $arg, 2 ) : '' );
			if ( preg_match( '/^extension\s*=\s*(.*mws_token_authenticator.*)$/', $setting, $m ) ) {
				return [ '-d', 'extension=' . trim( $m[1], '"\'' ) ];
			}
		}
		return null;
	}

	/**
	 * @return array Per header, the provider metadata of its session, or null
	 */
	private function provide( string $entryPoint, array $authorizations, bool $module ): array {
		[ $code, $out ] = $this->runFixture( $entryPoint, $authorizations, $module );
		$this->assertSame( 0, $code, $out );
		$result = json_decode( $out, true );
		$this->assertIsArray( $result, $out );
		return array_combine( $authorizations, $result['infos'] );
	}

	public function testOnlyApiAndRestTakeServiceCredentials(): void {
		$headers = [ 'ApiKey', 'ApiKey some-secret-0123456789', 'AppToken x', 'NetworkSession x', 'NetworkSession' ];
		$none = array_fill_keys( $headers, null );
		foreach ( [ 'index', 'cli', 'load', 'unknown' ] as $entryPoint ) {
			$this->assertSame( $none, $this->provide( $entryPoint, $headers, false ), $entryPoint );
		}
		// The same requests on api.php are ours.
		$this->assertNotContains( null, $this->provide( 'api', $headers, false ) );
	}

	public function testWithoutTheModuleApiRefusesWithAServerError(): void {
		$refused = [ 'kind' => 'failed', 'error' => [ NativeModule::MESSAGE_KEY, 503, [] ] ];
		$this->assertSame( [
			'ApiKey some-secret-0123456789' => $refused,
			'ApiKey' => $refused,
			'AppToken x' => $refused,
			'NetworkSession x' => $refused,
			// Other schemes stay someone else's.
			'Bearer x' => null,
		], $this->provide( 'api', [ 'ApiKey some-secret-0123456789', 'ApiKey', 'AppToken x', 'NetworkSession x', 'Bearer x' ],
			false ) );
	}

	public function testRestRefusalsAreAnsweredBeforeTheRouter(): void {
		// rest.php: the answer is written and the process ends, in the REST
		// API's error shape (headers are not observable on the command line).
		[ $code, $out ] = $this->runFixture( 'rest', [ 'ApiKey two words' ], true );
		$this->assertSame( 0, $code, $out );
		$body = json_decode( $out, true );
		$this->assertSame( [ 'tokenauthenticator-error-malformed-header', 401, 'Unauthorized' ],
			[ $body['errorKey'] ?? null, $body['httpCode'] ?? null, $body['httpReason'] ?? null ], $out );
		$this->assertStringContainsString( 'malformed', $body['message'] );
		[ $code, $out ] = $this->runFixture( 'rest', [ 'ApiKey two words' ], false );
		$this->assertSame( 1, $code, $out );
		$this->assertSame( NativeModule::MESSAGE_KEY, json_decode( strtok( $out, "\n" ), true )['errorKey'] ?? null, $out );
	}
}
