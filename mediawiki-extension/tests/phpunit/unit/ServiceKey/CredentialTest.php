<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionUsers;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\Credential;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;

/**
 * How an Authorization header becomes a credential of ours, or not.
 */
class CredentialTest extends TestCase {
	private const SCHEMES = [ 'apikey', 'apptoken' ];

	public static function provideHeaders(): array {
		return [
			'ApiKey' => [ 'ApiKey s3cret-0123456789', 'apikey', 's3cret-0123456789' ],
			'any case, tab' => [ "aPPtOKEN\tabc_-.~+/=", 'apptoken', 'abc_-.~+/=' ],
			'trailing blanks' => [ "ApiKey abc \t", 'apikey', 'abc' ],
			'leading blanks' => [ '  ApiKey abc', 'apikey', 'abc' ],
			'no secret' => [ 'ApiKey', 'apikey', null ],
			'only blanks' => [ 'ApiKey   ', 'apikey', null ],
			'two words' => [ 'ApiKey abc def', 'apikey', null ],
			'not visible ASCII' => [ "ApiKey ab\x01c", 'apikey', null ],
			'UTF-8' => [ 'ApiKey äbc', 'apikey', null ],
			'too long' => [ 'ApiKey ' . str_repeat( 'a', 4097 ), 'apikey', null ],
		];
	}

	/**
	 * @dataProvider provideHeaders
	 */
	#[DataProvider( 'provideHeaders' )]
	public function testOurSchemes( string $header, string $scheme, ?string $secret ): void {
		$credential = Credential::parse( $header, self::SCHEMES );
		$this->assertNotNull( $credential );
		$this->assertSame( $scheme, $credential->scheme );
		$this->assertSame( $secret, $credential->secret );
	}

	public function testOtherSchemesAreNotOurs(): void {
		foreach ( [ 'Bearer abc', 'Basic YWJj', 'ApiKeys abc', 'Api Key abc', '', ' ', 'NetworkSession abc' ] as $header ) {
			$this->assertNull( Credential::parse( $header, self::SCHEMES ), $header );
		}
	}

	public function testNetworkSessionTokensAreReadAsNetworkSessionReadsThem(): void {
		// The scheme in any case, one space, then the rest as it is.
		$this->assertSame( '@ryoEdR7p^lG1E&mMsO0tZn3Q6I&r03s',
			NetworkSessionUsers::tokenOf( 'NetworkSession @ryoEdR7p^lG1E&mMsO0tZn3Q6I&r03s' ) );
		$this->assertSame( 'a b ', NetworkSessionUsers::tokenOf( 'networksession a b ' ) );
		$this->assertSame( '', NetworkSessionUsers::tokenOf( 'NETWORKSESSION ' ) );
		$this->assertNull( NetworkSessionUsers::tokenOf( 'NetworkSession' ) );
		$this->assertNull( NetworkSessionUsers::tokenOf( ' NetworkSession abc' ) );
		$this->assertNull( NetworkSessionUsers::tokenOf( 'ApiKey abc' ) );
	}
}
