<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MediaWiki\Extension\TokenAuthenticator\AccountBlock;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\NetworkSession\NetworkSessionUsers;
use MediaWiki\Extension\TokenAuthenticator\PersonalKey\PersonalKeys;
use MediaWiki\Extension\TokenAuthenticator\Setup\NativeModule;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStoreUnavailableException;
use MediaWiki\MediaWikiServices;
use MediaWiki\Session\SessionBackend;
use MediaWiki\Session\SessionInfo;
use MediaWiki\Session\SessionProvider;
use MediaWiki\Session\UserInfo;
use MediaWiki\User\UserFactory;
use User;
use WebRequest;
use Wikimedia\Rdbms\DBError;

/**
 * Where a service credential becomes a session.
 *
 * - "Authorization: ApiKey <secret>": a static service key, limited to its
 *   CIDR, its allow-listed API modules and REST paths, and its rights cap.
 * - "Authorization: AppToken <token>": a token minted at
 *   /mws/v1/app-token/generate, a session as the service user with the
 *   key's rights cap, from the minting key's CIDR, until it expires.
 * - "Authorization: NetworkSession <token>": the NetworkSession extension's
 *   users ($wgNetworkSessionProviderUsers), over HTTPS only.
 *
 * ApiKey and AppToken sessions are only ever a service account's
 * (ServiceAccounts), never the account of a person.
 *
 * Only api.php and rest.php accept these. A credential that is present but
 * wrong never falls back to an anonymous session: on rest.php the request
 * is answered here with 401/403; on api.php the session is an anonymous one
 * without any right, and ServiceHooks::onApiBeforeMain turns it into an API
 * error. Nothing is written to the database here.
 */
class ServiceSessionProvider extends SessionProvider {
	public const KIND_API_KEY = 'apikey';
	public const KIND_APP_TOKEN = 'apptoken';
	public const KIND_NETWORK = 'networksession';
	public const KIND_PERSONAL = 'personalkey';
	public const KIND_FAILED = 'failed';

	/** Authorization schemes handled here, lower case => kind. */
	private const SCHEMES = [
		'apikey' => self::KIND_API_KEY,
		'apptoken' => self::KIND_APP_TOKEN,
		'networksession' => self::KIND_NETWORK,
	];

	private ?ServiceKeyLookup $lookup = null;
	private ?AppTokens $appTokens = null;
	private ?UserFactory $userFactory = null;
	private ?ServiceRequest $serviceRequest = null;
	private ?NetworkSessionUsers $networkUsers = null;
	private static bool $proxyWarningLogged = false;
	/** @var array<string,array> Metadata of the sessions built here, by session ID (metadataOf()) */
	private array $provided = [];

	public function __construct() {
		parent::__construct();
		$this->priority = SessionInfo::MAX_PRIORITY;
	}

	// The services below are fetched only when a request carries one of our
	// credentials. Built eagerly, they would read about ten settings on every
	// api.php and rest.php request, which on MediaWiki 1.39 with PHP 8.2 costs
	// measurable CPU (BENCHMARKS.md) for requests that never use them.

	private function lookup(): ServiceKeyLookup {
		return $this->lookup ??= Services::getServiceKeyLookup();
	}

	private function appTokens(): AppTokens {
		return $this->appTokens ??= Services::getAppTokens();
	}

	private function userFactory(): UserFactory {
		return $this->userFactory ??= MediaWikiServices::getInstance()->getUserFactory();
	}

	private function accounts(): ServiceAccounts {
		return Services::getServiceAccounts();
	}

	private function networkUsers(): NetworkSessionUsers {
		return $this->networkUsers ??= Services::getNetworkSessionUsers();
	}

	private function keyUse(): KeyUse {
		return Services::getKeyUse();
	}

	private function serviceRequest(): ServiceRequest {
		return $this->serviceRequest ??= Services::getServiceRequest();
	}

