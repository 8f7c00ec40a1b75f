<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

/**
 * A personal access key as stored: everything but the secret, which is
 * only ever shown once, when it is made.
 */
final class PersonalKey {
	public int $id;
	/** The owner: the key acts as this user, never as anyone else. */
	public int $userId;
	public string $name;
	/** @var string[] Grants of $wgGrantPermissions */
	public array $grants;
	/** @var string[] CIDR ranges; empty: any address */
	public array $ranges;
	/** Unix times */
	public int $created;
	public int $expires;
	public ?int $lastUsed;
	public ?string $lastAddress;

	public function __construct( int $id, int $userId, string $name, array $grants, array $ranges, int $created,
		int $expires, ?int $lastUsed = null, ?string $lastAddress = null
	) {
		$this->id = $id;
		$this->userId = $userId;
		$this->name = $name;
		$this->grants = $grants;
		$this->ranges = $ranges;
		$this->created = $created;
		$this->expires = $expires;
		$this->lastUsed = $lastUsed;
		$this->lastAddress = $lastAddress;
	}

	public function isExpired( int $now ): bool {
		return $now >= $this->expires;
	}
}
