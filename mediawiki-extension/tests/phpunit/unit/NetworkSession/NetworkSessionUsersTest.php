<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\NetworkSession;

use HashConfig;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionUsers;
use PHPUnit\Framework\TestCase;

/**
 * NetworkSession's settings with NetworkSession's meaning.
 */
class NetworkSessionUsersTest extends TestCase {
	private static function users( $users, array $more = [] ): NetworkSessionUsers {
		return new NetworkSessionUsers( new HashConfig( [ NetworkSessionUsers::USERS => $users ] + $more ) );
	}

	public function testMatchesByTokenAndAddress(): void {
		$users = self::users( [
			'bot' => [ 'username' => 'Example bot', 'token' => 'token-a', 'ip_ranges' => [ '127.0.0.1', '10.0.0.0-10.0.0.9' ] ],
			[ 'username' => 'Other bot', 'token' => 'token-b', 'ip_ranges' => [ '192.168.0.0/28' ] ],
		] );
		$this->assertSame( [ true, 'Example bot' ], $users->match( 'token-a', '127.0.0.1' ) );
		$this->assertSame( [ true, 'Example bot' ], $users->match( 'token-a', '10.0.0.9' ) );
		$this->assertSame( [ true, 'Other bot' ], $users->match( 'token-b', '192.168.0.15' ) );
		foreach ( [ [ 'token-a', '10.0.0.10' ], [ 'token-b', '127.0.0.1' ], [ 'token-c', '127.0.0.1' ], [ '', '127.0.0.1' ] ]
			as [ $token, $ip ]
		) {
			$this->assertSame( [ false, 'networksession-no-token-match' ], $users->match( $token, $ip ), "$token $ip" );
		}
	}

	public function testRotationAndAmbiguity(): void {
		$rotating = self::users( [
			[ 'username' => 'Bot', 'token' => 'old', 'ip_ranges' => [ '127.0.0.1' ] ],
			[ 'username' => 'Bot', 'token' => 'new', 'ip_ranges' => [ '127.0.0.1' ] ],
		] );
		$this->assertSame( [ true, 'Bot' ], $rotating->match( 'old', '127.0.0.1' ) );
		$this->assertSame( [ true, 'Bot' ], $rotating->match( 'new', '127.0.0.1' ) );
		$twice = self::users( [
			[ 'username' => 'A', 'token' => 'same', 'ip_ranges' => [ '127.0.0.0/8' ] ],
			[ 'username' => 'B', 'token' => 'same', 'ip_ranges' => [ '127.0.0.1' ] ],
		] );
		$this->assertSame( [ false, 'networksession-invalid-config-multiple-matches' ], $twice->match( 'same', '127.0.0.1' ) );
		$this->assertSame( [ true, 'A' ], $twice->match( 'same', '127.0.0.2' ) );
	}

	public function testInvalidEntriesFailEveryRequest(): void {
		foreach ( [
			'networksession-invalid-config-ip-ranges' => [ [ 'username' => 'A', 'token' => 't' ] ],
			'networksession-invalid-config-token' => [ [ 'username' => 'A', 'ip_ranges' => [] ] ],
			'networksession-invalid-config-token ' => [ [ 'username' => 'A', 'token' => '', 'ip_ranges' => [] ] ],
			'networksession-invalid-config-username' => [ [ 'token' => 't', 'ip_ranges' => [] ] ],
			'networksession-invalid-config-ip-ranges ' => [ [ 'username' => 'A', 'token' => 't', 'ip_ranges' => [ 'localhost' ] ] ],
			'networksession-invalid-config-ip-ranges  ' => 'not a list of entries',
		] as $key => $entries ) {
			$this->assertSame( [ false, trim( $key ) ], self::users( $entries )->match( 't', '127.0.0.1' ), $key );
		}
		// An empty list of ranges matches nothing, as in NetworkSession.
		$this->assertSame( [ false, 'networksession-no-token-match' ],
			self::users( [ [ 'username' => 'A', 'token' => 't', 'ip_ranges' => [] ] ] )->match( 't', '127.0.0.1' ) );
	}

	public function testRightsAndAutocreation(): void {
		$this->assertNull( self::users( [] )->allowedRights() );
		$this->assertSame( [ 'read' ], self::users( [], [ NetworkSessionUsers::RIGHTS => [ 'read' ] ] )->allowedRights() );
		$this->assertFalse( self::users( [] )->canAlwaysAutocreate() );
		$this->assertTrue( self::users( [], [ NetworkSessionUsers::AUTOCREATE => true ] )->canAlwaysAutocreate() );
		$unset = new NetworkSessionUsers( new HashConfig( [] ) );
		$this->assertSame( [ false, 'networksession-no-token-match' ], $unset->match( 't', '::1' ) );
	}
}
