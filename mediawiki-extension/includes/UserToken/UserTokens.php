<?php

namespace MediaWiki\Extension\TokenAuthenticator\UserToken;

use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\SettingReader;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\StoredToken;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\User\UserIdentity;

/**
 * Minting and redeeming user tokens: short-lived, single use by default, and
 * never redeemable as any other kind of token.
 */
class UserTokens {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorUserTokenTTL',
		'TokenAuthenticatorSingleUse',
		'TokenAuthenticatorSalt',
		'TokenAuthenticatorAllowAnonymous',
	];

	private ServiceOptions $options;
	private TokenStore $store;
	private Metrics $metrics;

	public function __construct( ServiceOptions $options, TokenStore $store, Metrics $metrics ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
		$this->metrics = $metrics;
	}

	public function allowsAnonymous(): bool {
		return (bool)$this->options->get( 'TokenAuthenticatorAllowAnonymous' );
	}

	/**
	 * @param UserIdentity $user
	 * @return string The plain token
	 */
	public function mint( UserIdentity $user ): string {
		$token = $this->store->mint( TokenStore::KIND_USER, $user, $this->ttl() );
		$this->metrics->minted( Metrics::USER_TOKEN );
		return $token;
	}

	/**
	 * Wraps a token in the salted envelope that names this wiki.
	 *
	 * @param string $token
	 * @param string $verifyCallback The envelope's verifyCallback (VerifyCallback)
	 * @return string
	 * @throws InvalidSettingException when no salt is configured
	 */
	public function wrap( string $token, string $verifyCallback ): string {
		return mws_ta_envelope_encode( $this->salt(), $verifyCallback, $token );
	}

	/**
	 * @param string $token The plain token (for a salted one, its "token" field)
	 * @return StoredToken|null Null for unknown, expired, used or malformed tokens
	 *   alike (and anonymous ones unless allowed); for a registered user, with
	 *   the account's epoch
	 */
	public function redeem( string $token ): ?StoredToken {
		$stored = $this->options->get( 'TokenAuthenticatorSingleUse' )
			? $this->store->consume( TokenStore::KIND_USER, $token )
			: $this->store->peek( TokenStore::KIND_USER, $token );
		if ( !$stored ) {
			return null;
		}
		$id = $stored->user->getId();
		if ( $id === 0 ) {
			return $this->allowsAnonymous() ? $stored : null;
		}
		// A store that did not read it with the token is asked now.
		$stored->accountEpoch ??= $this->store->accountEpoch( $id );
		return $stored;
	}

	/**
	 * @return string
	 * @throws InvalidSettingException
	 */
	public function salt(): string {
		return SettingReader::salt( $this->options );
	}

	private function ttl(): int {
		return SettingReader::seconds( $this->options, 'TokenAuthenticatorUserTokenTTL' );
	}
}