	/** @inheritDoc */
	public function provideSessionInfo( WebRequest $request ) {
		$entryPoint = defined( 'MW_ENTRY_POINT' ) ? MW_ENTRY_POINT : '';
		if ( $entryPoint !== 'api' && $entryPoint !== 'rest' ) {
			return null;
		}
		$header = $request->getHeader( 'Authorization' );
		if ( $header === false ) {
			return null;
		}
		if ( strncasecmp( $header, 'Bearer ', 7 ) === 0 ) {
			// Only Bearer values of our personal keys' form are ours; other
			// Bearer values (the OAuth extension's, a proxy's JWT) are left
			// to other providers.
			$secret = trim( substr( $header, 7 ) );
			return strncmp( $secret, PersonalKeys::PREFIX, strlen( PersonalKeys::PREFIX ) ) === 0
				? $this->checked( $request, fn () => $this->fromPersonalKey( $request, $secret ) )
				: null;
		}
		// Its class is loaded only for a header it can match: ApiKey requests skip that.
		$networkToken = strncasecmp( $header, 'NetworkSession ', 15 ) === 0
			? NetworkSessionUsers::tokenOf( $header )
			: null;
		$credential = $networkToken === null ? Credential::parse( $header, array_keys( self::SCHEMES ) ) : null;
		if ( $networkToken === null && $credential === null ) {
			// Another scheme (Basic, Bearer, ...): not ours to judge.
			return null;
		}
		if ( !NativeModule::isLoaded() ) {
			// No credential of ours can be checked: fail closed (503), before
			// anything below calls into the missing module.
			NativeModule::logMissing();
			return $this->refuse( $request, NativeModule::MESSAGE_KEY, 503 );
		}
		if ( $networkToken !== null ) {
			return $this->fromNetworkSession( $request, $networkToken );
		}
		if ( self::SCHEMES[$credential->scheme] === self::KIND_NETWORK ) {
			// The scheme without its one space and token (NetworkSessionUsers::tokenOf()):
			// refused, never served as anonymous.
			return $this->refuse( $request, 'tokenauthenticator-error-malformed-networksession', 401 );
		}
		if ( $credential->secret === null ) {
			return $this->refuse( $request, 'tokenauthenticator-error-malformed-header', 401 );
		}
		return $this->checked( $request, fn () => self::SCHEMES[$credential->scheme] === self::KIND_API_KEY
			? $this->fromApiKey( $request, $credential->secret )
			: $this->fromAppToken( $request, $credential->secret ) );
	}

	/**
	 * Runs a credential's check; a setting it finds wrong, or a store that
	 * does not answer, fails the request closed.
	 *
	 * @param WebRequest $request
	 * @param callable(): ?SessionInfo $check
	 * @return SessionInfo|null
	 */
	private function checked( WebRequest $request, callable $check ) {
		if ( !NativeModule::isLoaded() ) {
			NativeModule::logMissing();
			return $this->refuse( $request, NativeModule::MESSAGE_KEY, 503 );
		}
		try {
			return $check();
		} catch ( InvalidSettingException $e ) {
			$this->logger->error( 'TokenAuthenticator: {message}', [ 'message' => $e->getMessage() ] );
			return $this->refuse( $request, $e->getMessageKey(), 500, $e->getMessageParams() );
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			// Without the database or the token store no credential can be
			// checked: fail closed.
			Services::getMetrics()->outageOf( $e );
			$this->logger->error( 'TokenAuthenticator: {class}: {message}',
				[ 'class' => get_class( $e ), 'message' => $e instanceof DBError ? '' : $e->getMessage() ] );
			return $this->refuse( $request, 'tokenauthenticator-error-unavailable', 503 );
		}
	}

	/**
	 * @param WebRequest $request
	 * @param string $secret
	 * @return SessionInfo|null
	 * @throws InvalidSettingException
	 */
	private function fromApiKey( WebRequest $request, string $secret ): ?SessionInfo {
		$secretHash = mws_ta_sha256( $secret );
		$serviceKey = $this->lookup()->match( $secretHash );
		if ( !$serviceKey ) {
			return $this->refuse( $request, 'tokenauthenticator-error-invalid-credential', 401 );
		}
		if ( $serviceKey->isExpired( time() ) ) {
			return $this->refuse( $request, 'tokenauthenticator-error-expired-credential', 401 );
		}
		$refused = $this->checkAddress( $request, $serviceKey );
		if ( $refused === null && MW_ENTRY_POINT === 'rest' ) {
			$path = $this->serviceRequest()->routedRestPath( $request );
			if ( $path === null || !AccessPolicy::allowsRestPath( $serviceKey, $path ) ) {
				$refused = $this->refuse( $request, 'tokenauthenticator-error-path-denied', 403 );
			}
		}
		// The secret that was sent (current, or the one before a rotation):
		// app tokens minted in this session end with it.
		return $refused ?? $this->sessionFor( $request, $serviceKey, self::KIND_API_KEY, $secretHash,
			[ 'binding' => mws_ta_app_token_binding( $secretHash ) ] );
	}

