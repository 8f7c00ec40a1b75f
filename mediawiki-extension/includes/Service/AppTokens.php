<?php

namespace MediaWiki\Extension\TokenAuthenticator\Service;

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

	public function __construct( ServiceOptions $options, TokenStore $store ) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
	}

	/**
	 * Mints an app token, records it in Special:Log, and returns the salted
	 * envelope that carries it.
	 *
	 * @param Principal $principal
	 * @param UserIdentity $serviceUser
	 * @param string $verifyCallback Absolute URL where the token is used
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
