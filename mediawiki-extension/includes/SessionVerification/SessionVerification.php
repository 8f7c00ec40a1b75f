<?php

namespace MediaWiki\Extension\TokenAuthenticator\SessionVerification;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\AccountBlock;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\DatabaseTokenStore;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use MwsTokenAuthenticator\RefusedException;
use MwsTokenAuthenticator\SessionVerifier;

/**
 * Tokens of action=session_verification: "v1.<user id>.<issued at>.<hmac>".
 * The rules (a key per user that mixes in the user's user_token, which
 * MediaWiki replaces when the user logs out everywhere or changes their
 * password; the age limit; the clock leeway) are the native SessionVerifier's;
 * this class looks the user up and records single use.
 */
class SessionVerification {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorSessionVerificationMaxAge',
		'TokenAuthenticatorSessionVerificationSecret',
		'TokenAuthenticatorSessionVerificationSingleUse',
	];

	/** How long a single-use token's record is kept when tokens never expire. */
	private const NO_MAX_AGE_RECORD = 10 * 366 * 86400;

	/** Seconds a token may seem to come from the future (clock skew between servers). */
	private const FUTURE_LEEWAY = 60;

	private ServiceOptions $options;
	private UserFactory $userFactory;
	private DatabaseTokenStore $replays;
	private string $secretKey;
	private Metrics $metrics;
	private ?SessionVerifier $verifier = null;

	/**
	 * @param ServiceOptions $options
	 * @param UserFactory $userFactory
	 * @param DatabaseTokenStore $replays Where used tokens are recorded, in single-use mode
	 * @param string $secretKey $wgSecretKey, used when no secret of ours is set
	 * @param Metrics $metrics
	 */
	public function __construct(
		ServiceOptions $options, UserFactory $userFactory, DatabaseTokenStore $replays, string $secretKey,
		Metrics $metrics
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->userFactory = $userFactory;
		$this->replays = $replays;
		$this->secretKey = $secretKey;
		$this->metrics = $metrics;
	}

	/**
	 * Whether $user may get a token: not a locked or sitewide-blocked account.
	 */
	public function mayIssue( UserIdentity $user ): bool {
		return $user->isRegistered() && !AccountBlock::isBarred( $user );
	}

	public function issue( UserIdentity $user ): string {
		$user = $this->userFactory->newFromUserIdentity( $user );
		$token = $this->verifier()->sign( $user->getId(), $user->getToken( false ), time() );
		$this->metrics->minted( Metrics::SESSION_VERIFICATION );
		return $token;
	}

	/**
	 * @param string $token
	 * @return array{userId: int, age: int}|null Null for any invalid, revoked, too old or used token
	 */
	public function verify( string $token ): ?array {
		try {
			$user = $this->userFactory->newFromId( SessionVerifier::userIdOf( $token ) );
			// Loaded now: an id no account has becomes 0 here.
			$user->load();
			if ( !$user->isRegistered() ) {
				$this->metrics->refused( Metrics::SESSION_VERIFICATION, Metrics::INVALID );
				return null;
			}
			if ( AccountBlock::isBarred( $user ) ) {
				$this->metrics->refused( Metrics::SESSION_VERIFICATION, Metrics::BLOCKED );
				return null;
			}
			$verified = $this->verifier()->verify( $token, $user->getToken( false ), time() );
		} catch ( RefusedException $e ) {
			$this->metrics->refused( Metrics::SESSION_VERIFICATION, Metrics::INVALID );
			return null;
		}
		if ( $this->options->get( 'TokenAuthenticatorSessionVerificationSingleUse' ) ) {
			// The signature made it valid; the record makes it valid once.
			$maxAge = (int)$this->options->get( 'TokenAuthenticatorSessionVerificationMaxAge' );
			$until = $maxAge > 0 ? time() - $verified['age'] + $maxAge + self::FUTURE_LEEWAY : time() + self::NO_MAX_AGE_RECORD;
			if ( !$this->replays->claimOnce( TokenStore::KIND_SV_SEEN, $token, $until ) ) {
				$this->metrics->refused( Metrics::SESSION_VERIFICATION, Metrics::REPLAYED );
				return null;
			}
		}
		$this->metrics->verified( Metrics::SESSION_VERIFICATION );
		return $verified;
	}

	/**
	 * The native signer and verifier, built once: the secret (ours, or
	 * $wgSecretKey), the age limit and the clock leeway.
	 */
	private function verifier(): SessionVerifier {
		if ( !$this->verifier ) {
			$secret = $this->options->get( 'TokenAuthenticatorSessionVerificationSecret' );
			if ( !is_string( $secret ) || $secret === '' ) {
				$secret = $this->secretKey;
			}
			$this->verifier = new SessionVerifier(
				$secret,
				max( 0, (int)$this->options->get( 'TokenAuthenticatorSessionVerificationMaxAge' ) ),
				self::FUTURE_LEEWAY
			);
		}
		return $this->verifier;
	}
}