	/**
	 * @param WebRequest $request
	 * @param string $token
	 * @return SessionInfo|null
	 * @throws InvalidSettingException
	 */
	private function fromAppToken( WebRequest $request, string $token ): ?SessionInfo {
		$serviceKey = $this->appTokens()->check( $token );
		if ( !$serviceKey instanceof ServiceKey ) {
			return $this->refuse( $request, ...$serviceKey );
		}
		return $this->checkAddress( $request, $serviceKey )
			?? $this->sessionFor( $request, $serviceKey, self::KIND_APP_TOKEN, mws_ta_sha256( $token ) );
	}

	/**
	 * "Authorization: Bearer mwpk_…": a personal access key, acting as the
	 * user who made it with the rights its grants allow (getAllowedUserRights()).
	 */
	private function fromPersonalKey( WebRequest $request, string $secret ): SessionInfo {
		if ( !PersonalKeys::isPersonalKey( $secret ) ) {
			// A typo or a truncated key: its checksum says so, before any lookup.
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-malformed', 401 );
		}
		$personalKeys = Services::getPersonalKeys();
		$key = $personalKeys->find( $secret );
		if ( !$key ) {
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-invalid', 401 );
		}
		if ( $key->isExpired( time() ) ) {
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-expired', 401 );
		}
		if ( !$personalKeys->allowsAddress( $key, $request->getIP() ) ) {
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-address', 403 );
		}
		$user = $this->userFactory()->newFromId( $key->userId );
		if ( !$user->isRegistered() ) {
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-invalid', 401 );
		}
		if ( AccountBlock::isBarred( $user ) ) {
			return $this->refuse( $request, 'tokenauthenticator-error-personal-key-blocked', 403, [ $user->getName() ] );
		}
		$personalKeys->recordUse( $key, $request->getIP() );
		$id = $this->hashToSessionId( mws_ta_session_seed( self::KIND_PERSONAL, (string)$key->id, mws_ta_sha256( $secret ) ) );
		// The grants go with the session: the rights it may use are known
		// without another lookup, and a key's grants never change.
		return $this->sessionOf( $id, $user,
			[ 'kind' => self::KIND_PERSONAL, 'principal' => $key->id, 'grants' => $key->grants ] );
	}

