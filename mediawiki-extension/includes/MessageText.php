<?php

namespace MediaWiki\Extension\TokenAuthenticator;

use Message;
use Wikimedia\Rdbms\DBError;

/**
 * Message text for error answers, which must go out while the database is
 * down: MessageCache looks up MediaWiki: namespace overrides in the database
 * and throws when it cannot.
 */
final class MessageText {
	/**
	 * The message's text; without the database, the text shipped with the
	 * extension (overrides on the wiki are skipped).
	 *
	 * @param Message $message
	 * @return string
	 */
	public static function of( Message $message ): string {
		try {
			return $message->text();
		} catch ( DBError $e ) {
			return $message->useDatabase( false )->text();
		}
	}
}
