<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceAuth;

use ManualLogEntry;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\ConfigurationException;
use MediaWiki\Extension\TokenAuthenticator\ExpiredRows;
use MediaWiki\Extension\TokenAuthenticator\SettingReader;
use MediaWiki\Extension\TokenAuthenticator\StoredToken;
use MediaWiki\Extension\TokenAuthenticator\TokenStore;
use MediaWiki\User\UserIdentity;
use SpecialPage;
use Wikimedia\Rdbms\ILoadBalancer;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * Dynamic service tokens: minted for an ApiKey principal with appTokens,
 * redeemable as "Authorization: AppToken" until they expire, only from that
 * principal's CIDR, and never interchangeable with user tokens.
 *
 * Each mint is also listed in mws_app_token (the token's hash, its key,
 * when, from where), whatever the token store: the store may be a cache,
 * which cannot list its entries, and Special:ServiceKeys lists and revokes
 * live tokens.
 */
class AppTokens {
	public const CONSTRUCTOR_OPTIONS = [
		'TokenAuthenticatorAppTokenTTL',
		'TokenAuthenticatorSalt',
	];

	private ServiceOptions $options;
	private TokenStore $store;
	private PrincipalRegistry $registry;
	private ServiceAccounts $accounts;
	private ILoadBalancer $loadBalancer;

	private const LIST_TABLE = 'mws_app_token';

	public function __construct(
		ServiceOptions $options, TokenStore $store, PrincipalRegistry $registry, ServiceAccounts $accounts,
		ILoadBalancer $loadBalancer
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
		$this->registry = $registry;
		$this->accounts = $accounts;
		$this->loadBalancer = $loadBalancer;
	}

	/**
	 * The one check of an app token: the principal that minted it when the
	 * token is live, was minted with a secret the principal still accepts
	 * (isBoundTo()), the principal still exists, may mint app tokens and has
	 * not expired, and its account is a service account; otherwise why not,
	 * as the message key, HTTP status and parameters that refuse it. A user
	 * token is never found: tokens are looked up by kind.
	 *
	 * @param string $token
	 * @return Principal|array{0: string, 1: int, 2: string[]}
	 * @throws ConfigurationException
	 */
	public function check( string $token ) {
		$stored = $this->store->peek( TokenStore::KIND_APP, $token );
		$principal = $stored && $stored->principal !== null ? $this->registry->get( $stored->principal ) : null;
		if ( !$stored || !$principal || !$principal->appTokens || $principal->user !== $stored->user->getName()
			|| !self::isBoundTo( $stored, $principal )
		) {
			return [ 'tokenauthenticator-error-invalid-credential', 401, [] ];
		}
		if ( $principal->isExpired( time() ) ) {
			return [ 'tokenauthenticator-error-expired-credential', 401, [] ];
		}
		if ( !( $this->accounts->find( $principal->user )[1] ?? false ) ) {
			return [ 'tokenauthenticator-error-not-service-account', 403, [ $principal->user ] ];
		}
		return $principal;
	}

	/**
	 * Mints an app token, records it in Special:Log, and returns the salted
	 * envelope that carries it.
	 *
	 * @param Principal $principal
	 * @param string $binding binding() of the secret the request sent: the
	 *   token lives only as long as that secret is accepted (a rotation's
	 *   overlap, a revocation)
	 * @param UserIdentity $serviceUser
	 * @param string $verifyCallback The envelope's verifyCallback
	 * @param string $ip The client's address, for the list of live tokens
	 * @return string
	 * @throws ConfigurationException Without a salt or with an invalid TTL
	 */
	public function mint(
		Principal $principal, string $binding, UserIdentity $serviceUser, string $verifyCallback, string $ip
	): string {
		$salt = SettingReader::salt( $this->options );
		$ttl = SettingReader::seconds( $this->options, 'TokenAuthenticatorAppTokenTTL' );
		$token = $this->store->mint( TokenStore::KIND_APP, $serviceUser, $ttl, $principal->id, $binding );

		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$now = (int)ConvertibleTimestamp::now( TS_UNIX );
		ExpiredRows::purgeAfterResponse( $this->loadBalancer, self::LIST_TABLE, 'at_expires' );
		$db->insert( self::LIST_TABLE, [
			'at_hash' => mws_ta_token_hash( $token ),
			'at_principal' => $principal->id,
			'at_created' => $db->timestamp( $now ),
			'at_expires' => $db->timestamp( $now + max( 1, $ttl ) ),
			'at_ip' => $ip,
		], __METHOD__ );

		$entry = new ManualLogEntry( 'tokenauth', 'apptoken' );
		$entry->setPerformer( $serviceUser );
		$entry->setTarget( SpecialPage::getTitleFor( 'Log', 'tokenauth' ) );
		$entry->setParameters( [ '4::principal' => $principal->id, '5::ttl' => $ttl ] );
		$entry->insert();

		return mws_ta_envelope_encode( $salt, $verifyCallback, $token );
	}

	/**
	 * The live app tokens of a key, newest first.
	 *
	 * @param string $principal The key's name
	 * @return array[] Each [ 'id' => int, 'created' => unix, 'expires' => unix, 'ip' => string ]
	 */
	public function live( string $principal ): array {
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		$res = $db->select( self::LIST_TABLE, [ 'at_id', 'at_created', 'at_expires', 'at_ip' ], [
			'at_principal' => $principal,
			'at_expires > ' . $db->addQuotes( $db->timestamp() ),
		], __METHOD__, [ 'ORDER BY' => 'at_id DESC' ] );
		$tokens = [];
		foreach ( $res as $row ) {
			$tokens[] = [
				'id' => (int)$row->at_id,
				'created' => (int)ConvertibleTimestamp::convert( TS_UNIX, $row->at_created ),
				'expires' => (int)ConvertibleTimestamp::convert( TS_UNIX, $row->at_expires ),
				'ip' => (string)$row->at_ip,
			];
		}
		return $tokens;
	}

	/**
	 * Ends app tokens at once: one ($id) or every one of a key.
	 *
	 * @param string $principal The key's name
	 * @param int|null $id One token of the list, or null for all of the key's
	 * @return int How many were live
	 */
	public function revoke( string $principal, ?int $id = null ): int {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$conds = [ 'at_principal' => $principal ] + ( $id === null ? [] : [ 'at_id' => $id ] );
		$hashes = $db->selectFieldValues( self::LIST_TABLE, 'at_hash', $conds, __METHOD__ );
		foreach ( $hashes as $hash ) {
			$this->store->revoke( TokenStore::KIND_APP, (string)$hash );
		}
		$db->delete( self::LIST_TABLE, $conds, __METHOD__ );
		return count( $hashes );
	}

	/**
	 * Whether an app token was minted by $principal with a secret it still
	 * accepts: a new secret under the same name voids the old one's tokens
	 * (for a created key, once the rotation's overlap has ended), and a token
	 * minted with the secret before a rotation ends with the overlap.
	 */
	public static function isBoundTo( StoredToken $token, Principal $principal ): bool {
		if ( $token->binding === null ) {
			return false;
		}
		$bound = false;
		foreach ( $principal->acceptedHashes( time() ) as $hash ) {
			$bound = mws_ta_equals( self::binding( $hash ), $token->binding ) || $bound;
		}
		return $bound;
	}

	/**
	 * What ties a token to the secret it was minted with: a hash of the
	 * secret's hash, so the table holds nothing the configuration could be
	 * matched with.
	 */
	public static function binding( string $secretHash ): string {
		return mws_ta_sha256( "mws-apptoken-binding\0" . $secretHash );
	}
}
