<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit;

use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Jwt\JwtLogin;
use MediaWiki\Extension\TokenAuthenticator\Jwt\KeySet;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\Registration;
use PHPUnit\Framework\TestCase;

/**
 * Small rules of the PHP side: JWT fields and claims, names, Vary, error answers.
 */
class RulesTest extends TestCase {
	public function testBearerFieldsAsJWTAuthReadsThem(): void {
		$fields = [ 'Bearer: a.b.c', 'Bearer a.b.c', 'Bearer:a.b.c', 'bearer:  a.b.c ', " Bearer a.b\n.c", 'BEARER a.b.c' ];
		foreach ( $fields as $field ) {
			$this->assertSame( 'a.b.c', JwtLogin::bearer( $field ), $field );
		}
		foreach ( [ '', 'Bearer', 'Bearer:', 'Bearer   ', 'Bearera.b.c', 'Basic a.b.c', 'a.b.c' ] as $field ) {
			$this->assertNull( JwtLogin::bearer( $field ), $field );
		}
	}

	public function testKeySetFreshnessIsTheMaxAgeWithinBounds(): void {
		$this->assertSame( 3600, KeySet::freshFor( 'public, max-age=3600, must-revalidate' ) );
		$this->assertSame( 3600, KeySet::freshFor( 'MAX-AGE="3600"' ) );
		$this->assertSame( KeySet::MIN_AGE, KeySet::freshFor( 'max-age=10' ) );
		$this->assertSame( KeySet::MIN_AGE, KeySet::freshFor( null ) );
		$this->assertSame( KeySet::MIN_AGE, KeySet::freshFor( 'no-store' ) );
		$this->assertSame( KeySet::MIN_AGE, KeySet::freshFor( 's-maxage=7200' ) );
		$this->assertSame( KeySet::MAX_AGE, KeySet::freshFor( 'max-age=99999999999999' ) );
	}

	public function testKeySetUrlsAreHttpsOrLoopback(): void {
		foreach ( [ 'https://idp.example.org/jwks', 'HTTPS://idp.example.org', 'http://127.0.0.1:8080/jwks.json',
			'http://127.9.9.9/', 'http://[::1]:80/x', 'http://localhost/jwks' ] as $url
		) {
			$this->assertTrue( KeySet::isAllowedUrl( $url ), $url );
		}
		foreach ( [ 'http://idp.example.org/jwks', 'http://10.0.0.1/', 'http://[::2]/', 'ftp://idp.example.org/',
			'file:///etc/passwd', 'https://user:pw@idp.example.org/', 'http://127.0.0.1.example.org/', '//x', '' ] as $url
		) {
			$this->assertFalse( KeySet::isAllowedUrl( $url ), $url );
		}
	}

	public function testLookAlikeNames(): void {
		$this->assertTrue( JwtLogin::mixesScripts( "\u{0410}dmin" ) );
		$this->assertTrue( JwtLogin::mixesScripts( "Ad\u{03BC}in" ) );
		foreach ( [ 'Admin', "\u{0410}\u{043b}\u{0438}\u{0441}\u{0430}", 'Jdoe@example.org', 'Ünal 2', '山田' ] as $name ) {
			$this->assertFalse( JwtLogin::mixesScripts( $name ), $name );
		}
	}

	public function testGroupsClaims(): void {
		$this->assertSame( [ 'a', 'b' ], JwtLogin::claimedGroups( [ 'groups' => ' a, b ,, ' ] ) );
		$this->assertSame( [ 'a', 'b' ], JwtLogin::claimedGroups( [ 'groups' => [ 'a', ' b', '', 3, null ] ] ) );
		$this->assertSame( [ 'x' ], JwtLogin::claimedGroups( [ 'roles' => 'x', 'groups' => 'y' ], 'roles' ) );
		$this->assertSame( [], JwtLogin::claimedGroups( [] ) );
		$this->assertSame( [], JwtLogin::claimedGroups( [ 'groups' => 7 ] ) );
	}

	public function testVaryKeepsWhatWasSentAndAddsAuthorizationOnce(): void {
		$this->assertSame( 'Authorization', Registration::varyValue( [ 'Content-Type: text/html' ] ) );
		$this->assertSame( 'Accept-Encoding, Cookie, Authorization',
			Registration::varyValue( [ 'Vary: Accept-Encoding, Cookie', 'X-Other: 1' ] ) );
		$this->assertSame( 'Origin, authorization', Registration::varyValue( [ 'vary: Origin, authorization' ] ) );
		$this->assertSame( 'A, B, Authorization', Registration::varyValue( [ 'Vary: A', 'Vary: B, a' ] ) );
	}

	public function testErrorAnswers(): void {
		$this->assertSame( [ 'Cache-Control' => 'no-store, private' ], ErrorAnswer::headers( 403, 'ApiKey realm="x"' ) );
		$this->assertSame( [ 'Cache-Control' => 'no-store, private', 'WWW-Authenticate' => 'ApiKey realm="x"' ],
			ErrorAnswer::headers( 401, 'ApiKey realm="x"' ) );
		$this->assertSame( '10', ErrorAnswer::headers( 503 )['Retry-After'] );
		$this->assertSame(
			[ 'message' => 'No.', 'errorKey' => 'k', 'httpCode' => 429, 'httpReason' => 'Too Many Requests' ],
			ErrorAnswer::restBody( 429, 'k', 'No.' )
		);
		$this->assertSame( 'Error', ErrorAnswer::reason( 418 ) );
	}

	public function testMetricReasonsNameRealMessagesAndFallBackByStatus(): void {
		$messages = json_decode( file_get_contents( __DIR__ . '/../../../i18n/en.json' ), true );
		foreach ( Metrics::REASONS as $key => $reason ) {
			$this->assertArrayHasKey( $key, $messages, "a refusal that no answer gives: $key" );
			$this->assertSame( $reason, Metrics::reason( $key, 401 ) );
		}
		$this->assertSame( Metrics::MISCONFIGURED, Metrics::reason( 'tokenauthenticator-error-no-salt', 500 ) );
		$this->assertSame( Metrics::DENIED, Metrics::reason( 'tokenauthenticator-error-apptoken-not-allowed', 403 ) );
		$this->assertSame( Metrics::INVALID, Metrics::reason( 'tokenauthenticator-error-anything-else', 401 ) );
	}
}
