<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\ServiceKey\AccessPolicy;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKey;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * The REST side of a service key's allow-lists: paths and prefixes compared
 * by whole decoded segments, never by characters, and never through "." or
 * "..". (The Action API side, deniedApiModule(), needs MediaWiki's API
 * modules: integration/ServiceKey/AccessPolicyApiModulesTest.php.)
 */
class AccessPolicyTest extends TestCase {
	private const VERIFY = '/mws/v1/user-token/verify';

	/**
	 * @param string[] $restPaths
	 * @param bool $appTokens
	 * @return ServiceKey
	 */
	private static function key( array $restPaths, bool $appTokens = false ): ServiceKey {
		return new ServiceKey( 'test', 'Bot', str_repeat( '0', 64 ), [ '127.0.0.1' ], [], $restPaths, null,
			$appTokens, null );
	}

	public static function provideSegments(): array {
		return [
			'empty' => [ '', [] ],
			'root' => [ '/', [] ],
			'only slashes' => [ '///', [] ],
			'plain' => [ '/mws/v1/x', [ 'mws', 'v1', 'x' ] ],
			'no leading slash' => [ 'mws/v1', [ 'mws', 'v1' ] ],
			'trailing slashes' => [ '/mws/v1///', [ 'mws', 'v1' ] ],
			'empty segments inside are kept' => [ '//a//b', [ 'a', '', 'b' ] ],
			'decoded once' => [ '/a%20b/%2525', [ 'a b', '%25' ] ],
			'plus is no space' => [ '/a+b', [ 'a+b' ] ],
			'an encoded slash stays inside its segment' => [ '/a%2Fb/c%2f', [ 'a/b', 'c/' ] ],
			'case is kept' => [ '/MWS/V1', [ 'MWS', 'V1' ] ],
			'three dots are a name' => [ '/a/...', [ 'a', '...' ] ],
			'dot-like names' => [ '/a/.b/..c', [ 'a', '.b', '..c' ] ],
			'dot' => [ '/a/./b', null ],
			'trailing dot' => [ '/a/.', null ],
			'dot dot' => [ '/a/../b', null ],
			'leading dot dot' => [ '../a', null ],
			'encoded dot dot' => [ '/a/%2e%2E/b', null ],
			'half encoded dot dot' => [ '/a/.%2e', null ],
			'encoded dot' => [ '/a/%2E', null ],
			'doubly encoded dot dot is a name' => [ '/a/%252e%252e', [ 'a', '%2e%2e' ] ],
		];
	}

	/**
	 * @dataProvider provideSegments
	 */
	#[DataProvider( 'provideSegments' )]
	public function testSegments( string $path, ?array $segments ): void {
		$this->assertSame( $segments, AccessPolicy::segments( $path ) );
	}

	public static function provideAllowedPaths(): array {
		return [
			'the prefix itself' => [ self::VERIFY ],
			'with a trailing slash' => [ self::VERIFY . '/' ],
			'a path below it' => [ self::VERIFY . '/abc' ],
			'deeper' => [ self::VERIFY . '/a/b/c' ],
			'an encoded slash below it' => [ self::VERIFY . '/a%2Fb' ],
			'the same segments, percent-encoded' => [ '/mws/v1/user%2Dtoken/%76erify/x' ],
			'an empty segment below it' => [ self::VERIFY . '//x' ],
		];
	}

	/**
	 * @dataProvider provideAllowedPaths
	 */
	#[DataProvider( 'provideAllowedPaths' )]
	public function testAPrefixAllowsItselfAndWhatIsBelowIt( string $path ): void {
		$this->assertTrue( AccessPolicy::allowsRestPath( self::key( [ self::VERIFY ] ), $path ) );
	}

	public static function provideDeniedPaths(): array {
		return [
			'a longer last segment' => [ self::VERIFY . 'X' ],
			'a longer last segment, encoded slash' => [ '/mws/v1/user-token/verify%2Fx' ],
			'the parent' => [ '/mws/v1/user-token' ],
			'a sibling' => [ '/mws/v1/user-token/generate' ],
			'up and back down' => [ self::VERIFY . '/../generate' ],
			'up, encoded' => [ self::VERIFY . '/%2e%2e/x' ],
			'a dot segment' => [ self::VERIFY . '/./x' ],
			'up at the end' => [ self::VERIFY . '/..' ],
			'other case' => [ '/MWS/v1/user-token/verify' ],
			'other case, last segment' => [ '/mws/v1/user-token/Verify' ],
			'empty' => [ '' ],
			'root' => [ '/' ],
			'an empty segment inside' => [ '/mws/v1//user-token/verify' ],
			'slashes encoded' => [ '/mws%2Fv1%2Fuser-token%2Fverify' ],
			'the app-token route without appTokens' => [ AccessPolicy::APP_TOKEN_ROUTE ],
		];
	}

	/**
	 * @dataProvider provideDeniedPaths
	 */
	#[DataProvider( 'provideDeniedPaths' )]
	public function testWhatThePrefixDoesNotCoverIsDenied( string $path ): void {
		$this->assertFalse( AccessPolicy::allowsRestPath( self::key( [ self::VERIFY ] ), $path ) );
	}

