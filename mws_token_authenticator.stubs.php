<?php
// Stubs for the native PHP extension mws_token_authenticator.
//
// Every function and class the extension declares, with types, for IDEs and
// static analysis. php-tests/stubs.phpt checks that this file and the loaded
// extension declare exactly the same names, parameters and return types.
// Never include this file at run time: the extension provides the real code.
//
// The hashes and keys built from parts that the wiki stores or looks things
// up by are the extension's too (mws_ta_claim_hash, mws_ta_app_token_binding,
// mws_ta_jwt_replay_key, mws_ta_session_seed): PHP joins none of them itself.

namespace {

	/**
	 * A random token from the operating system's CSPRNG.
	 *
	 * @param int $bytes Number of random bytes, 16 to 1024.
	 * @param string|null $encoding "hex" (the default) or "base64url" (no padding).
	 * @return string
	 * @throws MwsTokenAuthenticator\Exception for a length out of range or an unknown encoding
	 */
	function mws_ta_random_token( int $bytes = 32, ?string $encoding = null ): string {
	}

	/**
	 * A new key that secret scanners recognise (as GitHub's "ghp_" tokens):
	 * $prefix, then 36 base62 characters (0-9A-Za-z) drawn uniformly from the
	 * operating system's CSPRNG (about 214 bits), then a checksum: the
	 * CRC-32 of the prefix and body (PHP's crc32()) in base62, 6 characters,
	 * most significant first, zero-padded. 45 to 51 characters in all.
	 *
	 * @param string $prefix 2 to 8 lower-case ASCII letters followed by "_":
	 *   "mwpk_" for personal access keys, "mwsk_" for service keys.
	 * @return string
	 * @throws MwsTokenAuthenticator\ConfigurationException for any other prefix
	 * @throws MwsTokenAuthenticator\Exception when the random source fails
	 */
	function mws_ta_key_mint( string $prefix ): string {
	}

	/**
	 * The prefix of $text (e.g. "mwpk_") when $text is exactly one
	 * well-formed key (as mws_ta_key_mint() makes them, with any valid
	 * prefix) whose checksum matches; null for anything else. Never throws,
	 * whatever the bytes. Lets a typo be refused before any database lookup
	 * and tells whose key it is; it proves nothing about the key (anyone can
	 * compute a checksum). Not constant-time: the checksum is no secret.
	 */
	function mws_ta_key_prefix( string $text ): ?string {
	}

	/**
	 * HMAC-SHA256 of $message under $key, as lower-case hex. Equal to
	 * hash_hmac( 'sha256', $message, $key ). Binary-safe.
	 */
	function mws_ta_hmac_sha256( string $key, string $message ): string {
	}

	/**
	 * Whether $signature (hex, either case) is the HMAC-SHA256 of $message
	 * under $key. Compares in constant time; a signature that is not hex is
	 * simply false.
	 */
	function mws_ta_hmac_sha256_verify( string $key, string $message, string $signature ): bool {
	}

	/**
	 * SHA-256 of $data as lower-case hex: the form in which tokens are stored.
	 */
	function mws_ta_sha256( string $data ): string {
	}

	/**
	 * Constant-time string equality (only the lengths may leak). Binary-safe.
	 */
	function mws_ta_equals( string $known, string $given ): bool {
	}

	/**
	 * The salted token: base64( json_encode( [ 'verifyCallback' => $verify_callback,
	 * 'token' => $token, 'sig' => hash_hmac( 'sha256', $verify_callback . $token, $salt ) ] ) ),
	 * byte for byte as PHP would write it.
	 *
	 * @throws MwsTokenAuthenticator\Exception for an empty salt or text that is not UTF-8
	 */
	function mws_ta_envelope_encode( string $salt, string $verify_callback, string $token ): string {
	}

	/**
	 * Decodes a salted token (base64 with or without padding) and checks its
	 * signature in constant time.
	 *
	 * @return array{verifyCallback: string, token: string, sig: string}
	 * @throws MwsTokenAuthenticator\Exception saying what is wrong: not base64, not a
	 *   JSON object, a field missing or not a string, or a bad signature
	 */
	function mws_ta_envelope_decode( string $salt, string $envelope ): array {
	}

	/**
	 * The hash a token is stored and looked up by (hex SHA-256), from text a
	 * client sent: the one rule for what can be a token (hex or base64url, 1
	 * to 2048 characters: what mws_ta_random_token mints).
	 *
	 * @throws MwsTokenAuthenticator\RefusedException for any other text
	 */
	function mws_ta_token_hash( string $text ): string {
	}

