<?php

namespace MediaWiki\Extension\TokenAuthenticator\Jwt;

use RuntimeException;

/**
 * A JWT login that is refused: a message key and its parameters, and the
 * HTTP status to answer with.
 */
class JwtLoginException extends RuntimeException {
	private string $messageKey;
	private array $params;
	private int $status;

	public function __construct( string $messageKey, array $params, int $status ) {
		parent::__construct( $messageKey );
		$this->messageKey = $messageKey;
		$this->params = $params;
		$this->status = $status;
	}

	public function getMessageKey(): string {
		return $this->messageKey;
	}

	public function getParams(): array {
		return $this->params;
	}

	public function getStatus(): int {
		return $this->status;
	}
}
