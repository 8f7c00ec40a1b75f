<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use BagOStuff;
use DeferredUpdates;
use ManualLogEntry;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\TokenAuthenticator\Metrics\Metrics;
use MediaWiki\Permissions\GrantsInfo;
use MediaWiki\User\UserIdentity;
use MwsTokenAuthenticator\CidrSet;
use MwsTokenAuthenticator\Exception as NativeException;
use SpecialPage;
use Wikimedia\Rdbms\DBError;

/**
 * Personal access keys: where one is minted, checked, regenerated and
 * revoked. A key acts only as the user who made it, with the intersection of
 * that user's rights and the key's grants (core's grants, as BotPasswords),
 * from its address ranges, until it expires. The secret is minted natively
 * in a format secret scanners know (PREFIX, a checksum), shown once, and
 * stored as its SHA-256 only.
 */
class PersonalKeys {
	public const CONSTRUCTOR_OPTIONS = [ 'TokenAuthenticatorPersonalKeyMaxLifetime' ];
	/** What begins every personal key (a service key begins with mwsk_). */
	public const PREFIX = 'mwpk_';
	/** Longest name of a key, in bytes (the column). */
	public const MAX_NAME_BYTES = 255;
	/** Seconds between two writes of one key's last use. */
	public const USE_INTERVAL = 60;

	private ServiceOptions $options;
	private PersonalKeyStore $store;
	private GrantsInfo $grantsInfo;
	private BagOStuff $localCache;
	private Metrics $metrics;
	private PersonalKeyNotifications $notifications;

	public function __construct(
		ServiceOptions $options, PersonalKeyStore $store, GrantsInfo $grantsInfo, BagOStuff $localCache,
		Metrics $metrics, PersonalKeyNotifications $notifications
	) {
		$options->assertRequiredOptions( self::CONSTRUCTOR_OPTIONS );
		$this->options = $options;
		$this->store = $store;
		$this->grantsInfo = $grantsInfo;
		$this->localCache = $localCache;
		$this->metrics = $metrics;
		$this->notifications = $notifications;
	}

	/** Longest lifetime of a key, in seconds. */
	public function maxLifetime(): int {
		return max( 3600, (int)$this->options->get( 'TokenAuthenticatorPersonalKeyMaxLifetime' ) );
	}

	/** @return PersonalKey[] $user's keys, by name */
	public function listFor( UserIdentity $user ): array {
		return $this->store->listFor( $user->getId() );
	}

	/**
	 * What happened to $owner's keys lately, for the owner's own list: the
	 * log type is for administrators, but a key revoked as leaked is news
	 * its owner must see.
	 *
	 * @return array[] See PersonalKeyStore::events()
	 */
	public function events( UserIdentity $owner, int $limit = 10 ): array {
		return $this->store->events( $owner->getName(), $limit );
	}

	public function get( int $id ): ?PersonalKey {
		return $this->store->get( $id );
	}

	/**
	 * Makes a key for $owner.
	 *
	 * @param UserIdentity $owner
	 * @param string $name
	 * @param string[] $grants
	 * @param string[] $ranges CIDR ranges; none: any address
	 * @param int $expires Unix time
	 * @return array [ PersonalKey, string the secret, to be shown once ]
	 * @throws PersonalKeyException
	 */
	public function create( UserIdentity $owner, string $name, array $grants, array $ranges, int $expires ): array {
		$name = trim( $name );
		if ( $name === '' || strlen( $name ) > self::MAX_NAME_BYTES || preg_match( '/[\x00-\x1f\x7f]/', $name ) ) {
			throw new PersonalKeyException( 'tokenauthenticator-personalkeys-bad-name', [ self::MAX_NAME_BYTES ] );
		}
		$grants = $this->checkGrants( $grants );
		$ranges = $this->checkRanges( $ranges );
		$now = time();
		if ( $expires <= $now || $expires > $now + $this->maxLifetime() ) {
			throw new PersonalKeyException( 'tokenauthenticator-personalkeys-bad-expiry',
				[ (int)ceil( $this->maxLifetime() / 86400 ) ] );
		}
		$secret = mws_ta_key_mint( self::PREFIX );
		$id = $this->store->insert( $owner->getId(), $name, mws_ta_sha256( $secret ), $grants, $ranges, $now,
			$expires );
		if ( $id === null ) {
			throw new PersonalKeyException( 'tokenauthenticator-personalkeys-name-taken', [ $name ] );
		}
		$key = new PersonalKey( $id, $owner->getId(), $name, $grants, $ranges, $now, $expires );
		$this->log( 'personalkey-create', $owner, $owner, $key );
		$this->metrics->minted( Metrics::PERSONAL_KEY );
		return [ $key, $secret ];
	}

	/**
	 * A new secret for $key; the old one stops working at once.
	 *
	 * @return string The new secret, to be shown once
	 */
	public function regenerate( PersonalKey $key, UserIdentity $performer, UserIdentity $owner ): string {
		$secret = mws_ta_key_mint( self::PREFIX );
		$this->store->rehash( $key->id, mws_ta_sha256( $secret ), time() );
		$this->log( 'personalkey-regenerate', $performer, $owner, $key );
		$this->metrics->minted( Metrics::PERSONAL_KEY );
		return $secret;
	}

