<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use Config;
use IDBAccessObject;
use ManualLogEntry;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\ServiceKey\ServiceAccounts;
use MediaWiki\Extension\TokenAuthenticator\Setup\Services;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\DatabaseTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityLookup;
use MediaWiki\User\UserNameUtils;
use MwsTokenAuthenticator\ConfigurationException as NativeConfigurationException;
use MwsTokenAuthenticator\JwtVerifier;
use MwsTokenAuthenticator\RefusedException;
use Psr\Log\LoggerInterface;
use Sanitizer;
use User;

/**
 * Logging in with a signed JWT, as the JWTAuth extension does, with what it
 * lacks: the algorithm is pinned, iss and aud are checked, a token is
 * accepted once, and neither the token nor personal claims are logged.
 * Signature and claim checks are the native extension's (JwtVerifier).
 *
 * Accounts are linked by the token's (iss, sub) in mws_jwt_link, never
 * chosen by name: preferred_username only names the account that a
 * subject's first login creates. A name that is already taken is refused
 * (an existing account is linked only with
 * $mwsgTokenAuthenticatorJWTLinkExistingAccounts), so no token can log in to
 * someone else's account by naming it.
 *
 * Two steps, so that the special page can ask before switching accounts:
 * check() verifies and finds the account without changing anything;
 * complete() uses the token up and logs in.
 */
