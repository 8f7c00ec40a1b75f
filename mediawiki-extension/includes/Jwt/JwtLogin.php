<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use ManualLogEntry;
use MediaWiki\Auth\AuthManager;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\TokenStore;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserGroupManager;
use MediaWiki\User\UserNameUtils;
use MwsTokenAuthenticator\Exception as NativeException;
use Psr\Log\LoggerInterface;
use Sanitizer;
use User;

/**
 * Logging in with a signed JWT, as the JWTAuth extension does, with what it
 * lacks: the algorithm is pinned, iss and aud are checked, a token is
 * accepted once, and neither the token nor personal claims are logged.
 * Signature and claim checks are the native extension's (mws_ta_jwt_verify).
 */
class JwtLogin {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorJWTAlgorithm',
		'TokenAuthenticatorJWTKey',
		'TokenAuthenticatorJWTIssuer',
		'TokenAuthenticatorJWTAudience',
		'TokenAuthenticatorJWTLeeway',
		'TokenAuthenticatorJWTGroupMapping',
		'TokenAuthenticatorJWTRemoveUnmappedGroups',
	];

	private ServiceOptions $options;
	private TokenStore $tokenStore;
	private AuthManager $authManager;
	private UserFactory $userFactory;
	private UserNameUtils $userNameUtils;
	private UserGroupManager $userGroupManager;
	private LoggerInterface $logger;

	public function __construct(
		ServiceOptions $options,
		TokenStore $tokenStore,
		AuthManager $authManager,
		UserFactory $userFactory,
		UserNameUtils $userNameUtils,
		UserGroupManager $userGroupManager,
		LoggerInterface $logger
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->tokenStore = $tokenStore;
		$this->authManager = $authManager;
		$this->userFactory = $userFactory;
		$this->userNameUtils = $userNameUtils;
		$this->userGroupManager = $userGroupManager;
		$this->logger = $logger;
	}

	/**
	 * Checks the JWT in an Authorization field ("Bearer: <jwt>" or
	 * "Bearer <jwt>"), creates the user if needed, updates profile and
	 * groups from the claims, and logs the user in on the current session.
	 *
	 * @param string $authorization
	 * @return User
	 * @throws JwtLoginException
	 */
	public function login( string $authorization ): User {
		$jwt = self::bearer( $authorization );
		if ( $jwt === null ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-no-token', [], 400 );
		}
		$claims = $this->verify( $jwt );

		$name = $claims['preferred_username'] ?? null;
		$canonical = is_string( $name )
			? $this->userNameUtils->getCanonical( $name, UserNameUtils::RIGOR_CREATABLE )
			: false;
		if ( $canonical === false ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-bad-username',
				[ is_string( $name ) ? $name : '' ], 400 );
		}

		// Only now, with every check passed, is the token used up.
		$replayKey = isset( $claims['jti'] ) && is_string( $claims['jti'] ) && $claims['jti'] !== ''
			? "jti\0{$claims['iss']}\0{$claims['jti']}"
			: 'jwt' . "\0" . mws_ta_sha256( $jwt );
		$expires = (int)ceil( (float)$claims['exp'] ) + $this->leeway();
		if ( !$this->tokenStore->claimOnce( TokenStore::KIND_JWT_SEEN, $replayKey, $expires ) ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-replayed', [], 401 );
		}

		$user = $this->userFactory->newFromName( $canonical );
		$status = $this->authManager->autoCreateUser( $user, AuthManager::AUTOCREATE_SOURCE_SESSION, true );
		if ( !$status->isOK() ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-autocreate-failed',
				[ $status->getMessage()->text() ], 403 );
		}
		$this->applyProfile( $user, $claims );
		$this->syncGroups( $user, $claims );

		$entry = new ManualLogEntry( 'tokenauth', 'jwtlogin' );
		$entry->setPerformer( $user );
		$entry->setTarget( $user->getUserPage() );
		$entry->setParameters( [ '4::issuer' => (string)$claims['iss'] ] );
		$entry->insert();
		$this->logger->info( 'JWT login of user #{id}', [ 'id' => $user->getId() ] );
		return $user;
	}

	/**
	 * The JWT of an Authorization field, or null when there is none.
	 */
	public static function bearer( string $authorization ): ?string {
		if ( !preg_match( '/^\s*bearer:?\s+(\S+)\s*$/i', $authorization, $m ) ) {
			return null;
		}
		return $m[1];
	}

	/**
	 * @param string $jwt
	 * @return array The verified claims
	 * @throws JwtLoginException
	 */
	private function verify( string $jwt ): array {
		$alg = $this->requiredSetting( 'TokenAuthenticatorJWTAlgorithm' );
		$key = $this->requiredSetting( 'TokenAuthenticatorJWTKey' );
		$issuer = $this->requiredSetting( 'TokenAuthenticatorJWTIssuer' );
		$audience = $this->requiredSetting( 'TokenAuthenticatorJWTAudience' );
		try {
			$json = mws_ta_jwt_verify( $jwt, $alg, $key, $issuer, $audience, time(), $this->leeway() );
		} catch ( NativeException $e ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-invalid', [ $e->getMessage() ], 401 );
		}
		return json_decode( $json, true, 32, JSON_THROW_ON_ERROR );
	}

	/**
	 * @param string $name
	 * @return string
	 * @throws JwtLoginException
	 */
	private function requiredSetting( string $name ): string {
		$value = $this->options->get( $name );
		if ( !is_string( $value ) || $value === '' ) {
			throw new JwtLoginException( 'tokenauthenticator-jwt-not-configured', [ '$mwsg' . $name ], 500 );
		}
		return $value;
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
	 * Adds the groups the "groups" claim maps to; with
	 * $mwsgTokenAuthenticatorJWTRemoveUnmappedGroups, removes mapped groups
	 * that are no longer claimed. Groups outside the mapping are never touched.
	 */
	private function syncGroups( User $user, array $claims ): void {
		$mapping = (array)$this->options->get( 'TokenAuthenticatorJWTGroupMapping' );
		if ( !$mapping ) {
			return;
		}
		$claimed = is_string( $claims['groups'] ?? null )
			? array_filter( array_map( 'trim', explode( ',', $claims['groups'] ) ) )
			: [];
		$managed = [];
		$wanted = [];
		foreach ( $mapping as $jwtGroup => $wikiGroups ) {
			foreach ( (array)$wikiGroups as $group ) {
				$managed[$group] = true;
				if ( in_array( (string)$jwtGroup, $claimed, true ) ) {
					$wanted[$group] = true;
				}
			}
		}
		$current = $this->userGroupManager->getUserGroups( $user );
		foreach ( array_diff( array_keys( $wanted ), $current ) as $group ) {
			$this->userGroupManager->addUserToGroup( $user, $group );
		}
		if ( $this->options->get( 'TokenAuthenticatorJWTRemoveUnmappedGroups' ) ) {
			$stale = array_diff( array_intersect( $current, array_keys( $managed ) ), array_keys( $wanted ) );
			foreach ( $stale as $group ) {
				$this->userGroupManager->removeUserFromGroup( $user, $group );
			}
		}
	}
}