	/**
	 * @param PersonalKey $key
	 * @param UserIdentity $performer The owner or an administrator
	 * @param UserIdentity $owner
	 * @return bool Whether this call revoked it
	 */
	public function revoke( PersonalKey $key, UserIdentity $performer, UserIdentity $owner ): bool {
		return $this->delete( $key, $performer, $owner, 'personalkey-revoke' );
	}

	/**
	 * Revokes a key whose secret someone reported as leaked, and tells its
	 * owner (Special:Log; Echo when installed).
	 *
	 * @param PersonalKey $key
	 * @param UserIdentity $reporter Who the log names as performer
	 * @param UserIdentity $owner
	 * @return bool Whether this call revoked it
	 */
	public function revokeLeaked( PersonalKey $key, UserIdentity $reporter, UserIdentity $owner ): bool {
		if ( !$this->delete( $key, $reporter, $owner, 'personalkey-leaked' ) ) {
			return false;
		}
		$this->notifications->leaked( $key );
		return true;
	}

	private function delete( PersonalKey $key, UserIdentity $performer, UserIdentity $owner, string $action ): bool {
		if ( !$this->store->delete( $key->id ) ) {
			return false;
		}
		$this->log( $action, $performer, $owner, $key );
		return true;
	}

	/**
	 * The stored key of a secret sent by a client. Callers first ask
	 * isPersonalKey(), so that a typo is refused before any lookup and
	 * answered as malformed.
	 */
	public function find( string $secret ): ?PersonalKey {
		return $this->store->findByHash( mws_ta_sha256( $secret ) );
	}

	/**
	 * Reminds the owners of keys that expire within a week, once per key
	 * (maintenance/remindPersonalKeys.php; key use does it too).
	 *
	 * @return int Reminders sent
	 */
	public function remindExpiring( int $now ): int {
		$sent = 0;
		foreach ( $this->store->expiringBetween( $now, $now + PersonalKeyNotifications::REMIND_BEFORE ) as $key ) {
			$sent += (int)$this->notifications->remindIfDue( $key, $now );
		}
		return $sent;
	}

	/** Whether $secret has the form of a personal key (prefix and checksum). */
	public static function isPersonalKey( string $secret ): bool {
		return mws_ta_key_prefix( $secret ) === self::PREFIX;
	}

	/**
	 * @param string[] $grants A key's grants
	 * @return string[] The rights they allow (the user's own rights limit them further)
	 */
	public function grantedRights( array $grants ): array {
		return $this->grantsInfo->getGrantRights( array_merge( $this->grantsInfo->getHiddenGrants(), $grants ) );
	}

	/** Whether $ip may use $key. */
	public function allowsAddress( PersonalKey $key, string $ip ): bool {
		if ( !$key->ranges ) {
			return true;
		}
		try {
			return ( new CidrSet( $key->ranges ) )->contains( $ip );
		} catch ( NativeException $e ) {
			return false;
		}
	}

	/**
	 * Notes a use of $key from $ip, written once the response is sent, at
	 * most once a minute per key.
	 */
	public function recordUse( PersonalKey $key, string $ip ): void {
		$cacheKey = $this->localCache->makeKey( 'tokenauthenticator-personal-key-use', $key->id );
		if ( !$this->localCache->add( $cacheKey, 1, self::USE_INTERVAL ) ) {
			return;
		}
		DeferredUpdates::addCallableUpdate( function () use ( $key, $ip ) {
			try {
				$this->store->recordUse( $key->id, $ip, time(), self::USE_INTERVAL );
				$this->notifications->remindIfDue( $key, time() );
			} catch ( DBError $e ) {
				// A lost last-use time is not worth an error for the program.
			}
		}, DeferredUpdates::POSTSEND );
	}

	/**
	 * @param string[] $grants
	 * @return string[]
	 * @throws PersonalKeyException
	 */
	private function checkGrants( array $grants ): array {
		$valid = $this->grantsInfo->getValidGrants();
		$hidden = $this->grantsInfo->getHiddenGrants();
		$out = [];
		foreach ( $grants as $grant ) {
			if ( !is_string( $grant ) || !in_array( $grant, $valid, true ) ) {
				throw new PersonalKeyException( 'tokenauthenticator-personalkeys-bad-grant',
					[ is_string( $grant ) ? $grant : '?' ] );
			}
			if ( !in_array( $grant, $hidden, true ) ) {
				$out[$grant] = true;
			}
		}
		$out = array_keys( $out );
		sort( $out );
		return $out;
	}

	/**
	 * @param string[] $ranges
	 * @return string[]
	 * @throws PersonalKeyException
	 */
	private function checkRanges( array $ranges ): array {
		$ranges = array_values( array_filter( array_map( 'trim', array_map( 'strval', $ranges ) ),
			static fn ( $r ) => $r !== '' ) );
		if ( $ranges ) {
			try {
				new CidrSet( $ranges );
			} catch ( NativeException $e ) {
				throw new PersonalKeyException( 'tokenauthenticator-personalkeys-bad-ranges', [ $e->getMessage() ] );
			}
		}
		return $ranges;
	}

	private function log( string $action, UserIdentity $performer, UserIdentity $owner, PersonalKey $key ): void {
		$entry = new ManualLogEntry( 'tokenauth', $action );
		$entry->setPerformer( $performer );
		$entry->setTarget( SpecialPage::getTitleFor( 'PersonalKeys', $owner->getName() ) );
		$entry->setParameters( [ '4::key' => $key->name, '5::owner' => $owner->getName() ] );
		$entry->insert();
	}
}
