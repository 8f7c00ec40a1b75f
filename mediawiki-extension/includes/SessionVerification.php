<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\User\UserFactory;
use MediaWiki\User\UserIdentity;
use MwsTokenAuthenticator\Exception as NativeException;

/**
 * Tokens of action=session_verification: "v1.<user id>.<issued at>.<hmac>",
 * signed by the native extension with a key per user. The key mixes in the
 * user's token (user_token), which MediaWiki replaces when the user logs out
 * everywhere or changes their password, so those revoke every token issued
 * before.
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
	private TokenStore $tokenStore;
	private string $secretKey;

	/**
	 * @param ServiceOptions $options
	 * @param UserFactory $userFactory
	 * @param TokenStore $tokenStore Records used tokens in single-use mode
	 * @param string $secretKey $wgSecretKey, used when no secret of ours is set
	 */
	public function __construct(
		ServiceOptions $options, UserFactory $userFactory, TokenStore $tokenStore, string $secretKey
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->userFactory = $userFactory;
		$this->tokenStore = $tokenStore;
		$this->secretKey = $secretKey;
	}

	/**
	 * Whether $user may get a token: not a locked or sitewide-blocked account.
	 */
	public function mayIssue( UserIdentity $user ): bool {
		return $user->isRegistered() && !AccountBlock::isBarred( $user );
	}

	public function issue( UserIdentity $user ): string {
		return mws_ta_sv_sign( $this->keyFor( $user ), $user->getId(), time() );
	}

	/**
	 * @param string $token
	 * @return array{userId: int, age: int}|null Null for any invalid, revoked or too old token
	 */
	public function verify( string $token ): ?array {
		try {
			$parsed = mws_ta_sv_parse( $token );
		} catch ( NativeException $e ) {
			return null;
		}
		$user = $this->userFactory->newFromId( $parsed['userId'] );
		if ( !$user->isRegistered() || !mws_ta_sv_verify( $this->keyFor( $user ), $token ) ) {
			return null;
		}
		$age = time() - $parsed['issuedAt'];
		$maxAge = (int)$this->options->get( 'TokenAuthenticatorSessionVerificationMaxAge' );
		if ( $age < -self::FUTURE_LEEWAY || ( $maxAge > 0 && $age > $maxAge ) ) {
			return null;
		}
		if ( AccountBlock::isBarred( $user ) ) {
			return null;
		}
		if ( $this->options->get( 'TokenAuthenticatorSessionVerificationSingleUse' ) ) {
			// The signature made it valid; the record makes it valid once.
			$until = $maxAge > 0
				? $parsed['issuedAt'] + $maxAge + self::FUTURE_LEEWAY
				: time() + self::NO_MAX_AGE_RECORD;
			if ( !$this->tokenStore->claimOnce( TokenStore::KIND_SV_SEEN, $token, $until ) ) {
				return null;
			}
		}
		return [ 'userId' => $user->getId(), 'age' => max( 0, $age ) ];
	}

	/**
	 * The signing key of one user: HMAC(secret, user id and user_token).
	 */
	private function keyFor( UserIdentity $identity ): string {
		$user = $this->userFactory->newFromUserIdentity( $identity );
		$secret = $this->options->get( 'TokenAuthenticatorSessionVerificationSecret' );
		if ( !is_string( $secret ) || $secret === '' ) {
			$secret = $this->secretKey;
		}
		return mws_ta_hmac_sha256(
			$secret,
			"mws-session-verification\0" . $user->getId() . "\0" . $user->getToken( false )
		);
	}
}