	/**
	 * A request body as an associative array, read by the one strict JSON
	 * reader of the extension: exactly one JSON object, no member name twice,
	 * at most 16 levels deep.
	 *
	 * @throws MwsTokenAuthenticator\RefusedException for anything else
	 */
	function mws_ta_json_object( string $json ): array {
	}

	/**
	 * The hash a token-store claim (something used once) is recorded by:
	 * hash( 'sha256', "$kind\0$key" ).
	 *
	 * @param string $kind A kind name: lower-case ASCII letters, digits, "-" and "_".
	 * @param string $key Anything (binary-safe).
	 * @throws MwsTokenAuthenticator\ConfigurationException for a kind that is not a name
	 */
	function mws_ta_claim_hash( string $kind, string $key ): string {
	}

	/**
	 * What ties an app token to the service key secret it was minted with:
	 * hash( 'sha256', "mws-apptoken-binding\0" . $secret_hash ).
	 *
	 * @param string $secret_hash The secret's hex SHA-256 (mws_ta_sha256()).
	 * @throws MwsTokenAuthenticator\ConfigurationException for anything but 64 lower-case hex digits
	 */
	function mws_ta_app_token_binding( string $secret_hash ): string {
	}

	/**
	 * The key a verified JWT is used up by (for mws_ta_claim_hash()):
	 * "jti\0$issuer\0$jti" for a non-empty $jti, else "jwt\0" . mws_ta_sha256( $signingInput ),
	 * $signingInput being $jwt up to its last "." (all of it without one): an
	 * ES256 signature is malleable, so a used token re-sent with another
	 * signature must still be the same token.
	 *
	 * @param string $jwt The token as it was verified.
	 * @param string $issuer The configured issuer.
	 * @param string|null $jti The "jti" claim when it is a string.
	 * @throws MwsTokenAuthenticator\ConfigurationException for an issuer with a NUL byte
	 */
	function mws_ta_jwt_replay_key( string $jwt, string $issuer, ?string $jti = null ): string {
	}

	/**
	 * The text a service session's ID is hashed from (hashToSessionId()):
	 * "$kind:$subject:$credential". Refused unless it reads one way only:
	 * $subject may hold ":" only when $credential is a hex SHA-256, and a
	 * $credential with ":" must be a hex SHA-256 or an IP address.
	 *
	 * @param string $kind A kind name: lower-case ASCII letters, digits, "-" and "_".
	 * @param string $subject Who the session is for (a key id, a user name, a message key).
	 * @param string $credential A hex SHA-256 of the credential, or the client's IP address.
	 * @throws MwsTokenAuthenticator\ConfigurationException for parts that could be read two ways
	 */
	function mws_ta_session_seed( string $kind, string $subject, string $credential ): string {
	}

}

namespace MwsTokenAuthenticator {

	/**
	 * The base of the extension's exceptions, thrown as itself only when the
	 * system fails (the random source). Its message says what is wrong, for
	 * logs: it may quote input, so it must never be shown as a page or parsed.
	 * Only the extension throws these, so the constructors take no arguments.
	 */
	class Exception extends \Exception {
		public function __construct() {
		}
	}

	/**
	 * The caller's settings or arguments are wrong (a key, an algorithm name,
	 * a leeway, a CIDR list, a length): an administrator's problem.
	 *
	 * getCode() is 0 (OTHER), or for a JWT key set one of the KEY_SET_
	 * constants. The KEY_ constants are the codes of the keys a set refused
	 * one by one (JwtVerifier::skippedKeys()). They never collide with
	 * RefusedException's codes.
	 */
	class ConfigurationException extends Exception {
		/** No code of its own. */
		public const OTHER = 0;
		/** The key set is not JSON. */
		public const KEY_SET_NOT_JSON = 101;
		/** The key set has a member twice in one object. */
		public const KEY_SET_DUPLICATE_MEMBER = 102;
		/** The key set is over 256 KiB, nested over 16 levels, not an object,
		 * without a "keys" array, with over 100 keys or a key that is not an object. */
		public const KEY_SET_FORM = 103;
		/** No key of the set is usable (the message summarises why). */
		public const KEY_SET_NO_USABLE_KEY = 104;
		/** A key's "kty" is not supported (only RSA, EC, OKP). */
		public const KEY_TYPE = 111;
		/** A symmetric ("oct") key. */
		public const KEY_SYMMETRIC = 112;
		/** A key that publishes private members (d, p, q, dp, dq, qi, oth, k). */
		public const KEY_PRIVATE = 113;
		/** An RSA modulus outside 2048 to 4096 bits, or an Ed25519 key not 32 bytes. */
		public const KEY_SIZE = 114;
		/** A curve other than P-256 (EC) or Ed25519 (OKP), a coordinate of
		 * another curve's size, or a point not on the curve. */
		public const KEY_CURVE = 115;
		/** A member missing, not a string, not unpadded base64url, or a bad RSA exponent. */
		public const KEY_MEMBER = 116;
		/** "use" other than "sig", or "key_ops" without "verify". */
		public const KEY_USE = 117;
		/** A key's "alg" unknown, not of its type or not configured, or no
		 * configured algorithm for its type. */
		public const KEY_ALGORITHM = 118;
		/** Two usable keys with the same "kid" (both refused). */
		public const KEY_DUPLICATE_ID = 119;

