<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

/**
 * A JWT that passed every check, and the account it would log in to; nothing
 * has been changed yet (JwtLogin::complete() does that).
 */
class JwtLoginAttempt {
	/** The subject is linked: log in to its account. */
	public const LINKED = 'linked';
	/** An existing account that no subject is linked to, to be linked by name. */
	public const LINK_EXISTING = 'link-existing';
	/** A new account, created and linked. */
	public const CREATE = 'create';

	public string $jwt;
	public array $claims;
	public string $issuer;
	public string $subject;
	/** One of the constants above. */
	public string $mode;
	/** The account's name (for CREATE, the name it will get). */
	public string $userName;
	/** The account's id; 0 for CREATE. */
	public int $userId;

	/**
	 * @param string $jwt
	 * @param array $claims Verified claims
	 * @param string $mode
	 * @param string $userName
	 * @param int $userId
	 */
	public function __construct( string $jwt, array $claims, string $mode, string $userName, int $userId ) {
		$this->jwt = $jwt;
		$this->claims = $claims;
		$this->issuer = (string)$claims['iss'];
		$this->subject = (string)$claims['sub'];
		$this->mode = $mode;
		$this->userName = $userName;
		$this->userId = $userId;
	}
}
