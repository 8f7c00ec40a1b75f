<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Unit\Setup;

use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use PHPUnit\Framework\TestCase;

/**
 * The text a wiki without the native module shows and logs, and where it
 * sends the admin.
 */
class NativeModuleTest extends TestCase {
	/** The repository: mediawiki-extension/tests/phpunit/unit/Setup is five levels below it. */
	private static function repo(): string {
		return dirname( __DIR__, 5 );
	}

	public function testTheLogTextIsTheMessageOfThePages(): void {
		// missingMessage() serves before MediaWiki's message system exists;
		// pages and answers use the i18n message: both must say the same.
		$en = json_decode( file_get_contents( self::repo() . '/mediawiki-extension/i18n/en.json' ), true );
		$this->assertSame( $en[NativeModule::MESSAGE_KEY], NativeModule::missingMessage() );
	}

	public function testTheMessageNamesTheModuleAndAReadmeSectionThatExists(): void {
		$message = NativeModule::missingMessage();
		$this->assertStringContainsString( '"mws_token_authenticator" is not loaded', $message );
		$this->assertStringContainsString( 'README.md, section "' . NativeModule::README_SECTION . '"', $message );
		$readme = file_get_contents( self::repo() . '/README.md' );
		$this->assertMatchesRegularExpression(
			'/^#+ ' . preg_quote( NativeModule::README_SECTION, '/' ) . '$/m', $readme );
	}

	public function testTheModuleIsFoundByItsName(): void {
		// The unit tests run with the module (bootstrap.php): a wrong NAME
		// would take every wiki for one without it.
		$this->assertTrue( NativeModule::isLoaded() );
	}
}