		public function __construct() {
		}
	}

	/**
	 * The input is refused (a token, an envelope, an address). getCode() is
	 * one of these constants, the reason to show the user in words of the
	 * caller's own.
	 */
	class RefusedException extends Exception {
		/** No reason of its own (envelopes, session verification tokens, addresses). */
		public const OTHER = 0;
		/** Not a JWT: its form, JSON or header. */
		public const JWT_MALFORMED = 1;
		/** alg is none or not the configured algorithm. */
		public const JWT_ALGORITHM = 2;
		/** The signature does not verify. */
		public const JWT_SIGNATURE = 3;
		/** Past exp (with the leeway). */
		public const JWT_EXPIRED = 4;
		/** Before nbf, or iat in the future (with the leeway). */
		public const JWT_NOT_YET_VALID = 5;
		/** iss is not the configured issuer. */
		public const JWT_ISSUER = 6;
		/** aud does not name the configured audience. */
		public const JWT_AUDIENCE = 7;
		/** A required claim is missing or of the wrong type. */
		public const JWT_CLAIMS = 8;
		/** exp - iat is longer than the maximum lifetime. */
		public const JWT_LIFETIME = 9;
		/** With a key set: the "kid" is not in the set, or there is no "kid"
		 * and not exactly one key fits the alg. The set may have changed:
		 * refetch it (rate limited). */
		public const JWT_UNKNOWN_KEY = 10;
		/** With a key set: the "kid" names a key the set refused (see
		 * JwtVerifier::skippedKeys()). */
		public const JWT_KEY_REFUSED = 11;

		public function __construct() {
		}
	}

	/**
	 * A compiled list of IP ranges, answering membership in O(log n): CIDR
	 * ranges, bare addresses and "a.b.c.d-e.f.g.h" ranges, IPv4 and IPv6
	 * ("::ffff:a.b.c.d" matches IPv4 ranges). Compile it once where the list
	 * is configured and keep it.
	 */
	class CidrSet {
		/**
		 * @param string[] $ranges
		 * @throws Exception naming the first invalid entry
		 */
		public function __construct( array $ranges ) {
		}

		/**
		 * @throws Exception for an $ip that is not an IP address
		 */
		public function contains( string $ip ): bool {
		}

		/**
		 * Whether every address in the set is a loopback address (127.0.0.0/8,
		 * ::1, IPv4 loopback mapped into IPv6).
		 */
		public function isLoopbackOnly(): bool {
		}

		/**
		 * Disjoint intervals after merging overlapping and adjacent entries.
		 */
		public function intervalCount(): int {
		}
	}

	/**
	 * Where a JWT (JWS compact form) is verified, built once from the
	 * configuration: one key, or a key set (withKeySet()).
	 *
	 * The algorithms are pinned, never taken from the token: the header's
	 * "alg" must equal one of them exactly, "none" (any case) and a "crit"
	 * header are always refused, and the signature is checked before any
	 * claim is read. Claims: "exp" and "iat" required and "nbf" optional
	 * (NumericDates, with $leeway seconds of clock skew), exp - iat at most
	 * $max_lifetime, "iss" equal to $issuer, "aud" equal to or containing
	 * $audience, "sub" a non-empty string. At most 16 KiB; header and payload
	 * must be JSON objects without duplicate members, nested at most 16 levels.
	 */
	class JwtVerifier {
		/**
		 * @param string|string[] $alg One of "HS256", "RS256", "PS256", "ES256"
		 *   and "EdDSA", or a non-empty list of them. HS256 only alone.
		 * @param string $key For HS256 the shared secret (not empty, not a PEM
		 *   key); otherwise one PEM public key that fits every listed
		 *   algorithm: RSA of 2048 to 4096 bits for RS256 and PS256 ("BEGIN
		 *   PUBLIC KEY" or "BEGIN RSA PUBLIC KEY"), P-256 for ES256, Ed25519
		 *   for EdDSA ("BEGIN PUBLIC KEY"). A token's "kid" is not looked at.
		 * @param string $issuer The one accepted "iss" (not empty).
		 * @param string $audience The audience that "aud" must name (not empty).
		 * @param int $leeway Allowed clock skew in seconds, 0 to 86400.
		 * @param int $max_lifetime Longest accepted exp - iat in seconds, 1 to
		 *   ten years; it also keeps every accepted exp within range of now.
		 * @throws ConfigurationException for any of them wrong, naming it (never
		 *   quoting the key)
		 */
		public function __construct( mixed $alg, string $key, string $issuer, string $audience, int $leeway, int $max_lifetime ) {
		}

