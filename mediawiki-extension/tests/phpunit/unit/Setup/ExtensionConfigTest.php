<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\Setup;

use ConfigException;
use MediaWiki\Extension\TokenAuthenticator\Setup\ExtensionConfig;
use MediaWiki\Extension\TokenAuthenticator\Setup\Settings;
use PHPUnit\Framework\TestCase;

/**
 * How a $mwsg… global and its default become a setting's value.
 */
class ExtensionConfigTest extends TestCase {
	private const GROUPS = 'mwsgTokenAuthenticatorAppTokenGroups';
	private const CIDR = 'mwsgTokenAuthenticatorServiceCIDR';

	protected function tearDown(): void {
		unset( $GLOBALS[self::GROUPS], $GLOBALS[self::CIDR] );
	}

	public function testUnsetGivesTheDefault(): void {
		$config = ExtensionConfig::newInstance();
		$this->assertSame( [ 'sysop' ], $config->get( 'TokenAuthenticatorAppTokenGroups' ) );
		$this->assertFalse( $config->get( 'TokenAuthenticatorServiceCIDR' ) );
		$this->assertSame( 30, $config->get( 'TokenAuthenticatorUserTokenTTL' ) );
	}

	public function testAnArrayReplacesTheDefaultArray(): void {
		$GLOBALS[self::GROUPS] = [ 'bot' ];
		$this->assertSame( [ 'bot' ], ExtensionConfig::newInstance()->get( 'TokenAuthenticatorAppTokenGroups' ) );
	}

	public function testNullSetOnPurposeIsNotTheDefault(): void {
		// ServiceCIDR: unset means loopback only (false), null means any address.
		$GLOBALS[self::CIDR] = null;
		$this->assertNull( ExtensionConfig::newInstance()->get( 'TokenAuthenticatorServiceCIDR' ) );
	}

	public function testAValueSetAfterTheFirstReadCounts(): void {
		$config = ExtensionConfig::newInstance();
		$this->assertFalse( $config->get( 'TokenAuthenticatorServiceCIDR' ) );
		$GLOBALS[self::CIDR] = [ '10.0.0.0/8' ];
		$this->assertSame( [ '10.0.0.0/8' ], $config->get( 'TokenAuthenticatorServiceCIDR' ) );
	}

	public function testUnknownNamesAreRefused(): void {
		$config = ExtensionConfig::newInstance();
		$this->assertFalse( $config->has( 'TokenAuthenticatorNoSuchSetting' ) );
		$this->expectException( ConfigException::class );
		$this->expectExceptionMessage( 'TokenAuthenticatorNoSuchSetting' );
		$config->get( 'TokenAuthenticatorNoSuchSetting' );
	}

	public function testEverySettingHasADescription(): void {
		foreach ( Settings::DEFAULTS as $name => $setting ) {
			$this->assertStringStartsWith( 'TokenAuthenticator', $name );
			$this->assertArrayHasKey( 'value', $setting, $name );
			$this->assertNotSame( '', $setting['description'] ?? '', $name );
		}
	}
}
