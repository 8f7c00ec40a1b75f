<?php

namespace MediaWiki\Extension\TokenAuthenticator\Tests\Integration\ServiceKey;

use CachedBagOStuff;
use FauxRequest;
use HashBagOStuff;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceSessionProvider;
use MediaWiki\Extension\TokenAuthenticator\Tests\InProcessWiki;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionBackend;
use MediaWiki\Session\SessionId;
use MediaWiki\Session\SessionInfo;
use MediaWiki\Session\SessionManager;
use MediaWiki\Session\SessionProvider;
use MediaWiki\Session\UserInfo;
use PHPUnit\Framework\Attributes\DataProvider;
use PHPUnit\Framework\TestCase;
use Psr\Log\Test\TestLogger;

/**
 * Where an Authorization header becomes a session, or a refusal, on
 * api.php: everything the provider decides before it needs the database.
 * MediaWiki runs in this process with its real session classes, and no
 * database (InProcessWiki): what needs one (the service account, created
 * keys, app tokens, NetworkSession accounts) must fail closed here, and is
 * covered end to end by tests/e2e_service_auth.rs and friends.
 */
class ServiceSessionProviderTest extends TestCase {
	private const FAR_SECRET = 'far-away-secret-0123456789';
	private const OLD_SECRET = 'expired-secret-0123456789';
	private const GOOD_SECRET = 'loopback-secret-0123456789';
	private const NETWORK_TOKEN = 'network-session-token-0123456789';
	private const SETTINGS = [ 'mwsgTokenAuthenticatorServiceTokens', 'wgNetworkSessionProviderUsers',
		'wgNetworkSessionProviderAllowedUserRights', 'wgCdnServers' ];

	private TestLogger $logger;
	private array $saved = [];

	public static function setUpBeforeClass(): void {
		InProcessWiki::setUp();
	}

	protected function setUp(): void {
		if ( MW_ENTRY_POINT !== 'api' ) {
			// MediaWiki's own runner sets up "cli"; rest.php's refusals end the process.
			$this->markTestSkipped( 'needs MediaWiki set up as api.php (tests/phpunit/bootstrap.php)' );
		}
		foreach ( self::SETTINGS as $name ) {
			$this->saved[$name] = $GLOBALS[$name] ?? null;
		}
		$this->saved['_SERVER'] = $_SERVER;
		unset( $_SERVER['HTTPS'], $_SERVER['HTTP_X_FORWARDED_PROTO'] );
		$GLOBALS['mwsgTokenAuthenticatorServiceTokens'] = [
			[ 'name' => 'far', 'user' => 'Far bot', 'token' => self::FAR_SECRET, 'cidr' => [ '10.0.0.0/8' ] ],
			[ 'name' => 'old', 'user' => 'Old bot', 'token' => self::OLD_SECRET, 'expires' => '2020-01-01T00:00:00Z' ],
			[ 'name' => 'good', 'user' => 'Good bot', 'token' => self::GOOD_SECRET, 'rights' => [ 'read', 'writeapi' ] ],
			[ 'name' => 'uncapped', 'user' => 'Good bot', 'token' => 'uncapped-secret-0123456789' ],
		];
		$GLOBALS['wgNetworkSessionProviderUsers'] = [
			[ 'username' => 'Network bot', 'token' => self::NETWORK_TOKEN, 'ip_ranges' => [ '127.0.0.1' ] ],
		];
		$this->logger = new TestLogger();
		InProcessWiki::resetExtensionServices();
	}

	protected function tearDown(): void {
		if ( !$this->saved ) {
			return;
		}
		$_SERVER = $this->saved['_SERVER'];
		foreach ( self::SETTINGS as $name ) {
			if ( $this->saved[$name] === null ) {
				unset( $GLOBALS[$name] );
			} else {
				$GLOBALS[$name] = $this->saved[$name];
			}
		}
		InProcessWiki::resetExtensionServices();
		MediaWikiServices::getInstance()->resetServiceForTesting( 'ProxyLookup' );
	}