	public function testAPrefixMatchesWholeSegmentsOnly(): void {
		// "/mws/v1/user" is a prefix of the string "/mws/v1/user-token/...", not of its segments.
		$key = self::key( [ '/mws/v1/user' ] );
		$this->assertFalse( AccessPolicy::allowsRestPath( $key, self::VERIFY ) );
		$this->assertTrue( AccessPolicy::allowsRestPath( $key, '/mws/v1/user/x' ) );
		// A prefix with a trailing slash or without the leading one means the same.
		foreach ( [ '/mws/v1/user-token/', 'mws/v1/user-token', '/mws/v1/user-token///' ] as $prefix ) {
			$this->assertTrue( AccessPolicy::allowsRestPath( self::key( [ $prefix ] ), self::VERIFY ), $prefix );
			$this->assertFalse( AccessPolicy::allowsRestPath( self::key( [ $prefix ] ), '/mws/v1/user-tokens' ), $prefix );
		}
		// An encoded slash in a prefix is part of a segment, not a separator.
		$this->assertFalse( AccessPolicy::allowsRestPath( self::key( [ '/mws%2Fv1' ] ), '/mws/v1/x' ) );
		$this->assertTrue( AccessPolicy::allowsRestPath( self::key( [ '/mws%2Fv1' ] ), '/mws%2fv1/x' ) );
	}

	public function testPrefixesThatWouldAllowEverythingAllowNothing(): void {
		foreach ( [ [], [ '' ], [ '/' ], [ '//' ], [ '/..' ], [ '/mws/v1/user-token/verify/..' ], [ '/./mws' ] ] as $paths ) {
			$key = self::key( $paths );
			foreach ( [ self::VERIFY, '/', '', '/mws', '/x/y' ] as $path ) {
				$this->assertFalse( AccessPolicy::allowsRestPath( $key, $path ), json_encode( $paths ) . " $path" );
			}
		}
		// A bad entry next to a good one spoils nothing.
		$key = self::key( [ '', '/..', self::VERIFY ] );
		$this->assertTrue( AccessPolicy::allowsRestPath( $key, self::VERIFY ) );
		$this->assertFalse( AccessPolicy::allowsRestPath( $key, '/mws/v1/app-token/verify' ) );
	}

	public function testAnyOfSeveralPrefixes(): void {
		$key = self::key( [ '/mws/v1/app-token/verify', self::VERIFY ] );
		$this->assertTrue( AccessPolicy::allowsRestPath( $key, '/mws/v1/app-token/verify' ) );
		$this->assertTrue( AccessPolicy::allowsRestPath( $key, self::VERIFY . '/t' ) );
		$this->assertFalse( AccessPolicy::allowsRestPath( $key, '/mws/v1/app-token/generate' ) );
	}

	public function testAppTokensAllowTheGenerateRouteOnly(): void {
		$key = self::key( [], true );
		foreach ( [ AccessPolicy::APP_TOKEN_ROUTE, AccessPolicy::APP_TOKEN_ROUTE . '/', '/mws/v1/app-token/gener%61te' ] as $path ) {
			$this->assertTrue( AccessPolicy::allowsRestPath( $key, $path ), $path );
		}
		foreach ( [ AccessPolicy::APP_TOKEN_ROUTE . '/x', AccessPolicy::APP_TOKEN_ROUTE . 'X', '/mws/v1/app-token',
			'/mws/v1/app-token/verify', self::VERIFY, AccessPolicy::APP_TOKEN_ROUTE . '/../../user-token/verify',
			'/mws/v1/app-token/Generate', '', '/' ] as $path
		) {
			$this->assertFalse( AccessPolicy::allowsRestPath( $key, $path ), $path );
		}
		// Its own prefixes still count next to it.
		$this->assertTrue( AccessPolicy::allowsRestPath( self::key( [ self::VERIFY ], true ), self::VERIFY . '/t' ) );
	}

	public static function provideLists(): array {
		$verify = [ self::VERIFY ];
		return [
			'listed' => [ $verify, self::VERIFY, true ],
			'listed, trailing slash on the path' => [ $verify, self::VERIFY . '/', true ],
			'listed with a trailing slash' => [ [ self::VERIFY . '/' ], self::VERIFY, true ],
			'listed, encoded' => [ [ '/mws/v1/user%2Dtoken/verify' ], self::VERIFY, true ],
			'among others' => [ [ '/a', self::VERIFY, '/b' ], self::VERIFY, true ],
			'below a listed prefix is not listed' => [ $verify, self::VERIFY . '/x', false ],
			'a listed path below it is not it' => [ [ self::VERIFY . '/x' ], self::VERIFY, false ],
			'a longer last segment' => [ $verify, self::VERIFY . 'X', false ],
			'a shorter last segment' => [ [ self::VERIFY . 'X' ], self::VERIFY, false ],
			'other case' => [ [ '/MWS/v1/user-token/verify' ], self::VERIFY, false ],
			'empty list' => [ [], self::VERIFY, false ],
			'empty list, empty path' => [ [], '', false ],
			'dot dot on both sides' => [ [ '/a/..' ], '/a/..', false ],
			'dot dot in the path' => [ [ '/a' ], '/a/b/..', false ],
			'dot dot in the entry' => [ [ '/a/b/..' ], '/a', false ],
		];
	}

	/**
	 * @dataProvider provideLists
	 */
	#[DataProvider( 'provideLists' )]
	public function testLists( array $prefixes, string $path, bool $listed ): void {
		$this->assertSame( $listed, AccessPolicy::lists( $prefixes, $path ) );
	}

	public function testTheAppTokenRouteIsTheGenerateRoute(): void {
		// The shorthand's recipe lists this route (ConfiguredServiceKeys), and
		// the route file serves it: a typo in either would make appTokens dead.
		$this->assertSame( [ 'mws', 'v1', 'app-token', 'generate' ], AccessPolicy::segments( AccessPolicy::APP_TOKEN_ROUTE ) );
		$routes = json_decode( file_get_contents( dirname( __DIR__, 4 ) . '/rest-routes.json' ), true );
		$this->assertContains( AccessPolicy::APP_TOKEN_ROUTE, array_column( $routes, 'path' ) );
	}
}
