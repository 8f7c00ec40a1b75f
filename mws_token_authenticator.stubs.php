<?php
// Stubs for the native PHP extension mws_token_authenticator.
//
// Every function and class the extension declares, with types, for IDEs and
// static analysis. php-tests/stubs.phpt checks that this file and the loaded
// extension declare exactly the same names, parameters and return types.
// Never include this file at run time: the extension provides the real code.

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
	 * Whether $ip is in any of $ranges: CIDR ranges, bare addresses or
	 * "a.b.c.d-e.f.g.h" ranges, IPv4 and IPv6. "::ffff:a.b.c.d" matches IPv4
	 * ranges. The compiled list is cached per process, keyed by its content.
	 *
	 * @param string[] $ranges
	 * @throws MwsTokenAuthenticator\Exception naming the first invalid entry, or for an
	 *   $ip that is not an IP address
	 */
	function mws_ta_cidr_contains( array $ranges, string $ip ): bool {
	}

	/**
	 * Verifies a JWT (JWS compact form) and returns its claims.
	 *
	 * The algorithm is pinned by $alg, never taken from the token: the header's
	 * "alg" must equal it exactly, "none" (any case) and a "crit" header are
	 * always refused, and the signature is checked before any claim is read.
	 * Claims: "exp" and "iat" required and "nbf" optional (NumericDates, with
	 * $leeway seconds of clock skew), "iss" equal to $issuer, "aud" equal to or
	 * containing $audience, "sub" a non-empty string. At most 16 KiB; header and
	 * payload must be JSON objects without duplicate members, nested at most 16
	 * levels.
	 *
	 * @param string $jwt The token, exactly (no "Bearer ", no whitespace).
	 * @param string $alg "HS256", "RS256" or "EdDSA".
	 * @param string $key For HS256 the shared secret (not empty, not a PEM key);
	 *   for RS256 a PEM RSA public key of at least 2048 bits ("BEGIN PUBLIC KEY"
	 *   or "BEGIN RSA PUBLIC KEY"); for EdDSA a PEM Ed25519 public key ("BEGIN
	 *   PUBLIC KEY").
	 * @param string $issuer The one accepted "iss" (not empty).
	 * @param string $audience The audience that "aud" must name (not empty).
	 * @param int $now The current time, seconds since the epoch.
	 * @param int $leeway Allowed clock skew in seconds, 0 to 86400.
	 * @param int $max_lifetime Longest accepted exp - iat in seconds, 1 to ten
	 *   years; it also keeps every accepted exp within range of now.
	 * @return string The claims as a JSON object; json_decode() it.
	 * @throws MwsTokenAuthenticator\ConfigurationException for a bad key,
	 *   algorithm, issuer, audience, leeway or lifetime setting
	 * @throws MwsTokenAuthenticator\RefusedException for a refused token, with
	 *   one of its JWT_ constants as the code; the message (for logs only) never
	 *   quotes the token or the key, but may quote the header's alg
	 */
	function mws_ta_jwt_verify( string $jwt, string $alg, string $key, string $issuer, string $audience, int $now, int $leeway, int $max_lifetime ): string {
	}

	/**
	 * Signs a token for action=session_verification:
	 * "v1.<user id>.<issued at>.<signature>", the signature being
	 * hash_hmac( 'sha256', "v1.<user id>.<issued at>", $key ).
	 *
	 * @param string $key The per-user key (binary-safe, not empty).
	 * @param int $user_id At least 1.
	 * @param int $issued_at Seconds since the epoch, not negative.
	 * @throws MwsTokenAuthenticator\Exception for an empty key, a user id below 1
	 *   or a negative time
	 */
	function mws_ta_sv_sign( string $key, int $user_id, int $issued_at ): string {
	}

	/**
	 * Reads a session verification token's fields WITHOUT checking its
	 * signature (use mws_ta_sv_verify for that). Strict: exactly
	 * "v1.<user id>.<issued at>.<64 lower-case hex digits>", decimal numbers
	 * without sign or leading zeros, user id at least 1, at most 256 bytes.
	 *
	 * @return array{userId: int, issuedAt: int}
	 * @throws MwsTokenAuthenticator\Exception saying what is malformed
	 */
	function mws_ta_sv_parse( string $token ): array {
	}

	/**
	 * Whether $token is a well-formed session verification token signed under
	 * $key. Compares in constant time; false for an empty key or any malformed
	 * token, never an exception.
	 */
	function mws_ta_sv_verify( string $key, string $token ): bool {
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
	 */
	class ConfigurationException extends Exception {
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

		public function __construct() {
		}
	}

	/**
	 * A compiled list of IP ranges (see mws_ta_cidr_contains for the forms),
	 * answering membership in O(log n).
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
		 * Disjoint intervals after merging overlapping and adjacent entries.
		 */
		public function intervalCount(): int {
		}
	}

}
