<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\ServiceKey;

use HashConfig;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\AccessPolicy;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ConfiguredServiceKeys;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceKeyLookup;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;
use Psr\Log\AbstractLogger;

/**
 * Reading the service principals: the mwstake shorthand with the
 * reference's meanings, the list, and every configuration error named.
 */
class ServiceKeyLookupTest extends TestCase {
	private const SECRET = 'a-secret-of-enough-length';

	/** @var string[] */
	private array $warnings = [];

	private function lookup( array $settings ): ServiceKeyLookup {
		$defaults = [
			'TokenAuthenticatorServiceToken' => null,
			'TokenAuthenticatorServiceCIDR' => false,
			'TokenAuthenticatorServiceAllowedAPIModules' => [],
			'TokenAuthenticatorServiceAllowedRestPaths' => [],
			'TokenAuthenticatorServiceUser' => 'ChatBot service user',
			'TokenAuthenticatorServiceTokens' => [],
		];
		$logger = new class( $this->warnings ) extends AbstractLogger {
			private array $sink;

			public function __construct( array &$sink ) {
				$this->sink = &$sink;
			}

			public function log( $level, $message, array $context = [] ): void {
				$this->sink[] = (string)$message;
			}
		};
		return new ServiceKeyLookup( new ConfiguredServiceKeys(
			new ServiceOptions( ConfiguredServiceKeys::CONSTRUCTOR_OPTIONS, new HashConfig( $settings + $defaults ) ),
			$logger
		) );
	}

	private function shorthand( $cidr ): ServiceKeyLookup {
		return $this->lookup( [ 'TokenAuthenticatorServiceToken' => self::SECRET, 'TokenAuthenticatorServiceCIDR' => $cidr ] );
	}

	/**
	 * The MCP component's recipe: allowing the generate route is what lets
	 * the reference's key mint app tokens. A list entry says it with appTokens.
	 */
	public function testTheShorthandMintsAppTokensWhenTheGenerateRouteIsAllowed(): void {
		$key = fn ( array $paths ) => $this->lookup( [
			'TokenAuthenticatorServiceToken' => self::SECRET,
			'TokenAuthenticatorServiceAllowedRestPaths' => $paths,
		] )->match( mws_ta_sha256( self::SECRET ) );
		$this->assertFalse( $key( [] )->appTokens );
		$this->assertFalse( $key( [ '/mws/v1/app-token/verify', '/mws/v1/app-token/generateX' ] )->appTokens );
		$this->assertTrue( $key( [ '/mws/v1/app-token/verify', '/mws/v1/app-token/generate' ] )->appTokens );
		$this->assertTrue( $key( [ '/mws/v1/app-token/generate/' ] )->appTokens );
		// Not by a broader prefix: the reference's recipes list the route.
		$this->assertFalse( $key( [ '/mws/v1/app-token' ] )->appTokens );
		$this->assertFalse( $key( [ '/mws' ] )->appTokens );
		$listed = $this->lookup( [ 'TokenAuthenticatorServiceTokens' => [
			[ 'user' => 'A bot', 'token' => self::SECRET, 'restPaths' => [ '/mws/v1/app-token/generate' ] ],
		] ] )->match( mws_ta_sha256( self::SECRET ) );
		$this->assertFalse( $listed->appTokens );
	}

	public function testTheShorthandCidrMeansWhatTheReferenceMeant(): void {
		// Unset (extension.json's false): loopback only.
		$p = $this->shorthand( false )->match( mws_ta_sha256( self::SECRET ) );
		$this->assertTrue( $p->allowsAddress( '127.0.0.1' ) && $p->allowsAddress( '::1' ) );
		$this->assertFalse( $p->allowsAddress( '10.0.0.1' ) );
		$this->assertTrue( $p->isLoopbackOnly() );
		// A list: exactly that list, loopback not added.
		$p = $this->shorthand( [ '10.0.0.0/8' ] )->match( mws_ta_sha256( self::SECRET ) );
		$this->assertTrue( $p->allowsAddress( '10.1.2.3' ) );
		$this->assertFalse( $p->allowsAddress( '127.0.0.1' ) );
		$this->assertSame( [], $this->warnings );
		// '' and null: any address, with one warning.
		foreach ( [ '', null ] as $any ) {
			$p = $this->shorthand( $any )->match( mws_ta_sha256( self::SECRET ) );
			$this->assertTrue( $p->allowsAddress( '203.0.113.7' ) && $p->allowsAddress( '2001:db8::1' ) );
		}
		$this->assertCount( 1, $this->warnings );
		$this->assertStringContainsString( 'accepted from any address', $this->warnings[0] );
	}