	/**
	 * "Authorization: NetworkSession <token>", with the NetworkSession
	 * extension's settings and meaning: a full API session as the matched
	 * user, rights capped by $wgNetworkSessionProviderAllowedUserRights,
	 * the account autocreated when missing. HTTPS only, where HTTPS is what
	 * the server says or what a trusted proxy ($wgCdnServers) forwards.
	 */
	private function fromNetworkSession( WebRequest $request, string $token ): SessionInfo {
		if ( !$this->serviceRequest()->isHttps( $request ) ) {
			return $this->refuse( $request, 'networksession-only-https', 403 );
		}
		[ $matched, $nameOrError ] = $this->networkUsers()->match( $token, $request->getIP() );
		if ( !$matched ) {
			$status = str_starts_with( $nameOrError, 'networksession-invalid-config' ) ? 500 : 403;
			return $this->refuse( $request, $nameOrError, $status );
		}
		try {
			$user = $this->userFactory()->newFromName( $nameOrError );
			if ( !$user ) {
				return $this->refuse( $request, 'networksession-invalid-config-username', 500 );
			}
			if ( AccountBlock::isBarred( $user ) ) {
				return $this->refuse( $request, 'tokenauthenticator-error-user-blocked', 403, [ $user->getName() ] );
			}
			if ( !$user->isRegistered() && !$this->networkUsers()->canAlwaysAutocreate()
				&& !$this->anonymousMayCreateAccounts()
			) {
				// MediaWiki would fail to create it and serve the request
				// without an account: fail closed, saying what to change.
				return $this->refuse( $request, 'tokenauthenticator-error-networksession-autocreate', 403,
					[ $user->getName() ] );
			}
		} catch ( DBError | TokenStoreUnavailableException $e ) {
			Services::getMetrics()->outageOf( $e );
			return $this->refuse( $request, 'tokenauthenticator-error-unavailable', 503 );
		}
		Services::getMetrics()->verified( Metrics::NETWORK_SESSION );
		return new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $this,
			'id' => $this->hashToSessionId( mws_ta_session_seed( self::KIND_NETWORK, $user->getName(), mws_ta_sha256( $token ) ) ),
			// A missing account is autocreated by MediaWiki's setup (or by
			// NetworkSessionAutocreate, on versions without canAlwaysAutocreate()).
			'userInfo' => UserInfo::newFromName( $user->getName(), true ),
			'persisted' => true,
			'forceUse' => true,
			'metadata' => [ 'kind' => self::KIND_NETWORK ],
		] );
	}

	/**
	 * Whether anonymous users may create or autocreate accounts, as
	 * AuthManager asks before autocreating; read from the group permissions
	 * (a user's rights would need the session being built).
	 */
	private function anonymousMayCreateAccounts(): bool {
		$lookup = MediaWikiServices::getInstance()->getGroupPermissionsLookup();
		return $lookup->groupHasPermission( '*', 'createaccount' )
			|| $lookup->groupHasPermission( '*', 'autocreateaccount' );
	}

	private function checkAddress( WebRequest $request, ServiceKey $serviceKey ): ?SessionInfo {
		$this->warnWithoutTrustedProxy( $serviceKey );
		return $serviceKey->allowsAddress( $request->getIP() )
			? null
			: $this->refuse( $request, 'tokenauthenticator-error-address-denied', 403 );
	}

	/**
	 * @param WebRequest $request
	 * @param ServiceKey $serviceKey
	 * @param string $kind
	 * @param string $credentialHash Distinguishes sessions of different credentials
	 * @param array $metadata More of the session's metadata
	 * @return SessionInfo|null
	 */
	private function sessionFor(
		WebRequest $request, ServiceKey $serviceKey, string $kind, string $credentialHash, array $metadata = []
	) {
		$found = $this->accounts()->find( $serviceKey->user );
		if ( !$found ) {
			return $this->refuse( $request, 'tokenauthenticator-error-no-service-user', 500, [ $serviceKey->user ] );
		}
		[ $user, $isServiceAccount ] = $found;
		if ( !$isServiceAccount ) {
			// Never a person's account, whoever configured or created the key.
			return $this->refuse( $request, 'tokenauthenticator-error-not-service-account', 403, [ $user->getName() ] );
		}
		if ( AccountBlock::isBarred( $user ) ) {
			return $this->refuse( $request, 'tokenauthenticator-error-user-blocked', 403, [ $serviceKey->user ] );
		}
		// For Special:ServiceKeys; written after the response, at most once a minute.
		$this->keyUse()->record( $serviceKey, $request->getIP() );
		$id = $this->hashToSessionId( mws_ta_session_seed( $kind, $serviceKey->id, $credentialHash ) );
		if ( $kind === self::KIND_API_KEY && MW_ENTRY_POINT === 'api' ) {
			ServiceHooks::attachPolicy( $this->getHookContainer(), $this );
		}
		return $this->sessionOf( $id, $user, [ 'kind' => $kind, 'principal' => $serviceKey->id ] + $metadata );
	}

	/**
	 * The session of a credential that passed its checks, as $user.
	 *
	 * @param string $id Derived from the credential
	 * @param User $user
	 * @param array $metadata
	 * @return SessionInfo
	 */
	private function sessionOf( string $id, User $user, array $metadata ): SessionInfo {
		$this->provided[$id] = $metadata;
		Services::getMetrics()->verified( self::metricKind( $metadata['kind'] ) );
		return new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $this,
			'id' => $id,
			'userInfo' => UserInfo::newFromUser( $user, true ),
			// Kept in the session store under an ID derived from the
			// credential, so CSRF tokens hold from one request to the next;
			// persistSession() sets no cookie.
			'persisted' => true,
			'forceUse' => true,
			'metadata' => $metadata,
		] );
	}

	/**
	 * The metadata of $request's session if this provider built it in this
	 * request, known by its ID (SessionManager keeps an info's ID and
	 * metadata, or refuses the info); null otherwise. $request->getSession()
	 * would tell too, for a SessionBackend::save() check per call (about
	 * 70,000 instructions on MediaWiki 1.39).
	 */
	public function metadataOf( WebRequest $request ): ?array {
		$id = $request->getSessionId();
		return $id === null ? null : $this->provided[(string)$id] ?? null;
	}

	/**
	 * Fails the request closed. On rest.php the answer is sent now; on api.php
	 * an anonymous session without rights carries the error to ApiBeforeMain.
	 *
	 * @param WebRequest $request
	 * @param string $key Message key, also the API error code
	 * @param int $status HTTP status
	 * @param array $params Message parameters
	 * @return SessionInfo
	 */
	private function refuse( WebRequest $request, string $key, int $status, array $params = [] ): SessionInfo {
		$this->logger->info( 'TokenAuthenticator refused a service credential: {reason} from {ip}', [
			'reason' => $key,
			'ip' => $request->getIP(),
		] );
		$scheme = strtok( (string)$request->getHeader( 'Authorization' ), " \t" );
		Services::getMetrics()->refusedWith( self::metricKind( strtolower( (string)$scheme ) ), $key, $status );
		if ( MW_ENTRY_POINT === 'rest' ) {
			$this->serviceRequest()->sendRestErrorAndExit( $key, $status, $params );
		}
		ServiceHooks::attachRefusal( $this->getHookContainer() );
		return new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $this,
			// Without the native module, which owns the derivation, core draws
			// a random ID: the session is never persisted either way.
			'id' => NativeModule::isLoaded()
				? $this->hashToSessionId( mws_ta_session_seed( 'refused', $key, $request->getIP() ) )
				: null,
			'userInfo' => UserInfo::newAnonymous(),
			'persisted' => false,
			'forceUse' => true,
			'metadata' => [ 'kind' => self::KIND_FAILED, 'error' => [ $key, $status, $params ] ],
		] );
	}

	/**
	 * The metrics' credential kind of a session kind or header scheme.
	 */
	private static function metricKind( string $kindOrScheme ): string {
		return match ( $kindOrScheme ) {
			self::KIND_PERSONAL, 'bearer' => Metrics::PERSONAL_KEY,
			self::KIND_APP_TOKEN => Metrics::APP_TOKEN,
			self::KIND_NETWORK => Metrics::NETWORK_SESSION,
			default => Metrics::SERVICE_KEY,
		};
	}

	/**
	 * CIDR checks see the client address from WebRequest::getIP(), which
	 * trusts X-Forwarded-For only from $wgCdnServers. Behind a proxy that is
	 * not configured, every request seems to come from the proxy.
	 */
	private function warnWithoutTrustedProxy( ServiceKey $serviceKey ): void {
		if ( self::$proxyWarningLogged || $serviceKey->isLoopbackOnly() || $this->config->get( 'CdnServers' )
			|| $this->config->get( 'CdnServersNoPurge' )
		) {
			return;
		}
		self::$proxyWarningLogged = true;
		$this->logger->warning(
			'TokenAuthenticator: principal {principal} allows more than loopback, but no trusted proxy '
				. '($wgCdnServers) is configured; behind a proxy set it, or every client has the proxy\'s address',
			[ 'principal' => $serviceKey->id ]
		);
	}

	/** @inheritDoc */
	public function getAllowedUserRights( SessionBackend $backend ) {
		if ( $backend->getProvider() !== $this ) {
			return null;
		}
		$meta = $backend->getProviderMetadata() ?? [];
		switch ( $meta['kind'] ?? null ) {
			case self::KIND_API_KEY:
			case self::KIND_APP_TOKEN:
				// The key's cap holds for its app tokens too.
				$serviceKey = $this->lookup()->get( $meta['principal'] );
				return $serviceKey ? $serviceKey->rights : [];
			case self::KIND_NETWORK:
				return $this->networkUsers()->allowedRights();
			case self::KIND_PERSONAL:
				return Services::getPersonalKeys()->grantedRights( (array)( $meta['grants'] ?? [] ) );
			default:
				return [];
		}
	}

	/**
	 * NetworkSession's $wgNetworkSessionProviderCanAlwaysAutocreate: whether a
	 * missing account is created despite anonymous account-creation rights.
	 * Only NetworkSession sessions can name a missing account. (MediaWiki
	 * 1.42+; before, NetworkSessionAutocreate does it.)
	 *
	 * @return bool
	 */
	public function canAlwaysAutocreate(): bool {
		return $this->networkUsers()->canAlwaysAutocreate();
	}

	/** @inheritDoc */
	public function persistsSessionId() {
		return false;
	}

	/**
	 * No cookie: every request authenticates with its header.
	 *
	 * @inheritDoc
	 */
	public function persistSession( SessionBackend $session, WebRequest $request ) {
	}

	/** @inheritDoc */
	public function unpersistSession( WebRequest $request ) {
	}

	/** @inheritDoc */
	public function canChangeUser() {
		return false;
	}

	/** @inheritDoc */
	public function safeAgainstCsrf() {
		return true;
	}

	/**
	 * Core throws here for providers that cannot change the user; there is
	 * nothing to prevent, since every request authenticates afresh.
	 *
	 * @inheritDoc
	 */
	public function preventSessionsForUser( $username ) {
	}

	/** @inheritDoc */
	public function getVaryHeaders() {
		return [ 'Authorization' => [] ];
	}

	/** @inheritDoc */
	public function describe( \Language $lang ) {
		return wfMessage( 'tokenauthenticator-session-description' )->inLanguage( $lang )->plain();
	}
}
