<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use ManualLogEntry;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MediaWiki\Extension\TokenAuthenticator\SettingReader;
use MediaWiki\Extension\TokenAuthenticator\StoredToken;
use MediaWiki\Extension\TokenAuthenticator\TokenStore;
use MediaWiki\User\UserIdentity;
use SpecialPage;

/**
 * Dynamic service tokens: minted for an ApiKey principal with appTokens,
 * redeemable as "Authorization: AppToken" until they expire, only from that
 * principal's CIDR, and never interchangeable with user tokens.
 */
class AppTokens {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorAppTokenTTL',
		'TokenAuthenticatorSalt',
	];

	private ServiceOptions $options;
	private TokenStore $store;
	private PrincipalRegistry $registry;

	public function __construct( ServiceOptions $options, TokenStore $store, PrincipalRegistry $registry ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
		$this->registry = $registry;
	}

	/**
	 * The one check of an app token: the principal that minted it when the
	 * token is live, was minted with the principal's current secret, and the
	 * principal still exists, may mint app tokens and has not expired;
	 * otherwise the key of the message that refuses it. A user token is
	 * never found: tokens are looked up by kind.
	 *
	 * @param string $token
	 * @return Principal|string
	 * @throws ConfigurationException
	 */
	public function check( string $token ) {
		$stored = $this->store->peek( TokenStore::KIND_APP, $token );
		$principal = $stored && $stored->principal !== null ? $this->registry->get( $stored->principal ) : null;
		if ( !$stored || !$principal || !$principal->appTokens || $principal->user !== $stored->user->getName()
			|| !self::isBoundTo( $stored, $principal )
		) {
			return 'tokenauthenticator-error-invalid-credential';
		}
		if ( $principal->isExpired( time() ) ) {
			return 'tokenauthenticator-error-expired-credential';
		}
		return $principal;
	}

	/**
	 * Mints an app token, records it in Special:Log, and returns the salted
	 * envelope that carries it.
	 *
	 * @param Principal $principal
	 * @param UserIdentity $serviceUser
	 * @param string $verifyCallback The envelope's verifyCallback
	 * @return string
	 * @throws ConfigurationException Without a salt or with an invalid TTL
	 */
	public function mint( Principal $principal, UserIdentity $serviceUser, string $verifyCallback ): string {
		$salt = SettingReader::salt( $this->options );
		$ttl = SettingReader::seconds( $this->options, 'TokenAuthenticatorAppTokenTTL' );
		$token = $this->store->mint( TokenStore::KIND_APP, $serviceUser, $ttl, $principal->id, self::binding( $principal ) );

		$entry = new ManualLogEntry( 'tokenauth', 'apptoken' );
		$entry->setPerformer( $serviceUser );
		$entry->setTarget( SpecialPage::getTitleFor( 'Log', 'tokenauth' ) );
		$entry->setParameters( [ '4::principal' => $principal->id, '5::ttl' => $ttl ] );
		$entry->insert();

		return mws_ta_envelope_encode( $salt, $verifyCallback, $token );
	}

	/**
	 * Whether an app token was minted by $principal with its current
	 * secret: a new secret under the same name voids the old one's tokens.
	 */
	public static function isBoundTo( StoredToken $token, Principal $principal ): bool {
		return $token->binding !== null && mws_ta_equals( self::binding( $principal ), $token->binding );
	}

	/**
	 * What ties a token to the principal's secret: a hash of the secret's
	 * hash, so the table holds nothing the configuration could be matched with.
	 */
	private static function binding( Principal $principal ): string {
		return mws_ta_sha256( "mws-apptoken-binding\0" . $principal->tokenHash );
	}
}
