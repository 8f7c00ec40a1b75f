<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\Setup;

use MediaWiki\Extension\TokenAuthenticator\Setup\Registration;
use PHPUnit\Framework\TestCase;

/**
 * Registration::merge() writes the table of entry points into core's
 * globals with extension.json's rules: what the admin set wins.
 */
class RegistrationTest extends TestCase {
	private const NAMES = [ 'wgSessionProviders', 'wgAPIModules', 'wgSpecialPages', 'wgRestAPIAdditionalRouteFiles',
		'wgLogTypes', 'wgLogNames', 'wgLogHeaders', 'wgLogActionsHandlers', 'wgLogRestrictions',
		'wgAvailableRights', 'wgGroupPermissions', 'wgRateLimits' ];

	private array $saved = [];

	protected function setUp(): void {
		foreach ( self::NAMES as $name ) {
			if ( array_key_exists( $name, $GLOBALS ) ) {
				$this->saved[$name] = $GLOBALS[$name];
			}
			unset( $GLOBALS[$name] );
		}
	}

	protected function tearDown(): void {
		foreach ( self::NAMES as $name ) {
			unset( $GLOBALS[$name] );
			if ( array_key_exists( $name, $this->saved ) ) {
				$GLOBALS[$name] = $this->saved[$name];
			}
		}
	}

	public function testOnAnEmptyWikiEverythingIsDeclared(): void {
		Registration::merge();
		$this->assertSame( [ 'tokenauth' ], $GLOBALS['wgLogTypes'] );
		$this->assertSame( [ 'tokenauthenticator-viewlog', 'tokenauthenticator-manage', 'tokenauthenticator-personalkeys' ],
			$GLOBALS['wgAvailableRights'] );
		$this->assertTrue( $GLOBALS['wgGroupPermissions']['bureaucrat']['tokenauthenticator-manage'] );
		$this->assertTrue( $GLOBALS['wgGroupPermissions']['user']['tokenauthenticator-personalkeys'] );
		$this->assertSame( [ 'ip' => [ 60, 60 ], 'user' => [ 60, 60 ] ],
			$GLOBALS['wgRateLimits']['tokenauthenticator-sv-fail'] );
		$this->assertSame( [ Registration::ROUTE_FILE ], $GLOBALS['wgRestAPIAdditionalRouteFiles'] );
		$this->assertArrayHasKey( 'TokenAuthenticatorService', $GLOBALS['wgSessionProviders'] );
		$this->assertSame( [ 'JWTLogin', 'ServiceKeys', 'PersonalKeys' ], array_keys( $GLOBALS['wgSpecialPages'] ) );
	}

	public function testWhatTheAdminSetWins(): void {
		$GLOBALS['wgLogTypes'] = [ 'block', 'tokenauth' ];
		$GLOBALS['wgSpecialPages'] = [ 'ServiceKeys' => [ 'class' => 'TheAdminsPage' ] ];
		$GLOBALS['wgGroupPermissions'] = [
			'sysop' => [ 'tokenauthenticator-viewlog' => false, 'block' => true ],
			'bureaucrat' => [ 'userrights' => true ],
		];
		$GLOBALS['wgRateLimits'] = [
			'tokenauthenticator-verify-fail' => [ 'ip' => [ 3, 300 ] ],
			'edit' => [ 'user' => [ 8, 60 ] ],
		];
		$GLOBALS['wgRestAPIAdditionalRouteFiles'] = [ 'other.json' ];

		Registration::merge();
		Registration::merge();

		// Lists gain what they lack, once.
		$this->assertSame( [ 'block', 'tokenauth' ], $GLOBALS['wgLogTypes'] );
		$this->assertSame( [ 'other.json', Registration::ROUTE_FILE ], $GLOBALS['wgRestAPIAdditionalRouteFiles'] );
		// Maps keep the admin's entry.
		$this->assertSame( [ 'class' => 'TheAdminsPage' ], $GLOBALS['wgSpecialPages']['ServiceKeys'] );
		$this->assertArrayHasKey( 'JWTLogin', $GLOBALS['wgSpecialPages'] );
		// Two levels deep for rights and rate limits, as core merges them.
		$this->assertFalse( $GLOBALS['wgGroupPermissions']['sysop']['tokenauthenticator-viewlog'] );
		$this->assertTrue( $GLOBALS['wgGroupPermissions']['sysop']['block'] );
		$this->assertSame( [ 'userrights' => true, 'tokenauthenticator-manage' => true ],
			$GLOBALS['wgGroupPermissions']['bureaucrat'] );
		$this->assertSame( [ 'ip' => [ 3, 300 ], 'user' => [ 60, 60 ] ],
			$GLOBALS['wgRateLimits']['tokenauthenticator-verify-fail'] );
		$this->assertSame( [ 'user' => [ 8, 60 ] ], $GLOBALS['wgRateLimits']['edit'] );
	}
}
