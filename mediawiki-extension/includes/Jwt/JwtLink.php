<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

/**
 * One row of mws_jwt_link: a JWT subject and the account it logs in to.
 */
class JwtLink {
	public string $issuer;
	public string $subject;
	public int $userId;
	/** @var string[] Groups that JWT login added to the account */
	public array $addedGroups;

	/**
	 * @param string $issuer
	 * @param string $subject
	 * @param int $userId
	 * @param string[] $addedGroups
	 */
	public function __construct( string $issuer, string $subject, int $userId, array $addedGroups ) {
		$this->issuer = $issuer;
		$this->subject = $subject;
		$this->userId = $userId;
		$this->addedGroups = $addedGroups;
	}
}
