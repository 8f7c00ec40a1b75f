<?php

namespace MediaWiki\Extension\TokenAuthenticator\Error;

use RuntimeException;

/**
 * A setting of this extension is missing or invalid. The message key names
 * the problem and the setting, so that the REST and API layers can answer
 * with a clear error instead of a PHP fatal.
 */
class InvalidSettingException extends RuntimeException {
	private string $messageKey;
	private string $setting;
	private string $detail;

	/**
	 * @param string $messageKey Message with the setting as $1 and $detail as $2
	 * @param string $setting The global's name without "$", or an entry of it
	 * @param string $detail What is wrong with it
	 */
	public function __construct( string $messageKey, string $setting, string $detail = '' ) {
		parent::__construct( "Invalid or missing configuration: \$$setting"
			. ( $detail !== '' ? " $detail" : '' ) . " ($messageKey)" );
		$this->messageKey = $messageKey;
		$this->setting = $setting;
		$this->detail = $detail;
	}

	public function getMessageKey(): string {
		return $this->messageKey;
	}

	/**
	 * @return string[] Parameters of the message: the setting (with "$") and the detail
	 */
	public function getMessageParams(): array {
		return [ '$' . $this->setting, $this->detail ];
	}
}