	public function testSecretsMatchByHashAndRotateByName(): void {
		$lookup = $this->lookup( [ 'TokenAuthenticatorServiceTokens' => [
			[ 'name' => 'old', 'user' => 'Bot', 'token' => self::SECRET ],
			[ 'name' => 'new', 'user' => 'Bot', 'tokenHash' => strtoupper( hash( 'sha256', 'another-secret-0123' ) ) ],
		] ] );
		$this->assertSame( 'old', $lookup->match( mws_ta_sha256( self::SECRET ) )->id );
		$this->assertSame( 'new', $lookup->match( mws_ta_sha256( 'another-secret-0123' ) )->id );
		$this->assertNull( $lookup->match( mws_ta_sha256( 'wrong-secret-0123456' ) ) );
		$this->assertSame( 'new', $lookup->get( 'new' )->id );
		$this->assertNull( $lookup->get( 'missing' ) );
	}

	public static function provideBadConfigurations(): array {
		$secret = [ 'user' => 'Bot', 'token' => self::SECRET ];
		return [
			'not a list' => [ 'nope', '$mwsgTokenAuthenticatorServiceTokens must be a list' ],
			'not an array' => [ [ 'x' ], '[0] must be an array' ],
			'unknown key' => [ [ $secret + [ 'cidrs' => [] ] ], 'unknown keys: cidrs' ],
			'no user' => [ [ [ 'token' => self::SECRET ] ], 'has no "user"' ],
			'both secrets' => [ [ $secret + [ 'tokenHash' => str_repeat( 'a', 64 ) ] ], 'has both "token" and "tokenHash"' ],
			'bad hash' => [ [ [ 'user' => 'Bot', 'tokenHash' => 'abc' ] ], '"tokenHash" must be 64 hex' ],
			'short secret' => [ [ [ 'user' => 'Bot', 'token' => 'short' ] ], 'shorter than 16' ],
			'no secret' => [ [ [ 'user' => 'Bot' ] ], 'has no "tokenHash" or "token"' ],
			'bad range' => [ [ $secret + [ 'cidr' => [ '10.0.0.0/33' ] ] ], '"cidr": IP range entry #0' ],
			'appTokens not a bool' => [ [ $secret + [ 'appTokens' => 'yes' ] ], '"appTokens" must be true or false' ],
			'bad expiry' => [ [ $secret + [ 'expires' => 'soon' ] ], '"expires" is not a timestamp' ],
			'list of non-strings' => [ [ $secret + [ 'rights' => [ 1 ] ] ], '"rights" must be a list of non-empty strings' ],
			'one secret twice' => [ [ $secret + [ 'name' => 'a' ], $secret + [ 'name' => 'b' ] ], 'has the same secret as' ],
			'one name twice' => [ [ $secret + [ 'name' => 'a' ], [ 'user' => 'C', 'token' => 'other-secret-012345', 'name' => 'a' ] ],
				'has the name "a" of another principal' ],
		];
	}

	/**
	 * @dataProvider provideBadConfigurations
	 */
	#[DataProvider( 'provideBadConfigurations' )]
	public function testEveryConfigurationErrorNamesTheSetting( $list, string $says ): void {
		$lookup = $this->lookup( [ 'TokenAuthenticatorServiceTokens' => $list ] );
		try {
			$lookup->configured();
			$this->fail( 'accepted' );
		} catch ( InvalidSettingException $e ) {
			$this->assertStringContainsString( $says, $e->getMessage() );
			$this->assertSame( 'tokenauthenticator-error-config', $e->getMessageKey() );
			$this->assertStringStartsWith( '$mwsgTokenAuthenticatorServiceTokens', $e->getMessageParams()[0] );
		}
		// The error stays: every later call fails the same way.
		$this->expectException( InvalidSettingException::class );
		$lookup->match( mws_ta_sha256( self::SECRET ) );
	}

	public function testRestPathsMatchWholeSegments(): void {
		$p = $this->lookup( [ 'TokenAuthenticatorServiceTokens' => [
			[ 'user' => 'Bot', 'token' => self::SECRET, 'restPaths' => [ '/mws/v1/user-token/verify' ] ],
		] ] )->match( mws_ta_sha256( self::SECRET ) );
		foreach ( [ '/mws/v1/user-token/verify', '/mws/v1/user-token/verify/', '/mws/v1/user-token/verify/abc',
			'/mws/v1/user-token/verify/a%2Fb' ] as $path
		) {
			$this->assertTrue( AccessPolicy::allowsRestPath( $p, $path ), $path );
		}
		foreach ( [ '/mws/v1/user-token/verifyX', '/mws/v1/user-token', '/mws/v1/user-token/verify/../generate',
			'/mws/v1/user-token/verify/%2e%2e/x', '', '/', '/mws/v1/app-token/generate' ] as $path
		) {
			$this->assertFalse( AccessPolicy::allowsRestPath( $p, $path ), $path );
		}
		$apps = $this->lookup( [ 'TokenAuthenticatorServiceTokens' => [
			[ 'user' => 'Bot', 'token' => self::SECRET, 'appTokens' => true ],
		] ] )->match( mws_ta_sha256( self::SECRET ) );
		$this->assertTrue( AccessPolicy::allowsRestPath( $apps, AccessPolicy::APP_TOKEN_ROUTE ) );
	}
}