		/**
		 * A verifier whose keys come from a key set (JWKS, RFC 7517). Keys of
		 * the set that cannot be used (encryption keys, unsupported types or
		 * curves, symmetric or private keys, wrong sizes, an "alg" that is not
		 * listed, two with one "kid") are skipped and listed by skippedKeys();
		 * the others stay usable. A token's key is the one its "kid" names, or
		 * without a "kid" the only key that fits its alg. The header's "jku",
		 * "jwk", "x5u" and "x5c" are never used.
		 *
		 * @param string|string[] $alg As for the constructor, without HS256.
		 * @param string $key_set The JWKS JSON text, at most 256 KiB and 100 keys.
		 * @throws ConfigurationException with a KEY_SET_ code for a set
		 *   refused as a whole (code 0 for the other settings)
		 */
		public static function withKeySet(
			mixed $alg, string $key_set, string $issuer, string $audience, int $leeway, int $max_lifetime
		): JwtVerifier {
		}

		/**
		 * The verified claims, as an array (objects as associative arrays).
		 *
		 * @param string $jwt The token, exactly (no "Bearer ", no whitespace).
		 * @param int $now The current time, seconds since the epoch.
		 * @throws RefusedException with one of its JWT_ constants as the code;
		 *   the message (for logs only) never quotes the token or the key, but
		 *   may quote the header's alg and kid
		 */
		public function verify( string $jwt, int $now ): array {
		}

		/**
		 * The keys of the set that were skipped, in set order (none for a
		 * single key), for the log.
		 *
		 * @return list<array{kid: ?string, code: int, message: string}> code
		 *   is a KEY_ constant of ConfigurationException
		 */
		public function skippedKeys(): array {
		}

		/**
		 * The "kid"s of the set's usable keys (keys without one are left out;
		 * none for a single key).
		 *
		 * @return list<string>
		 */
		public function keyIds(): array {
		}
	}

	/**
	 * Where action=session_verification tokens are signed and verified:
	 * "v1.<user id>.<issued at>.<signature>", the signature being
	 * hash_hmac( 'sha256', "v1.<user id>.<issued at>", $key ) with the user's
	 * $key = hash_hmac( 'sha256', "mws-session-verification\0<user id>\0<user token>", $secret ).
	 */
	class SessionVerifier {
		/**
		 * @param string $secret Not empty (binary-safe).
		 * @param int $max_age Seconds a token is valid; 0 for no limit.
		 * @param int $future_leeway Seconds a token may seem to come from the future.
		 * @throws ConfigurationException for an empty secret or a negative time
		 */
		public function __construct( string $secret, int $max_age, int $future_leeway ) {
		}

		/**
		 * @param int $user_id At least 1.
		 * @param string $user_token The user's user_token.
		 * @param int $now Seconds since the epoch, not negative.
		 * @throws ConfigurationException for a user id below 1 or a negative time
		 */
		public function sign( int $user_id, string $user_token, int $now ): string {
		}

		/**
		 * The user id a token names, WITHOUT checking its signature (to look
		 * the user's user_token up). Strict: exactly
		 * "v1.<user id>.<issued at>.<64 lower-case hex digits>", decimal numbers
		 * without sign or leading zeros, user id at least 1, at most 256 bytes.
		 *
		 * @throws RefusedException saying what is malformed
		 */
		public static function userIdOf( string $token ): int {
		}

		/**
		 * @return array{userId: int, age: int}
		 * @throws RefusedException for a malformed token, a bad signature (in
		 *   constant time), or a token too old or from the future
		 */
		public function verify( string $token, string $user_token, int $now ): array {
		}
	}

}
