<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use MediaWiki\User\UserIdentity;

/**
 * Where every token kind is minted, looked up and used up:
 * $mwsgTokenAuthenticatorTokenStore picks the wiki's database
 * (DatabaseTokenStore) or one of MediaWiki's object caches (CacheTokenStore).
 *
 * Both keep the same promises: only the SHA-256 of a token is stored; every
 * entry names its kind and every lookup the kind it wants; entries expire;
 * single use is decided by one atomic operation of the store, so of any
 * number of concurrent redeemers exactly one wins. A store that cannot
 * answer throws (DBError, TokenStoreUnavailableException): it never answers
 * "not found" for "could not ask".
 */
interface TokenStore {
	public const KIND_USER = 'user';
	public const KIND_APP = 'app';
	/**
	 * Used JWTs (by jti or hash), kept until they expire, to refuse replays.
	 * Replay records are always kept in the database
	 * (DatabaseTokenStore::claimOnce()), whatever the token store.
	 */
	public const KIND_JWT_SEEN = 'jwt-seen';
	/** Used action=session_verification tokens, in single-use mode (likewise). */
	public const KIND_SV_SEEN = 'sv-seen';

	/**
	 * Mints a token, stores its hash, and returns the token.
	 *
	 * @param string $kind One of the KIND_ constants
	 * @param UserIdentity $user Whom the token stands for
	 * @param int $ttl Seconds until it expires
	 * @param string|null $keyName For app tokens: the key that minted it
	 * @param string|null $binding For app tokens: what ties it to the key's secret
	 * @return string
	 */
	public function mint(
		string $kind, UserIdentity $user, int $ttl, ?string $keyName = null, ?string $binding = null
	): string;

	/**
	 * Redeems a token of $kind once.
	 *
	 * @param string $kind
	 * @param string $token As given by the client; malformed text is simply not found
	 * @return StoredToken|null Null for unknown, expired, used or malformed tokens alike
	 */
	public function consume( string $kind, string $token ): ?StoredToken;

	/**
	 * Looks a token of $kind up without using it up (for reusable tokens).
	 *
	 * @param string $kind
	 * @param string $token
	 * @return StoredToken|null
	 */
	public function peek( string $kind, string $token ): ?StoredToken;

	/**
	 * Ends a live token of $kind at once (a revoked app token).
	 *
	 * @param string $kind
	 * @param string $hash The token's stored hash (TokenHash::of())
	 */
	public function revoke( string $kind, string $hash ): void;

	/**
	 * The account's epoch: a value that changes whenever something a verify
	 * answers about the account changes (AccountChangeHooks), so that what
	 * was read for one epoch can be kept until the next (AccountSnapshots).
	 * Kept with the tokens, so every app server and maintenance script sees
	 * one value.
	 *
	 * @param int $userId
	 * @return string AccountEpoch::NEVER, or a value of AccountEpoch::next()
	 */
	public function accountEpoch( int $userId ): string;

	/**
	 * Starts a new epoch for the account.
	 *
	 * @param int $userId
	 */
	public function changeAccount( int $userId ): void;
}
