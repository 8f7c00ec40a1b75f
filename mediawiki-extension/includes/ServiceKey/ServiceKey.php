<?php

namespace MediaWiki\Extension\TokenAuthenticator\ServiceKey;

use MwsTokenAuthenticator\CidrSet;

/**
 * One service key: a secret (kept as its SHA-256), the user it acts
 * as, where it may connect from, and what it may do.
 */
class ServiceKey {
	/** Stable name, used in logs and to bind app tokens to their minter. */
	public string $id;
	public string $user;
	/** Hex SHA-256 of the secret. */
	public string $secretHash;
	/** @var string[] */
	public array $cidr;
	/** @var string[] Action API module class names */
	public array $apiModules;
	/** @var string[] REST path prefixes */
	public array $restPaths;
	/** @var string[]|null Rights cap; null leaves the user's rights as they are */
	public ?array $rights;
	public bool $appTokens;
	/** Unix time after which the key is refused; null for never. */
	public ?int $expires;
	/** Where it is defined: self::CONFIGURED (LocalSettings.php) or self::CREATED (Special:ServiceKeys). */
	public string $source = self::CONFIGURED;
	/** For created keys: the secret's hash before the last rotation, and until when it is accepted. */
	public ?string $previousHash = null;
	public ?int $previousUntil = null;
	/** $cidr, compiled once when the configuration is read. */
	private CidrSet $cidrSet;

	public const CONFIGURED = 'config';
	public const CREATED = 'page';

	/**
	 * @param string $id
	 * @param string $user
	 * @param string $secretHash
	 * @param string[] $cidr
	 * @param string[] $apiModules
	 * @param string[] $restPaths
	 * @param string[]|null $rights
	 * @param bool $appTokens
	 * @param int|null $expires
	 * @throws \MwsTokenAuthenticator\Exception For an invalid entry in $cidr
	 */
	public function __construct(
		string $id, string $user, string $secretHash, array $cidr, array $apiModules,
		array $restPaths, ?array $rights, bool $appTokens, ?int $expires
	) {
		$this->id = $id;
		$this->user = $user;
		$this->secretHash = $secretHash;
		$this->cidr = $cidr;
		$this->apiModules = $apiModules;
		$this->restPaths = $restPaths;
		$this->rights = $rights;
		$this->appTokens = $appTokens;
		$this->expires = $expires;
		$this->cidrSet = new CidrSet( $cidr );
	}

	public function isExpired( int $now ): bool {
		return $this->expires !== null && $now >= $this->expires;
	}

	/**
	 * Whether $hash is the hash of a secret accepted now (acceptedHashes()),
	 * each compared in constant time.
	 */
	public function accepts( string $hash, int $now ): bool {
		$accepted = false;
		foreach ( $this->acceptedHashes( $now ) as $known ) {
			$accepted = mws_ta_equals( $known, $hash ) || $accepted;
		}
		return $accepted;
	}

	/** Hashes of the secrets accepted now: app tokens minted with either stay bound. */
	public function acceptedHashes( int $now ): array {
		$hashes = [ $this->secretHash ];
		if ( $this->previousHash !== null && $this->previousUntil !== null && $now < $this->previousUntil ) {
			$hashes[] = $this->previousHash;
		}
		return $hashes;
	}

	public function allowsAddress( string $ip ): bool {
		return $this->cidrSet->contains( $ip );
	}

	/** Whether the key may connect from loopback addresses only. */
	public function isLoopbackOnly(): bool {
		return $this->cidrSet->isLoopbackOnly();
	}
}