	/** A provider as SessionManager makes one, with a logger of the test's. */
	private function provider(): ServiceSessionProvider {
		$services = MediaWikiServices::getInstance();
		$provider = new ServiceSessionProvider();
		$provider->init( $this->logger, $services->getMainConfig(), SessionManager::singleton(),
			$services->getHookContainer(), $services->getUserNameUtils() );
		return $provider;
	}

	private static function request( ?string $authorization, string $ip = '127.0.0.1' ): FauxRequest {
		$request = new FauxRequest();
		if ( $authorization !== null ) {
			$request->setHeader( 'Authorization', $authorization );
		}
		$request->setIP( $ip );
		return $request;
	}

	private function info( ?string $authorization, string $ip = '127.0.0.1' ): ?SessionInfo {
		return $this->provider()->provideSessionInfo( self::request( $authorization, $ip ) );
	}

	/**
	 * A refusal on api.php: a session of ours that no other provider can
	 * outrank, as an anonymous user without rights, carrying the error to
	 * ServiceHooks::onApiBeforeMain.
	 */
	private function assertRefused( ?SessionInfo $info, string $key, int $status, array $params = [] ): void {
		$this->assertNotNull( $info, 'refused, not left to another provider' );
		$this->assertSame( [ 'kind' => ServiceSessionProvider::KIND_FAILED, 'error' => [ $key, $status, $params ] ],
			$info->getProviderMetadata() );
		$this->assertInstanceOf( ServiceSessionProvider::class, $info->getProvider() );
		$this->assertTrue( $info->getUserInfo()->isAnon() );
		$this->assertTrue( $info->forceUse() );
		$this->assertSame( SessionInfo::MAX_PRIORITY, $info->getPriority() );
		$this->assertFalse( $info->wasPersisted() );
	}

	public function testMediaWikiRunsTheProvider(): void {
		// Registration's $wgSessionProviders entry, as the session manager reads it.
		$this->assertInstanceOf( ServiceSessionProvider::class,
			SessionManager::singleton()->getProvider( ServiceSessionProvider::class ) );
	}

	public function testNoAuthorizationHeaderIsNoneOfOurBusiness(): void {
		$this->assertNull( $this->info( null ) );
		$this->assertSame( [], $this->logger->records );
	}

	public static function provideOtherSchemes(): array {
		return [
			'Basic' => [ 'Basic YWJjOmRlZg==' ],
			'Bearer' => [ 'Bearer a.b.c' ],
			'a longer name' => [ 'ApiKeys ' . self::GOOD_SECRET ],
			'two words' => [ 'Api Key ' . self::GOOD_SECRET ],
			'AppToken, longer' => [ 'AppTokens abc' ],
			'NetworkSession, longer' => [ 'NetworkSessionX ' . self::NETWORK_TOKEN ],
			'empty' => [ '' ],
			'blank' => [ " \t" ],
			'not a scheme' => [ '1ApiKey abc' ],
		];
	}

	/**
	 * @dataProvider provideOtherSchemes
	 */
	#[DataProvider( 'provideOtherSchemes' )]
	public function testOtherSchemesAreLeftToOtherProviders( string $header ): void {
		$this->assertNull( $this->info( $header ) );
	}

	public static function provideMalformed(): array {
		return [
			'no secret' => [ 'ApiKey' ],
			'blanks only' => [ "ApiKey \t " ],
			'leading blanks, no secret' => [ "\t ApiKey" ],
			'two words' => [ 'ApiKey ' . self::GOOD_SECRET . ' more' ],
			'a control character' => [ "ApiKey ab\x01cd" ],
			'not ASCII' => [ 'ApiKey äbcdefghijklmnop' ],
			'too long' => [ 'ApiKey ' . str_repeat( 'a', 4097 ) ],
			'AppToken without token' => [ 'AppToken' ],
			'AppToken, two words' => [ 'AppToken abc def' ],
		];
	}

