<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use ManualLogEntry;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Error\InvalidSettingException;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Extension\TokenAuthenticator\Setup\SettingReader;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\ExpiredRows;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\StoredToken;
use MediaWiki\Extension\TokenAuthenticator\TokenStore\TokenStore;
use MediaWiki\User\UserIdentity;
use SpecialPage;
use Wikimedia\Rdbms\ILoadBalancer;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * App tokens: minted for a service key with appTokens,
 * redeemable as "Authorization: AppToken" until they expire, only from that
 * key's CIDR, and never interchangeable with user tokens.
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
	private ServiceKeyLookup $lookup;
	private ServiceAccounts $accounts;
	private ILoadBalancer $loadBalancer;
	private Metrics $metrics;

	private const LIST_TABLE = 'mws_app_token';

	public function __construct(
		ServiceOptions $options, TokenStore $store, ServiceKeyLookup $lookup, ServiceAccounts $accounts,
		ILoadBalancer $loadBalancer, Metrics $metrics
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
		$this->lookup = $lookup;
		$this->accounts = $accounts;
		$this->loadBalancer = $loadBalancer;
		$this->metrics = $metrics;
	}

	/**
	 * The one check of an app token: the key that minted it when the
	 * token is live, was minted with a secret the key still accepts
	 * (isBoundTo()), the key still exists, may mint app tokens and has
	 * not expired, and its account is a service account; otherwise why not,
	 * as the message key, HTTP status and parameters that refuse it. A user
	 * token is never found: tokens are looked up by kind.
	 *
	 * @param string $token
	 * @return ServiceKey|array{0: string, 1: int, 2: string[]}
	 * @throws InvalidSettingException
	 */
	public function check( string $token ) {
		$stored = $this->store->peek( TokenStore::KIND_APP, $token );
		$serviceKey = $stored && $stored->keyName !== null ? $this->lookup->get( $stored->keyName ) : null;
		if ( !$stored || !$serviceKey || !$serviceKey->appTokens || $serviceKey->user !== $stored->user->getName()
			|| !self::isBoundTo( $stored, $serviceKey )
		) {
			return [ 'tokenauthenticator-error-invalid-credential', 401, [] ];
		}
		if ( $serviceKey->isExpired( time() ) ) {
			return [ 'tokenauthenticator-error-expired-credential', 401, [] ];
		}
		if ( !( $this->accounts->find( $serviceKey->user )[1] ?? false ) ) {
			return [ 'tokenauthenticator-error-not-service-account', 403, [ $serviceKey->user ] ];
		}
		return $serviceKey;
	}

	/**
	 * Mints an app token, records it in Special:Log, and returns the salted
	 * envelope that carries it.
	 *
	 * @param ServiceKey $serviceKey
	 * @param string $binding mws_ta_app_token_binding() of the secret the request sent: the
	 *   token lives only as long as that secret is accepted (a rotation's
	 *   overlap, a revocation)
	 * @param UserIdentity $serviceUser
	 * @param string $verifyCallback The envelope's verifyCallback
	 * @param string $ip The client's address, for the list of live tokens
	 * @return string
	 * @throws InvalidSettingException Without a salt or with an invalid TTL
	 */
	public function mint(
		ServiceKey $serviceKey, string $binding, UserIdentity $serviceUser, string $verifyCallback, string $ip
	): string {
		$salt = SettingReader::salt( $this->options );
		$ttl = SettingReader::seconds( $this->options, 'TokenAuthenticatorAppTokenTTL' );
		$token = $this->store->mint( TokenStore::KIND_APP, $serviceUser, $ttl, $serviceKey->id, $binding );

		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$now = (int)ConvertibleTimestamp::now( TS_UNIX );
		ExpiredRows::purgeAfterResponse( $this->loadBalancer, self::LIST_TABLE, 'at_expires' );
		$db->insert( self::LIST_TABLE, [
			'at_hash' => mws_ta_token_hash( $token ),
			'at_principal' => $serviceKey->id,
			'at_created' => $db->timestamp( $now ),
			'at_expires' => $db->timestamp( $now + max( 1, $ttl ) ),
			'at_ip' => $ip,
		], __METHOD__ );

		$entry = new ManualLogEntry( 'tokenauth', 'apptoken' );
		$entry->setPerformer( $serviceUser );
		$entry->setTarget( SpecialPage::getTitleFor( 'Log', 'tokenauth' ) );
		$entry->setParameters( [ '4::principal' => $serviceKey->id, '5::ttl' => $ttl ] );
		$entry->insert();
		$this->metrics->minted( Metrics::APP_TOKEN );

		return mws_ta_envelope_encode( $salt, $verifyCallback, $token );
	}

	/**
	 * The live app tokens of a key, newest first.
	 *
	 * @param string $serviceKey The key's name
	 * @return array[] Each [ 'id' => int, 'created' => unix, 'expires' => unix, 'ip' => string ]
	 */
	public function live( string $serviceKey ): array {
		$db = $this->loadBalancer->getConnection( DB_REPLICA );
		$res = $db->select( self::LIST_TABLE, [ 'at_id', 'at_created', 'at_expires', 'at_ip' ], [
			'at_principal' => $serviceKey,
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
	 * @param string $serviceKey The key's name
	 * @param int|null $id One token of the list, or null for all of the key's
	 * @return int How many were live
	 */
	public function revoke( string $serviceKey, ?int $id = null ): int {
		$db = $this->loadBalancer->getConnection( DB_PRIMARY );
		$conds = [ 'at_principal' => $serviceKey ] + ( $id === null ? [] : [ 'at_id' => $id ] );
		$hashes = $db->selectFieldValues( self::LIST_TABLE, 'at_hash', $conds, __METHOD__ );
		foreach ( $hashes as $hash ) {
			$this->store->revoke( TokenStore::KIND_APP, (string)$hash );
		}
		$db->delete( self::LIST_TABLE, $conds, __METHOD__ );
		return count( $hashes );
	}

	/**
	 * Whether an app token was minted by $serviceKey with a secret it still
	 * accepts: a new secret under the same name voids the old one's tokens
	 * (for a created key, once the rotation's overlap has ended), and a token
	 * minted with the secret before a rotation ends with the overlap.
	 */
	public static function isBoundTo( StoredToken $token, ServiceKey $serviceKey ): bool {
		if ( $token->binding === null ) {
			return false;
		}
		$bound = false;
		foreach ( $serviceKey->acceptedHashes( time() ) as $hash ) {
			$bound = mws_ta_equals( mws_ta_app_token_binding( $hash ), $token->binding ) || $bound;
		}
		return $bound;
	}
}
