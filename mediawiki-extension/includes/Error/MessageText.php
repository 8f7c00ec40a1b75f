<?php

namespace MediaWiki\Extension\TokenAuthenticator\Error;

use Message;
use Wikimedia\Rdbms\DBError;

/**
 * Messages of error answers, made one way: every parameter is plaintext, so
 * that nothing from a request (a name, a module, a header's text) is ever
 * parsed as wikitext or HTML, whatever format the answer is rendered in
 * (the Action API parses errors with errorformat=html). The text must also
 * go out while the database is down: MessageCache looks up MediaWiki:
 * namespace overrides in the database and throws when it cannot.
 */
final class MessageText {
	/**
	 * The message $key with plaintext parameters.
	 *
	 * @param string $key
	 * @param array $params
	 * @return Message
	 */
	public static function message( string $key, array $params = [] ): Message {
		return wfMessage( $key )->plaintextParams( ...$params );
	}

	/**
	 * The same as a message specifier for ApiMessage and ApiUsageException.
	 *
	 * @param string $key
	 * @param array $params
	 * @return array
	 */
	public static function spec( string $key, array $params = [] ): array {
		return [ $key, ...array_map( [ Message::class, 'plaintextParam' ], $params ) ];
	}

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