	/**
	 * @dataProvider provideMalformed
	 */
	#[DataProvider( 'provideMalformed' )]
	public function testMalformedCredentialsAreRefusedNotAnonymous( string $header ): void {
		$this->assertRefused( $this->info( $header ), 'tokenauthenticator-error-malformed-header', 401 );
	}

	public function testSchemeNamesMatchInAnyCase(): void {
		foreach ( [ 'ApiKey', 'APIKEY', 'apikey', 'aPIkEY', 'AppToken', 'APPTOKEN', 'apptoken' ] as $scheme ) {
			$this->assertRefused( $this->info( "$scheme a b" ), 'tokenauthenticator-error-malformed-header', 401 );
		}
		foreach ( [ 'NETWORKSESSION', 'networksession', 'NetworkSession' ] as $scheme ) {
			$this->assertRefused( $this->info( $scheme ), 'tokenauthenticator-error-malformed-networksession', 401 );
			// With its token: NetworkSession's path, which wants HTTPS first.
			$this->assertRefused( $this->info( "$scheme " . self::NETWORK_TOKEN ), 'networksession-only-https', 403 );
		}
	}

	public static function provideNetworkSessionWithoutOneSpace(): array {
		return [
			'no token' => [ 'NetworkSession' ],
			'a tab' => [ "NetworkSession\t" . self::NETWORK_TOKEN ],
			'a leading space' => [ ' NetworkSession ' . self::NETWORK_TOKEN ],
			'a leading tab' => [ "\tNetworkSession " . self::NETWORK_TOKEN ],
		];
	}

	/**
	 * NetworkSession's own form is the scheme, one space, the token; what
	 * else names the scheme is refused, never served as anonymous.
	 *
	 * @dataProvider provideNetworkSessionWithoutOneSpace
	 */
	#[DataProvider( 'provideNetworkSessionWithoutOneSpace' )]
	public function testNetworkSessionWithoutItsOneSpaceIsRefused( string $header ): void {
		$this->assertRefused( $this->info( $header ), 'tokenauthenticator-error-malformed-networksession', 401 );
	}

	public function testNetworkSessionOnlyOverHttps(): void {
		$header = 'NetworkSession ' . self::NETWORK_TOKEN;
		$this->assertRefused( $this->info( $header ), 'networksession-only-https', 403 );
		$_SERVER['HTTPS'] = 'off';
		$this->assertRefused( $this->info( $header ), 'networksession-only-https', 403 );
		unset( $_SERVER['HTTPS'] );
		// X-Forwarded-Proto counts from a trusted proxy only ($wgCdnServers).
		$_SERVER['REMOTE_ADDR'] = '192.0.2.1';
		$forwarded = self::request( $header );
		$forwarded->setHeader( 'X-Forwarded-Proto', 'https' );
		$this->assertRefused( $this->provider()->provideSessionInfo( $forwarded ), 'networksession-only-https', 403 );
		$GLOBALS['wgCdnServers'] = [ '192.0.2.1' ];
		MediaWikiServices::getInstance()->resetServiceForTesting( 'ProxyLookup' );
		InProcessWiki::resetExtensionServices();
		// Past the HTTPS check: now the token is compared (another address).
		$forwarded->setIP( '127.0.0.2' );
		$this->assertRefused( $this->provider()->provideSessionInfo( $forwarded ), 'networksession-no-token-match', 403 );
	}

	public function testNetworkSessionTokenAndAddress(): void {
		$_SERVER['HTTPS'] = 'on';
		$this->assertRefused( $this->info( 'NetworkSession wrong-token' ), 'networksession-no-token-match', 403 );
		$this->assertRefused( $this->info( 'NetworkSession ' . self::NETWORK_TOKEN, '127.0.0.2' ),
			'networksession-no-token-match', 403 );
		// Bad settings fail every request, as a server error.
		$GLOBALS['wgNetworkSessionProviderUsers'] = [ [ 'username' => 'Network bot', 'token' => self::NETWORK_TOKEN ] ];
		InProcessWiki::resetExtensionServices();
		$this->assertRefused( $this->info( 'NetworkSession ' . self::NETWORK_TOKEN ),
			'networksession-invalid-config-ip-ranges', 500 );
	}

