<?php

namespace MediaWiki\Extension\TokenAuthenticator\PersonalKey;

use RuntimeException;

/**
 * A personal key that cannot be made or changed as asked: a message key
 * and its parameters, for the form that asked.
 */
class PersonalKeyException extends RuntimeException {
	private string $messageKey;
	private array $params;

	public function __construct( string $messageKey, array $params = [] ) {
		parent::__construct( $messageKey );
		$this->messageKey = $messageKey;
		$this->params = $params;
	}

	public function getMessageKey(): string {
		return $this->messageKey;
	}

	public function getParams(): array {
		return $this->params;
	}
}
