<?php

namespace MediaWiki\Extension\TokenAuthenticator\TokenStore;

use MediaWiki\User\UserIdentity;
use MediaWiki\User\UserIdentityValue;
use stdClass;
use Wikimedia\Timestamp\ConvertibleTimestamp;

/**
 * What a stored token stands for: never the token itself.
 */
class StoredToken {
	public string $kind;
	public UserIdentity $user;
	public ?string $keyName;
	/** For app tokens: what ties it to the minting key's secret. */
	public ?string $binding;
	/** Unix time */
	public int $created;
	/** Unix time */
	public int $expires;
	/**
	 * The epoch of the user's account when the store read it with the token
	 * (TokenStore::accountEpoch()); null when the store did not.
	 */
	public ?string $accountEpoch = null;

	public function __construct(
		string $kind, UserIdentity $user, ?string $keyName, int $created, int $expires, ?string $binding = null
	) {
		$this->kind = $kind;
		$this->user = $user;
		$this->keyName = $keyName;
		$this->binding = $binding;
		$this->created = $created;
		$this->expires = $expires;
	}

	public static function newFromRow( stdClass $row ): self {
		return new self(
			$row->mat_kind,
			new UserIdentityValue( (int)$row->mat_user, $row->mat_user_text ),
			$row->mat_principal !== null ? (string)$row->mat_principal : null,
			(int)ConvertibleTimestamp::convert( TS_UNIX, $row->mat_created ),
			(int)ConvertibleTimestamp::convert( TS_UNIX, $row->mat_expires ),
			isset( $row->mat_binding ) ? (string)$row->mat_binding : null
		);
	}
}