class JwtLogin {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorJWTAlgorithm',
		'TokenAuthenticatorJWTKey',
		'TokenAuthenticatorJWTKeySet',
		'TokenAuthenticatorJWTIssuer',
		'TokenAuthenticatorJWTAudience',
		'TokenAuthenticatorJWTLeeway',
		'TokenAuthenticatorJWTMaxLifetime',
		'TokenAuthenticatorJWTGroupMapping',
		'TokenAuthenticatorJWTRemoveUnmappedGroups',
		'TokenAuthenticatorJWTLinkExistingAccounts',
	];

	private ?JwtVerifier $verifier = null;
	/** @var array|null [ JWKS text, its verifier ] of the last checkKeySet() */
	private ?array $checked = null;
	private static bool $debugModeLogged = false;

	/** Longest iss or sub a link can hold (the columns' width). */
	private const MAX_ID_BYTES = 255;

	/** JWTAuth's settings, read when ours are unset: ours => JWTAuth's. */
	private const JWTAUTH_SETTINGS = [
		'TokenAuthenticatorJWTAlgorithm' => 'JWTAuthAlgorithm',
		'TokenAuthenticatorJWTKey' => 'JWTAuthKey',
		'TokenAuthenticatorJWTGroupMapping' => 'JWTGroupMapping',
	];

	private ServiceOptions $options;
	/** $wg… globals, for JWTAuth's setting names. */
	private Config $mainConfig;
	private KeySet $keySet;
	/** Where used JWTs are recorded. */
	private DatabaseTokenStore $replays;
	private JwtLinkStore $links;
	private ServiceAccounts $serviceAccounts;
	private AuthManager $authManager;
	private UserFactory $userFactory;
	private UserIdentityLookup $userIdentityLookup;
	private UserNameUtils $userNameUtils;
	private UserGroupManager $userGroupManager;
	private LoggerInterface $logger;

	public function __construct(
		ServiceOptions $options,
		Config $mainConfig,
		KeySet $keySet,
		DatabaseTokenStore $replays,
		JwtLinkStore $links,
		ServiceAccounts $serviceAccounts,
		AuthManager $authManager,
		UserFactory $userFactory,
		UserIdentityLookup $userIdentityLookup,
		UserNameUtils $userNameUtils,
		UserGroupManager $userGroupManager,
		LoggerInterface $logger
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->mainConfig = $mainConfig;
		$this->keySet = $keySet;
		$this->replays = $replays;
		$this->links = $links;
		$this->serviceAccounts = $serviceAccounts;
		$this->authManager = $authManager;
		$this->userFactory = $userFactory;
		$this->userIdentityLookup = $userIdentityLookup;
		$this->userNameUtils = $userNameUtils;
		$this->userGroupManager = $userGroupManager;
		$this->logger = $logger;
	}

	/**
	 * Verifies the JWT of an Authorization field ("Bearer: <jwt>" or
	 * "Bearer <jwt>") and finds the account it logs in to. Changes nothing.
	 *
	 * @param string $authorization
	 * @return JwtLoginAttempt
	 * @throws JwtLoginException
	 */
	public function check( string $authorization ): JwtLoginAttempt {
		$jwt = self::bearer( $authorization );
		if ( $jwt === null ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-no-token', [], 400 );
		}
		return $this->checkJwt( $jwt );
	}

	/**
	 * Verifies a JWT and finds the account it logs in to. Changes nothing.
	 *
	 * @param string $jwt
	 * @param bool $nameByEmail Name a new account by the email claim when there is no preferred_username
	 * @return JwtLoginAttempt
	 * @throws JwtLoginException
	 */
	public function checkJwt( string $jwt, bool $nameByEmail = false ): JwtLoginAttempt {
		$claims = $this->verify( $jwt );
		if ( strlen( (string)$claims['iss'] ) > self::MAX_ID_BYTES
			|| strlen( (string)$claims['sub'] ) > self::MAX_ID_BYTES
		) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-id-too-long', [ self::MAX_ID_BYTES ], 400 );
		}

		$link = $this->links->find( (string)$claims['iss'], (string)$claims['sub'] );
		if ( $link ) {
			$user = $this->userIdentityLookup->getUserIdentityByUserId( $link->userId );
			if ( !$user ) {
				throw new JwtLoginException( 'tokenauthenticator-jwt-link-broken', [], 403 );
			}
			$this->refuseServiceAccount( $user );
			return new JwtLoginAttempt( $jwt, $claims, JwtLoginAttempt::LINKED, $user->getName(), $user->getId() );
		}

		// Special:JWTLogin names new accounts by preferred_username only, as
		// JWTAuth does; identity-aware proxies (Cloudflare Access) send none,
		// and their users are named by e-mail address ($nameByEmail).
		$name = $claims['preferred_username'] ?? ( $nameByEmail ? $claims['email'] ?? null : null );
		$shown = is_string( $name ) ? mb_strimwidth( $name, 0, 255, '…' ) : '';
		$valid = is_string( $name ) ? $this->userNameUtils->getCanonical( $name, UserNameUtils::RIGOR_VALID ) : false;
		if ( $valid === false ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-bad-username', [ $shown ], 400 );
		}
		$existing = $this->userIdentityLookup->getUserIdentityByName( $valid, IDBAccessObject::READ_LATEST );
		if ( $existing && $existing->isRegistered() ) {
			// Also what stops " admin_" or "User:Admin" from reaching Admin:
			// after normalisation it is the same, existing, account.
			if ( $this->links->isLinked( $existing->getId() ) ) {
				throw new JwtLoginException( 'tokenauthenticator-jwt-name-taken', [ $existing->getName() ], 403 );
			}
			if ( !$this->options->get( 'TokenAuthenticatorJWTLinkExistingAccounts' ) ) {
				throw new JwtLoginException( 'tokenauthenticator-jwt-account-not-linked', [ $existing->getName() ], 403 );
			}
			$this->refuseServiceAccount( $existing );
			return new JwtLoginAttempt( $jwt, $claims, JwtLoginAttempt::LINK_EXISTING,
				$existing->getName(), $existing->getId() );
		}
		// JWTAuth's rigor ("usable"): valid and not reserved. Unlike sign-up
		// it allows the characters of $wgInvalidUsernameCharacters, so an
		// e-mail address can be a name, as there.
		$creatable = $this->userNameUtils->getCanonical( $valid, UserNameUtils::RIGOR_USABLE );
		if ( $creatable === false ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-bad-username', [ $shown ], 400 );
		}
		if ( self::mixesScripts( $creatable ) ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-name-mixed-scripts', [ $shown ], 400 );
		}
		return new JwtLoginAttempt( $jwt, $claims, JwtLoginAttempt::CREATE, $creatable, 0 );
	}

	/**
	 * Uses the JWT up, creates or links the account, updates its profile and
	 * groups from the claims, and logs the current session in to it.
	 *
	 * @param JwtLoginAttempt $attempt From check()
	 * @return User
	 * @throws JwtLoginException
	 */
	public function complete( JwtLoginAttempt $attempt ): User {
		$claims = $attempt->claims;
		// Only now, with every check passed, is the token used up. exp is
		// within the maximum lifetime of now (the native check), so in range.
		$replayKey = mws_ta_jwt_replay_key( $attempt->jwt, $attempt->issuer,
			is_string( $claims['jti'] ?? null ) ? $claims['jti'] : null );
		$expires = (int)ceil( (float)$claims['exp'] ) + $this->leeway();
		if ( !$this->replays->claimOnce( TokenStore::KIND_JWT_SEEN, $replayKey, $expires ) ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-replayed', [], 401 );
		}

		$user = $attempt->mode === JwtLoginAttempt::CREATE
			? $this->createAccount( $attempt )
			: $this->userFactory->newFromId( $attempt->userId );
		$this->adopt( $attempt, $user );
		// For an account that exists, this is AuthManager's way to log the
		// session in (a new session id, the user's session data).
		$status = $this->authManager->autoCreateUser( $user, AuthManager::AUTOCREATE_SOURCE_SESSION, true );
		if ( !$status->isOK() ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-autocreate-failed',
				[ $status->getMessage()->text() ], 403 );
		}

		$entry = new ManualLogEntry( 'tokenauth', 'jwtlogin' );
		$entry->setPerformer( $user );
		$entry->setTarget( $user->getUserPage() );
		$entry->setParameters( [ '4::issuer' => $attempt->issuer ] );
		$entry->insert();
		$this->logger->info( 'JWT login of user #{id} ({mode})', [ 'id' => $user->getId(), 'mode' => $attempt->mode ] );
		return $user;
	}

	/**
	 * Links the JWT's subject to $user unless it is linked already, then
	 * updates the account's profile and groups from the claims.
	 *
	 * @param JwtLoginAttempt $attempt From check() or checkJwt()
	 * @param User $user The account it names, created if it did not exist
	 * @throws JwtLoginException
	 */
	public function adopt( JwtLoginAttempt $attempt, User $user ): void {
		if ( $attempt->mode !== JwtLoginAttempt::LINKED ) {
			$this->linkAccount( $attempt, $user );
		}
		$link = $this->links->find( $attempt->issuer, $attempt->subject );
		if ( !$link || $link->userId !== $user->getId() ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-name-taken', [ $user->getName() ], 403 );
		}
		$this->applyProfile( $user, $attempt->claims );
		$this->syncGroups( $user, $attempt->claims, $link );
	}

	/**
	 * A service account is a service's, never a person's: no JWT signs in
	 * to it, also when its name is the token's preferred_username.
	 *
	 * @param UserIdentity $user
	 * @throws JwtLoginException
	 */
	private function refuseServiceAccount( UserIdentity $user ): void {
		if ( $this->serviceAccounts->isServiceAccount( $user ) ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-service-account', [ $user->getName() ], 403 );
		}
	}

	/**
	 * Whether a name has letters of more than one of the Latin, Greek and
	 * Cyrillic scripts, the usual way to spell a look-alike of an existing
	 * name ("Аdmin" with a Cyrillic А). A cheap guard, not a confusables
	 * table: links by subject already keep such a name from reaching the
	 * account it imitates; this keeps it from being created.
	 */
	public static function mixesScripts( string $name ): bool {
		$scripts = 0;
		foreach ( [ '/\p{Latin}/u', '/\p{Greek}/u', '/\p{Cyrillic}/u' ] as $script ) {
			$scripts += preg_match( $script, $name );
		}
		return $scripts > 1;
	}

	/**
	 * The JWT of an Authorization field or header, or null when there is
	 * none. As JWTAuth: "Bearer:" or "Bearer " (here in any case), then the
	 * token with any whitespace removed ("Bearer:<jwt>" included).
	 */
	public static function bearer( string $authorization ): ?string {
		if ( !preg_match( '/^\s*bearer(?::|\s)(.*)$/is', $authorization, $m ) ) {
			return null;
		}
		$jwt = preg_replace( '/\s+/', '', $m[1] );
		return $jwt === '' ? null : $jwt;
	}

	/**
	 * Creates the account of a subject's first login; without logging in,
	 * which waits until the link is recorded.
	 *
	 * @param JwtLoginAttempt $attempt
	 * @return User
	 * @throws JwtLoginException
	 */
	private function createAccount( JwtLoginAttempt $attempt ): User {
		$user = $this->userFactory->newFromName( $attempt->userName );
		if ( !$user ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-bad-username', [ $attempt->userName ], 400 );
		}
		$status = $this->authManager->autoCreateUser( $user, AuthManager::AUTOCREATE_SOURCE_SESSION, false );
		if ( !$status->isOK() ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-autocreate-failed',
				[ $status->getMessage()->text() ], 403 );
		}
		if ( $status->hasMessage( 'userexists' ) ) {
			// Created by another request since check(): ours only if that
			// request was this subject's and has linked it (linkAccount()
			// and the final link check decide).
			$link = $this->links->find( $attempt->issuer, $attempt->subject );
			if ( !$link || $link->userId !== $user->getId() ) {
				throw new JwtLoginException( 'tokenauthenticator-jwt-name-taken', [ $user->getName() ], 403 );
			}
		}
		return $user;
	}

	private function linkAccount( JwtLoginAttempt $attempt, User $user ): void {
		if ( $this->links->link( $attempt->issuer, $attempt->subject, $user->getId() ) ) {
			$this->logger->info( 'JWT subject linked to user #{id} ({mode})',
				[ 'id' => $user->getId(), 'mode' => $attempt->mode ] );
		}
		// Otherwise a concurrent login linked first; complete() checks to whom.
	}

	/**
	 * @param string $jwt
	 * @return array The verified claims
	 * @throws JwtLoginException
	 */
	private function verify( string $jwt ): array {
		if ( !self::$debugModeLogged && $this->mainConfig->has( 'JWTAuthDebugMode' )
			&& $this->mainConfig->get( 'JWTAuthDebugMode' )
		) {
			self::$debugModeLogged = true;
			$this->logger->warning( 'TokenAuthenticator: $wgJWTAuthDebugMode is ignored: nothing of a JWT is ever logged' );
		}
		try {
			try {
				return $this->verifier()->verify( $jwt, time() );
			} catch ( RefusedException $e ) {
				// A key the provider added since the set was fetched: fetch
				// it again (KeySet limits how often), and verify once more.
				if ( $e->getCode() !== RefusedException::JWT_UNKNOWN_KEY || !$this->keySet->isConfigured() ) {
					throw $e;
				}
				$fresh = $this->keySet->refetch( [ $this, 'checkKeySet' ] );
				if ( $fresh === null ) {
					throw $e;
				}
				$this->verifier = $this->keySetVerifier( $fresh );
				return $this->verifier->verify( $jwt, time() );
			}
		} catch ( RefusedException $e ) {
			// The native text may quote the token's header: logs only.
			$this->logger->info( 'JWT refused: {reason}', [ 'reason' => $e->getMessage() ] );
			throw new JwtLoginException(
				self::refusalKey( $e->getCode() ),
				$e->getCode() === RefusedException::JWT_LIFETIME
					? [ (int)$this->options->get( 'TokenAuthenticatorJWTMaxLifetime' ) ]
					: [],
				401
			);
		}
	}

	/**
	 * What the user is told for each reason of RefusedException. Not a class
	 * constant: PHP evaluates those when the class is first instantiated, and
	 * without the native module this service is still built, for
	 * Special:JWTLogin to answer that it is missing (NativeModule).
	 *
	 * @param int $code
	 * @return string Message key
	 */
	private static function refusalKey( int $code ): string {
		$keys = [
			RefusedException::JWT_MALFORMED => 'tokenauthenticator-jwt-refused-malformed',
			RefusedException::JWT_ALGORITHM => 'tokenauthenticator-jwt-refused-algorithm',
			RefusedException::JWT_SIGNATURE => 'tokenauthenticator-jwt-refused-signature',
			RefusedException::JWT_EXPIRED => 'tokenauthenticator-jwt-refused-expired',
			RefusedException::JWT_NOT_YET_VALID => 'tokenauthenticator-jwt-refused-not-yet-valid',
			RefusedException::JWT_ISSUER => 'tokenauthenticator-jwt-refused-issuer',
			RefusedException::JWT_AUDIENCE => 'tokenauthenticator-jwt-refused-audience',
			RefusedException::JWT_CLAIMS => 'tokenauthenticator-jwt-refused-claims',
			RefusedException::JWT_LIFETIME => 'tokenauthenticator-jwt-refused-lifetime',
			RefusedException::JWT_UNKNOWN_KEY => 'tokenauthenticator-jwt-refused-unknown-key',
			RefusedException::JWT_KEY_REFUSED => 'tokenauthenticator-jwt-refused-key-refused',
		];
		return $keys[$code] ?? 'tokenauthenticator-jwt-refused';
	}

	/**
	 * The native verifier, built once from the settings (the key parsed
	 * once); a setting it refuses is the administrator's mistake, said so
	 * and where to look.
	 *
	 * @return JwtVerifier
	 * @throws JwtLoginException
	 */
	private function verifier(): JwtVerifier {
		if ( $this->verifier ) {
			return $this->verifier;
		}
		[ $alg, $issuer, $audience ] = $this->verifierSettings();
		if ( $this->keySet->isConfigured() ) {
			if ( $this->options->get( 'TokenAuthenticatorJWTKey' ) !== null ) {
				throw new JwtLoginException( 'tokenauthenticator-jwt-key-and-key-set',
					[ '$mwsgTokenAuthenticatorJWTKey', $this->keySet->settingName() ], 500 );
			}
			try {
				$jwks = $this->keySet->current( [ $this, 'checkKeySet' ] );
			} catch ( KeySetException $e ) {
				$this->logger->error( 'TokenAuthenticator: no usable JWT key set ({setting}): {problem}',
					[ 'setting' => $this->keySet->settingName(), 'problem' => $e->getMessage() ] );
				// A provider's set may be back soon; the wiki's own is a mistake.
				if ( $this->keySet->isFetched() ) {
					Services::getMetrics()->outage( Metrics::KEY_SET );
				}
				throw $this->keySet->isFetched()
					? new JwtLoginException( 'tokenauthenticator-jwt-key-set-unavailable',
						[ $this->keySet->settingName() ], 503 )
					: new JwtLoginException( 'tokenauthenticator-jwt-misconfigured', [], 500 );
			}
			return $this->verifier = $this->keySetVerifier( $jwks );
		}
		$key = $this->requiredSetting( 'TokenAuthenticatorJWTKey' );
		try {
			$this->verifier = new JwtVerifier( $alg, $key, $issuer, $audience, $this->leeway(),
				(int)$this->options->get( 'TokenAuthenticatorJWTMaxLifetime' ) );
		} catch ( NativeConfigurationException $e ) {
			$this->logger->error( 'JWT login is misconfigured: {problem}', [ 'problem' => $e->getMessage() ] );
			throw new JwtLoginException( 'tokenauthenticator-jwt-misconfigured', [], 500 );
		}
		return $this->verifier;
	}

	/**
	 * The algorithms, issuer and audience every verifier is built with.
	 *
	 * @return array [ string|string[] algorithms, issuer, audience ]
	 * @throws JwtLoginException
	 */
	private function verifierSettings(): array {
		$alg = $this->setting( 'TokenAuthenticatorJWTAlgorithm' );
		if ( $alg === null || $alg === '' || $alg === [] ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-not-configured', [ '$mwsgTokenAuthenticatorJWTAlgorithm' ], 500 );
		}
		$issuer = $this->options->get( 'TokenAuthenticatorJWTIssuer' );
		$audience = $this->options->get( 'TokenAuthenticatorJWTAudience' );
		if ( !is_string( $issuer ) || $issuer === '' || !is_string( $audience ) || $audience === '' ) {
			// JWTAuth checks neither, so a migrated wiki lacks both: never accept unchecked.
			throw new JwtLoginException( 'tokenauthenticator-jwt-needs-issuer-audience',
				[ '$mwsgTokenAuthenticatorJWTIssuer', '$mwsgTokenAuthenticatorJWTAudience' ], 500 );
		}
		return [ is_array( $alg ) ? array_values( $alg ) : $alg, $issuer, $audience ];
	}

	/**
	 * Throws for a key set the native reader refuses with these settings; a
	 * fetched set is checked so before it is kept.
	 *
	 * @param string $jwks
	 * @throws NativeConfigurationException
	 */
	public function checkKeySet( string $jwks ): void {
		[ $alg, $issuer, $audience ] = $this->verifierSettings();
		$verifier = JwtVerifier::withKeySet( $alg, $jwks, $issuer, $audience, $this->leeway(),
			(int)$this->options->get( 'TokenAuthenticatorJWTMaxLifetime' ) );
		$this->checked = [ $jwks, $verifier ];
		foreach ( $verifier->skippedKeys() as $skipped ) {
			$this->logger->info( 'TokenAuthenticator: key {kid} of the JWT key set is not used: {problem}',
				[ 'kid' => $skipped['kid'] ?? '(no kid)', 'problem' => $skipped['message'] ] );
		}
	}

	/**
	 * @param string $jwks A set checkKeySet() accepted
	 * @return JwtVerifier
	 * @throws JwtLoginException
	 */
	private function keySetVerifier( string $jwks ): JwtVerifier {
		if ( $this->checked && $this->checked[0] === $jwks ) {
			return $this->checked[1];
		}
		[ $alg, $issuer, $audience ] = $this->verifierSettings();
		try {
			return JwtVerifier::withKeySet( $alg, $jwks, $issuer, $audience, $this->leeway(),
				(int)$this->options->get( 'TokenAuthenticatorJWTMaxLifetime' ) );
		} catch ( NativeConfigurationException $e ) {
			$this->logger->error( 'JWT login is misconfigured: {problem}', [ 'problem' => $e->getMessage() ] );
			throw new JwtLoginException( 'tokenauthenticator-jwt-misconfigured', [], 500 );
		}
	}

	/**
	 * @param string $name
	 * @return string
	 * @throws JwtLoginException
	 */
	private function requiredSetting( string $name ): string {
		$value = $this->setting( $name );
		if ( !is_string( $value ) || $value === '' ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-not-configured', [ '$mwsg' . $name ], 500 );
		}
		return $value;
	}

	/**
	 * Our setting; when it is unset (null, or an empty mapping), JWTAuth's
	 * of the same meaning, so that an admin's LocalSettings.php keeps working.
	 *
	 * @param string $name
	 * @return mixed
	 */
	private function setting( string $name ) {
		$value = $this->options->get( $name );
		$legacy = self::JWTAUTH_SETTINGS[$name] ?? null;
		if ( ( $value === null || $value === [] ) && $legacy !== null && $this->mainConfig->has( $legacy ) ) {
			return $this->mainConfig->get( $legacy );
		}
		return $value;
	}

	/**
	 * The claim that carries the groups: JWTAuth's $wgJWTGroupsClaimName, or "groups".
	 */
	private function groupsClaimName(): string {
		$name = $this->mainConfig->has( 'JWTGroupsClaimName' ) ? $this->mainConfig->get( 'JWTGroupsClaimName' ) : null;
		return is_string( $name ) && $name !== '' ? $name : 'groups';
	}

	private function leeway(): int {
		return max( 0, (int)$this->options->get( 'TokenAuthenticatorJWTLeeway' ) );
	}

	private function applyProfile( User $user, array $claims ): void {
		$realName = trim( implode( ' ', array_filter( [
			is_string( $claims['given_name'] ?? null ) ? $claims['given_name'] : '',
			is_string( $claims['family_name'] ?? null ) ? $claims['family_name'] : '',
		] ) ) );
		$email = $claims['email'] ?? null;
		$changed = false;
		if ( $realName !== '' && $realName !== $user->getRealName() ) {
			$user->setRealName( $realName );
			$changed = true;
		}
		if ( is_string( $email ) && Sanitizer::validateEmail( $email ) && $email !== $user->getEmail() ) {
			$user->setEmail( $email );
			$changed = true;
		}
		if ( $changed ) {
			$user->saveSettings();
		}
	}

	/**
	 * The JWT groups of the groups claim: a comma list (as JWTAuth sends it)
	 * or a JSON array of strings.
	 *
	 * @param array $claims
	 * @return string[]
	 */
	public static function claimedGroups( array $claims, string $claimName = 'groups' ): array {
		$groups = $claims[$claimName] ?? null;
		if ( is_string( $groups ) ) {
			$groups = explode( ',', $groups );
		}
		if ( !is_array( $groups ) ) {
			return [];
		}
		$out = [];
		foreach ( $groups as $group ) {
			if ( is_string( $group ) && trim( $group ) !== '' ) {
				$out[] = trim( $group );
			}
		}
		return $out;
	}

	/**
	 * Adds the wiki groups that the claimed groups map to, and records them
	 * as added by JWT login. With $mwsgTokenAuthenticatorJWTRemoveUnmappedGroups
	 * it removes groups that JWT login added and the token no longer maps
	 * to; a group the account had otherwise (granted by hand, say) is never
	 * removed, and is not recorded when a claim maps to it too.
	 */
	private function syncGroups( User $user, array $claims, JwtLink $link ): void {
		$mapping = (array)$this->setting( 'TokenAuthenticatorJWTGroupMapping' );
		$claimed = self::claimedGroups( $claims, $this->groupsClaimName() );
		$wanted = [];
		foreach ( $mapping as $jwtGroup => $wikiGroups ) {
			if ( in_array( (string)$jwtGroup, $claimed, true ) ) {
				foreach ( (array)$wikiGroups as $group ) {
					$wanted[(string)$group] = true;
				}
			}
		}
		$current = $this->userGroupManager->getUserGroups( $user );
		// What we added before and is still there: an admin may have removed some.
		$ours = array_values( array_intersect( $link->addedGroups, $current ) );
		foreach ( array_diff( array_keys( $wanted ), $current ) as $group ) {
			if ( $this->userGroupManager->addUserToGroup( $user, $group ) ) {
				$ours[] = $group;
			}
		}
		if ( $this->options->get( 'TokenAuthenticatorJWTRemoveUnmappedGroups' ) ) {
			foreach ( array_diff( $ours, array_keys( $wanted ) ) as $group ) {
				$this->userGroupManager->removeUserFromGroup( $user, $group );
			}
			$ours = array_values( array_intersect( $ours, array_keys( $wanted ) ) );
		}
		sort( $ours );
		if ( $ours !== $link->addedGroups ) {
			$this->links->setAddedGroups( $link, $ours );
		}
	}
}
