<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use MediaWiki\Auth\AuthManager;
use MediaWiki\Extension\TokenAuthenticator\Error\ErrorAnswer;
use MediaWiki\Extension\TokenAuthenticator\Error\MessageText;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\Logger\LoggerFactory;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionBackend;
use MediaWiki\Session\SessionInfo;
use MediaWiki\Session\SessionManager;
use MediaWiki\Session\SessionProvider;
use MediaWiki\Session\UserInfo;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;
use Psr\Log\LoggerInterface;
use RequestContext;
use User;
use WebRequest;
use Wikimedia\Rdbms\DBError;

/**
 * Single sign-on behind an identity-aware proxy (Cloudflare Access,
 * Pomerium, oauth2-proxy, ...): the proxy sends a signed JWT of its user in
 * $mwsgTokenAuthenticatorJWTProxyHeader on every request, and that request
 * is that user. Registered only when the header is configured (Registration).
 *
 * - The header counts only from a peer in $mwsgTokenAuthenticatorJWTProxyRanges
 *   (else $wgCdnServers): anyone else could send it too. From other peers it
 *   is ignored, with a warning.
 * - The JWT is checked and its account found as on Special:JWTLogin
 *   (JwtLogin::checkJwt()), without the single use: the proxy sends the same
 *   JWT until it expires, and every request is checked, so its exp ends the
 *   session. A JWT that is present
 *   and refused is answered with an error, never served anonymously.
 * - Accounts are created, linked and given their groups (JwtLogin::adopt())
 *   by adoptPending(), after the session is loaded: a session provider must
 *   not write.
 * - The no-cookie methods are written again rather than shared with
 *   ServiceSessionProvider through a base class: api.php and rest.php load
 *   that provider on every request, and a base class would be one more file
 *   for each of them (tests/e2e_foundation.rs).
 * - Not safe against CSRF: browsers' cross-site requests pass the proxy too,
 *   which adds the header to them as to any other. Logging out is the
 *   proxy's business: MediaWiki says so on logging out (canChangeUser()).
 */
class JwtProxySessionProvider extends SessionProvider {
	public const KIND = 'jwtproxy';
	/** Below the service credentials' (ServiceSessionProvider): an ApiKey sent through the proxy wins. */
	private const PRIORITY = SessionInfo::MAX_PRIORITY - 1;
	/** Longest a JWT is known to be adopted already, in seconds (its own exp shortens it). */
	private const ADOPTED_FOR = 300;

	/** @var JwtLoginAttempt|null What the session of this request still needs written */
	private static ?JwtLoginAttempt $pending = null;
	private static bool $ignoredLogged = false;

	public function __construct() {
		parent::__construct();
		$this->priority = self::PRIORITY;
	}

	/**
	 * The extension's log channel, where the other JWT login messages go
	 * (SessionManager gives providers its "session" channel).
	 */
	private function log(): LoggerInterface {
		return LoggerFactory::getInstance( 'TokenAuthenticator' );
	}

	/** The configured header name; null when the proxy sign-on is off. */
	public static function headerName(): ?string {
		$name = $GLOBALS['mwsgTokenAuthenticatorJWTProxyHeader'] ?? null;
		return is_string( $name ) && trim( $name ) !== '' ? trim( $name ) : null;
	}