	public function testApiKeyOfAConfiguredKeyFromAnotherAddress(): void {
		$this->assertRefused( $this->info( 'ApiKey ' . self::FAR_SECRET ), 'tokenauthenticator-error-address-denied', 403 );
		$this->assertRefused( $this->info( 'ApiKey ' . self::FAR_SECRET, '::1' ), 'tokenauthenticator-error-address-denied', 403 );
		// From its range the key is good: what follows needs the database (the account).
		$this->assertRefused( $this->info( 'ApiKey ' . self::FAR_SECRET, '10.1.2.3' ), 'tokenauthenticator-error-unavailable', 503 );
	}

	public function testApiKeyOfAnExpiredKey(): void {
		$this->assertRefused( $this->info( 'ApiKey ' . self::OLD_SECRET ), 'tokenauthenticator-error-expired-credential', 401 );
		// Expiry is checked before the address.
		$this->assertRefused( $this->info( 'ApiKey ' . self::OLD_SECRET, '203.0.113.9' ),
			'tokenauthenticator-error-expired-credential', 401 );
	}

	public function testWithoutTheDatabaseEveryCredentialFailsClosed(): void {
		// An unknown secret may be a created key (mws_service_key); an app
		// token is looked up in the token store; a good key's account is read.
		foreach ( [ 'ApiKey unknown-secret-0123456789', 'AppToken some-app-token-0123456789', 'ApiKey ' . self::GOOD_SECRET ]
			as $header
		) {
			$this->assertRefused( $this->info( $header ), 'tokenauthenticator-error-unavailable', 503 );
		}
		$_SERVER['HTTPS'] = 'on';
		$this->assertRefused( $this->info( 'NetworkSession ' . self::NETWORK_TOKEN ), 'tokenauthenticator-error-unavailable', 503 );
	}

	public function testAConfigurationErrorIsAServerErrorNamingTheSetting(): void {
		$GLOBALS['mwsgTokenAuthenticatorServiceTokens'] = [ [ 'user' => 'Bot', 'token' => 'short' ] ];
		InProcessWiki::resetExtensionServices();
		$info = $this->info( 'ApiKey ' . self::GOOD_SECRET );
		$this->assertNotNull( $info );
		[ $key, $status, $params ] = $info->getProviderMetadata()['error'];
		$this->assertSame( [ 'tokenauthenticator-error-config', 500 ], [ $key, $status ] );
		$this->assertStringStartsWith( '$mwsgTokenAuthenticatorServiceTokens', $params[0] );
		$this->assertTrue( $this->logger->hasErrorThatPasses(
			static fn ( array $record ) => str_contains( $record['context']['message'] ?? '', 'shorter than 16' ) ) );
	}

	public function testRefusalsAreLoggedWithoutTheCredential(): void {
		$headers = [ 'ApiKey ' . self::FAR_SECRET, 'ApiKey ' . self::OLD_SECRET, 'ApiKey ' . self::GOOD_SECRET,
			'AppToken an-app-token-0123456789', 'ApiKey two words-0123456789' ];
		foreach ( $headers as $header ) {
			$this->assertNotNull( $this->info( $header ) );
		}
		$_SERVER['HTTPS'] = 'on';
		$this->assertNotNull( $this->info( 'NetworkSession ' . self::NETWORK_TOKEN ) );
		$this->assertNotNull( $this->info( 'NetworkSession ' . self::NETWORK_TOKEN . 'x' ) );
		$this->assertTrue( $this->logger->hasInfoThatContains( 'refused a service credential' ) );
		$this->assertGreaterThanOrEqual( count( $headers ) + 2, count( $this->logger->records ) );
		$logged = json_encode( $this->logger->records );
		foreach ( [ self::FAR_SECRET, self::OLD_SECRET, self::GOOD_SECRET, 'an-app-token', 'words-0123456789',
			self::NETWORK_TOKEN ] as $secret
		) {
			$this->assertStringNotContainsString( $secret, $logged );
		}
		$this->assertStringContainsString( 'tokenauthenticator-error-address-denied', $logged );
	}

