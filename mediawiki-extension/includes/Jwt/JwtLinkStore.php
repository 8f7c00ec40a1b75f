<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use Wikimedia\Rdbms\ILoadBalancer;

/**
 * Where a JWT subject is tied to its account: the table mws_jwt_link, one
 * row per (iss, sub), at most one per account. The name a token claims is
 * only used to create the account on the subject's first login; after that
 * the link decides, whatever the token calls the user.
 *
 * Each row also records the groups that JWT login added to the account, the
 * only ones it may take away again.
 */
class JwtLinkStore {
	private const TABLE = 'mws_jwt_link';

	private ILoadBalancer $loadBalancer;

	public function __construct( ILoadBalancer $loadBalancer ) {
		$this->loadBalancer = $loadBalancer;
	}

	/**
	 * The link of a subject; read from the primary, as a login acts on it.
	 *
	 * @param string $issuer
	 * @param string $subject
	 * @return JwtLink|null
	 */
	public function find( string $issuer, string $subject ): ?JwtLink {
		$row = $this->loadBalancer->getConnection( DB_PRIMARY )->selectRow(
			self::TABLE,
			[ 'jl_user', 'jl_groups' ],
			[ 'jl_issuer' => $issuer, 'jl_subject' => $subject ],
			__METHOD__
		);
		return $row ? new JwtLink( $issuer, $subject, (int)$row->jl_user, self::decodeGroups( $row->jl_groups ) ) : null;
	}

	/**
	 * Whether any subject is linked to the account.
	 */
	public function isLinked( int $userId ): bool {
		return (bool)$this->loadBalancer->getConnection( DB_PRIMARY )->selectField(
			self::TABLE,
			'1',
			[ 'jl_user' => $userId ],
			__METHOD__
		);
	}

	/**
	 * Links a subject to an account. The unique indexes decide: of two
	 * concurrent links of one subject, or of one account, exactly one wins.
	 *
	 * @param string $issuer
	 * @param string $subject
	 * @param int $userId
	 * @return bool False when the subject or the account is linked already
	 */
	public function link( string $issuer, string $subject, int $userId ): bool {
		$dbw = $this->loadBalancer->getConnection( DB_PRIMARY );
		$dbw->insert(
			self::TABLE,
			[
				'jl_issuer' => $issuer,
				'jl_subject' => $subject,
				'jl_user' => $userId,
				'jl_groups' => '[]',
				'jl_created' => $dbw->timestamp(),
			],
			__METHOD__,
			[ 'IGNORE' ]
		);
		return $dbw->affectedRows() === 1;
	}

	/**
	 * Records the groups that JWT login has added (and not taken away since).
	 *
	 * @param JwtLink $link
	 * @param string[] $groups
	 */
	public function setAddedGroups( JwtLink $link, array $groups ): void {
		$groups = array_values( array_unique( $groups ) );
		sort( $groups );
		$this->loadBalancer->getConnection( DB_PRIMARY )->update(
			self::TABLE,
			[ 'jl_groups' => json_encode( $groups, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) ],
			[ 'jl_issuer' => $link->issuer, 'jl_subject' => $link->subject ],
			__METHOD__
		);
	}

	/**
	 * @param mixed $json
	 * @return string[]
	 */
	private static function decodeGroups( $json ): array {
		$groups = json_decode( (string)$json, true );
		$groups = is_array( $groups ) ? array_values( array_filter( $groups, 'is_string' ) ) : [];
		sort( $groups );
		return $groups;
	}
}