	/** @inheritDoc */
	public function provideSessionInfo( WebRequest $request ) {
		$header = self::headerName();
		$value = $header === null ? false : $request->getHeader( $header );
		if ( $value === false || trim( $value ) === '' ) {
			return null;
		}
		$jwt = trim( $value );
		if ( strcasecmp( $header, 'Authorization' ) === 0 ) {
			// Other schemes (ApiKey, Basic) and Bearer values that are no JWT
			// are other providers' to judge.
			$jwt = JwtLogin::bearer( $value );
			if ( $jwt === null || substr_count( $jwt, '.' ) !== 2 ) {
				return null;
			}
		}
		if ( !NativeModule::isLoaded() ) {
			NativeModule::logMissing();
			$this->refuse( NativeModule::MESSAGE_KEY, 503 );
		}
		if ( !$this->isFromProxy() ) {
			return null;
		}
		try {
			$attempt = Services::getJwtLogin()->checkJwt( $jwt, true );
		} catch ( JwtLoginException $e ) {
			$this->refuse( $e->getMessageKey(), $e->getStatus(), $e->getParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			Services::getMetrics()->outageOf( $e );
			$this->refuse( 'tokenauthenticator-error-unavailable', 503 );
		}
		Services::getMetrics()->verified( Metrics::JWT_PROXY );
		if ( $attempt->mode !== JwtLoginAttempt::LINKED || !$this->isAdopted( $jwt ) ) {
			self::$pending = $attempt;
		}
		return new SessionInfo( self::PRIORITY, [
			'provider' => $this,
			// One session per subject, whichever of its JWTs: CSRF tokens hold
			// when the proxy renews the JWT.
			'id' => $this->hashToSessionId( mws_ta_session_seed( self::KIND, $attempt->userName,
				mws_ta_sha256( $attempt->issuer . "\0" . $attempt->subject ) ) ),
			// A missing account is created by adoptPending().
			'userInfo' => UserInfo::newFromName( $attempt->userName, true ),
			'persisted' => true,
			'forceUse' => true,
			// Nothing of the JWT: the stored session's metadata must equal
			// every later request's, and the JWT changes when the proxy renews it.
			'metadata' => [ 'kind' => self::KIND ],
		] );
	}

	/**
	 * Whether the request comes straight from the proxy. The peer, not
	 * WebRequest::getIP(): that is the client's address the proxy forwards.
	 */
	private function isFromProxy(): bool {
		$peer = (string)( $_SERVER['REMOTE_ADDR'] ?? '' );
		$ranges = $GLOBALS['mwsgTokenAuthenticatorJWTProxyRanges'] ?? null;
		try {
			$trusted = $ranges === null
				? MediaWikiServices::getInstance()->getProxyLookup()->isConfiguredProxy( $peer )
				: ( new CidrSet( (array)$ranges ) )->contains( $peer );
		} catch ( NativeException $e ) {
			$this->log()->error( 'TokenAuthenticator: $mwsgTokenAuthenticatorJWTProxyRanges: {problem}',
				[ 'problem' => $e->getMessage() ] );
			$this->refuse( 'tokenauthenticator-jwt-proxy-ranges-invalid', 500,
				[ '$mwsgTokenAuthenticatorJWTProxyRanges' ] );
		}
		if ( !$trusted && !self::$ignoredLogged ) {
			self::$ignoredLogged = true;
			$this->log()->warning( 'TokenAuthenticator: the JWT proxy header {header} came from {peer}, which is '
				. 'not a trusted proxy ({setting}): ignored', [
					'header' => self::headerName(),
					'peer' => $peer,
					'setting' => $ranges === null ? '$wgCdnServers' : '$mwsgTokenAuthenticatorJWTProxyRanges',
				] );
		}
		return $trusted;
	}

	private function adoptedKey( string $jwt ): array {
		$cache = MediaWikiServices::getInstance()->getLocalServerObjectCache();
		return [ $cache, $cache->makeKey( 'tokenauthenticator-jwtproxy-adopted', mws_ta_sha256( $jwt ) ) ];
	}

	/** Whether this JWT's groups and profile were written already (on this server, lately). */
	private function isAdopted( string $jwt ): bool {
		[ $cache, $key ] = $this->adoptedKey( $jwt );
		return (bool)$cache->get( $key );
	}

	/**
	 * Creates, links and updates the account of this request's proxy
	 * session: an extension function, run once MediaWiki is set up and before
	 * it autocreates session users.
	 */
	public static function adoptPending(): void {
		if ( defined( 'MW_NO_SESSION' ) || PHP_SAPI === 'cli' || self::headerName() === null
			|| RequestContext::getMain()->getRequest()->getHeader( self::headerName() ) === false
		) {
			return;
		}
		$session = SessionManager::getGlobalSession();
		$provider = $session->getProvider();
		$attempt = self::$pending;
		self::$pending = null;
		if ( !$attempt || !$provider instanceof self ) {
			return;
		}
		$provider->adopt( $attempt, $session->getUser() );
	}

	private function adopt( JwtLoginAttempt $attempt, User $user ): void {
		try {
			if ( !$user->isRegistered() ) {
				// The session's own User object: it is this request's user once created.
				$status = MediaWikiServices::getInstance()->getAuthManager()->autoCreateUser(
					$user, AuthManager::AUTOCREATE_SOURCE_SESSION, false );
				if ( !$status->isOK() || !$user->isRegistered() ) {
					$this->refuse( 'tokenauthenticator-jwt-autocreate-failed', 403,
						[ MessageText::of( $status->getMessage() ) ] );
				}
			}
			Services::getJwtLogin()->adopt( $attempt, $user );
		} catch ( JwtLoginException $e ) {
			$this->refuse( $e->getMessageKey(), $e->getStatus(), $e->getParams() );
		} catch ( DBError $e ) {
			Services::getMetrics()->outageOf( $e );
			$this->refuse( 'tokenauthenticator-error-unavailable', 503 );
		}
		[ $cache, $key ] = $this->adoptedKey( $attempt->jwt );
		$ttl = min( self::ADOPTED_FOR, (int)$attempt->claims['exp'] - time() );
		if ( $ttl > 0 ) {
			$cache->set( $key, 1, $ttl );
		}
	}

	/**
	 * Answers the request with an error, on any entry point: a JWT that the
	 * proxy sent and that is refused is never served as anonymous.
	 *
	 * @param string $key
	 * @param int $status
	 * @param array $params
	 * @return never
	 */
	private function refuse( string $key, int $status, array $params = [] ) {
		$this->log()->info( 'TokenAuthenticator refused a JWT from the proxy: {reason}', [ 'reason' => $key ] );
		Services::getMetrics()->refusedWith( Metrics::JWT_PROXY, $key, $status );
		$entryPoint = defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : 'index';
		$headers = ErrorAnswer::headers( $status ) + [ 'Vary' => self::headerName() ?? 'Authorization' ];
		ErrorAnswer::sendAndExit( $entryPoint, $status, $key,
			// The content language: the user's would need the session being built.
			MessageText::of( MessageText::message( $key, $params )->inContentLanguage() ), $headers );
	}

	/** @inheritDoc */
	public function persistsSessionId() {
		return false;
	}

	/**
	 * No cookie: the proxy sends the JWT with every request.
	 *
	 * @inheritDoc
	 */
	public function persistSession( SessionBackend $session, WebRequest $request ) {
	}

	/** @inheritDoc */
	public function unpersistSession( WebRequest $request ) {
	}

	/**
	 * Logging out is the proxy's: MediaWiki says so on logging out.
	 *
	 * @inheritDoc
	 */
	public function canChangeUser() {
		return false;
	}

	/** @inheritDoc */
	public function safeAgainstCsrf() {
		return false;
	}

	/** @inheritDoc */
	public function preventSessionsForUser( $username ) {
	}

	/** @inheritDoc */
	public function getVaryHeaders() {
		return [ self::headerName() ?? 'Authorization' => [] ];
	}

	/** @inheritDoc */
	public function describe( \Language $lang ) {
		return wfMessage( 'tokenauthenticator-jwt-proxy-session-description' )->inLanguage( $lang )->plain();
	}
}