	/**
	 * A session of $provider as the session manager would build it from $metadata.
	 */
	private static function backend( SessionProvider $provider, array $metadata ): SessionBackend {
		$info = new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $provider,
			'id' => str_repeat( 'a', 32 ),
			// Anonymous: a named user would be loaded from the database, and the
			// cap depends on the metadata only.
			'userInfo' => UserInfo::newAnonymous(),
			'metadata' => $metadata,
		] );
		$services = MediaWikiServices::getInstance();
		return new SessionBackend( new SessionId( $info->getId() ), $info, new CachedBagOStuff( new HashBagOStuff() ),
			new TestLogger(), $services->getHookContainer(), 3600 );
	}

	public function testRightsAreCappedByTheKindOfSession(): void {
		$provider = $this->provider();
		$rights = static fn ( array $metadata ) => $provider->getAllowedUserRights( self::backend( $provider, $metadata ) );
		// A key's cap, for its app tokens too; no cap when the key sets none.
		$this->assertSame( [ 'read', 'writeapi' ], $rights( [ 'kind' => 'apikey', 'principal' => 'good' ] ) );
		$this->assertSame( [ 'read', 'writeapi' ], $rights( [ 'kind' => 'apptoken', 'principal' => 'good' ] ) );
		$this->assertNull( $rights( [ 'kind' => 'apikey', 'principal' => 'uncapped' ] ) );
		// A refused credential has no right at all, whatever else is in the session.
		$this->assertSame( [], $rights( [ 'kind' => 'failed', 'error' => [ 'x', 401, [] ], 'principal' => 'good' ] ) );
		$this->assertSame( [], $rights( [ 'principal' => 'good' ] ) );
		$this->assertSame( [], $rights( [] ) );
		// NetworkSession's own cap.
		$this->assertNull( $rights( [ 'kind' => 'networksession' ] ) );
		$GLOBALS['wgNetworkSessionProviderAllowedUserRights'] = [ 'read' ];
		InProcessWiki::resetExtensionServices();
		$provider = $this->provider();
		$this->assertSame( [ 'read' ], $provider->getAllowedUserRights( self::backend( $provider, [ 'kind' => 'networksession' ] ) ) );
		// Another provider's session is not ours to cap.
		$other = SessionManager::singleton()->getProvider( 'MediaWiki\\Session\\CookieSessionProvider' );
		$this->assertNull( $provider->getAllowedUserRights( self::backend( $other, [ 'kind' => 'apikey', 'principal' => 'good' ] ) ) );
	}

	public function testNoCookieNoUserChangeSafeAgainstCsrf(): void {
		$provider = $this->provider();
		$this->assertFalse( $provider->persistsSessionId() );
		$this->assertFalse( $provider->canChangeUser() );
		$this->assertTrue( $provider->safeAgainstCsrf() );
		$this->assertSame( [ 'Authorization' => [] ], $provider->getVaryHeaders() );
		$this->assertSame( [], $provider->getVaryCookies() );
		// Core's version throws for a provider that cannot change the user.
		$provider->preventSessionsForUser( 'Good bot' );
		$request = self::request( 'ApiKey ' . self::GOOD_SECRET );
		$provider->persistSession( self::backend( $provider, [ 'kind' => 'apikey', 'principal' => 'good' ] ), $request );
		$provider->unpersistSession( $request );
		$this->assertSame( [], $request->response()->getCookies() );
		$this->assertSame( 'TokenAuthenticator service credentials',
			$provider->describe( MediaWikiServices::getInstance()->getLanguageFactory()->getLanguage( 'en' ) ) );
	}
}
