--TEST--
JWT verification: HS256, RS256 and EdDSA tokens made by PHP itself, and every refusal
--FILE--
<?php
const ISS = 'https://idp.example.org';
const AUD = 'mediawiki';
const NOW = 1700000000;
const SECRET = 'a shared secret of at least thirty-two bytes';

function b64u( string $s ): string {
	return rtrim( strtr( base64_encode( $s ), '+/', '-_' ), '=' );
}

function seg( array $a ): string {
	return b64u( json_encode( $a ) );
}

function claims( array $changes = [] ): array {
	$c = [ 'iss' => ISS, 'aud' => AUD, 'sub' => 'alice', 'iat' => NOW - 10, 'exp' => NOW + 300 ];
	foreach ( $changes as $k => $v ) {
		if ( $v === null ) {
			unset( $c[$k] );
		} else {
			$c[$k] = $v;
		}
	}
	return $c;
}

function hs( array $claims, array $header = [ 'alg' => 'HS256', 'typ' => 'JWT' ], string $secret = SECRET ): string {
	$in = seg( $header ) . '.' . seg( $claims );
	return $in . '.' . b64u( hash_hmac( 'sha256', $in, $secret, true ) );
}

$rsa = openssl_pkey_new( [ 'private_key_type' => OPENSSL_KEYTYPE_RSA, 'private_key_bits' => 2048 ] );
$rsaPub = openssl_pkey_get_details( $rsa )['key'];
openssl_pkey_export( $rsa, $rsaPrivPem );

// The PKCS#1 form of the same key: the SPKI DER of a 2048-bit RSA key is a
// 24-byte prefix followed by the PKCS#1 RSAPublicKey.
$spki = base64_decode( preg_replace( '/-----[A-Z ]+-----|\s+/', '', $rsaPub ) );
$pkcs1 = substr( $spki, 24 );
$rsaPubPkcs1 = "-----BEGIN RSA PUBLIC KEY-----\n" . chunk_split( base64_encode( $pkcs1 ), 64, "\n" ) . "-----END RSA PUBLIC KEY-----\n";

function rs( array $claims, array $header = [ 'alg' => 'RS256', 'typ' => 'JWT' ] ): string {
	global $rsa;
	$in = seg( $header ) . '.' . seg( $claims );
	openssl_sign( $in, $sig, $rsa, OPENSSL_ALGO_SHA256 );
	return $in . '.' . b64u( $sig );
}

$edPair = sodium_crypto_sign_keypair();
$edSecret = sodium_crypto_sign_secretkey( $edPair );
$edPem = "-----BEGIN PUBLIC KEY-----\n"
	. base64_encode( hex2bin( '302a300506032b6570032100' ) . sodium_crypto_sign_publickey( $edPair ) )
	. "\n-----END PUBLIC KEY-----\n";

function ed( array $claims, array $header = [ 'alg' => 'EdDSA', 'typ' => 'JWT' ] ): string {
	global $edSecret;
	$in = seg( $header ) . '.' . seg( $claims );
	return $in . '.' . b64u( sodium_crypto_sign_detached( $in, $edSecret ) );
}

function attempt( string $label, string $jwt, string $alg, string $key, int $leeway = 30, string $iss = ISS, string $aud = AUD ): void {
	try {
		$claims = ( new MwsTokenAuthenticator\JwtVerifier( $alg, $key, $iss, $aud, $leeway, 86400 ) )->verify( $jwt, NOW );
		echo "$label: accepted, sub ", $claims['sub'], "\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		// The class says whose mistake it is, the code why (for refusals).
		$kind = substr( strrchr( get_class( $e ), '\\' ), 1 );
		echo "$label: [$kind ", $e->getCode(), '] ', $e->getMessage(), "\n";
		foreach ( array_filter( explode( '.', $jwt ), fn ( $p ) => strlen( $p ) > 12 ) as $part ) {
			if ( str_contains( $e->getMessage(), substr( $part, 0, 12 ) ) ) {
				echo "  LEAK: the message quotes the token\n";
			}
		}
		if ( strlen( $key ) > 12 && str_contains( $e->getMessage(), substr( $key, 0, 12 ) ) ) {
			echo "  LEAK: the message quotes the key\n";
		}
	}
}

echo "== valid tokens\n";
$extra = claims( [ 'groups' => [ 'sysop' ], 'name' => "Älice \u{1F600}", 'nested' => [ 'a' => [ 1, 2.5, null, true ] ] ] );
$got = ( new MwsTokenAuthenticator\JwtVerifier( 'HS256', SECRET, ISS, AUD, 0, 86400 ) )->verify( hs( $extra ), NOW );
echo 'HS256 claims round trip: ', var_export( $got == $extra, true ), "\n";
$got = ( new MwsTokenAuthenticator\JwtVerifier( 'RS256', $rsaPub, ISS, AUD, 0, 86400 ) )->verify( rs( $extra ), NOW );
echo 'RS256 claims round trip: ', var_export( $got == $extra, true ), "\n";
$got = ( new MwsTokenAuthenticator\JwtVerifier( 'EdDSA', $edPem, ISS, AUD, 0, 86400 ) )->verify( ed( $extra ), NOW );
echo 'EdDSA claims round trip: ', var_export( $got == $extra, true ), "\n";
attempt( 'RS256, PKCS#1 key', rs( claims() ), 'RS256', $rsaPubPkcs1 );
attempt( 'RS256, CRLF key', rs( claims() ), 'RS256', str_replace( "\n", "\r\n", $rsaPub ) );
attempt( 'HS256, binary secret', hs( claims(), [ 'alg' => 'HS256' ], "\0\xff\x80" ), 'HS256', "\0\xff\x80" );
attempt( 'HS256, kid and typ', hs( claims(), [ 'alg' => 'HS256', 'typ' => 'at+jwt', 'kid' => 'k1' ] ), 'HS256', SECRET );
attempt( 'aud array', hs( claims( [ 'aud' => [ 'other', AUD ] ] ) ), 'HS256', SECRET );
attempt( 'float exp', hs( claims( [ 'exp' => NOW + 0.5 ] ) ), 'HS256', SECRET, 0 );

echo "== time claims\n";
attempt( 'exp = now - leeway', hs( claims( [ 'exp' => NOW - 30 ] ) ), 'HS256', SECRET );
attempt( 'exp = now - leeway - 1', hs( claims( [ 'exp' => NOW - 31 ] ) ), 'HS256', SECRET );
attempt( 'expired, no leeway', hs( claims( [ 'exp' => NOW - 1 ] ) ), 'HS256', SECRET, 0 );
attempt( 'expired by half a second', hs( claims( [ 'exp' => NOW - 0.5 ] ) ), 'HS256', SECRET, 0 );
attempt( 'expired RS256', rs( claims( [ 'exp' => NOW - 3600 ] ) ), 'RS256', $rsaPub );
attempt( 'expired EdDSA', ed( claims( [ 'exp' => NOW - 3600 ] ) ), 'EdDSA', $edPem );
attempt( 'nbf = now + leeway', hs( claims( [ 'nbf' => NOW + 30 ] ) ), 'HS256', SECRET );
attempt( 'nbf = now + leeway + 1', hs( claims( [ 'nbf' => NOW + 31 ] ) ), 'HS256', SECRET );
attempt( 'iat = now + leeway', hs( claims( [ 'iat' => NOW + 30 ] ) ), 'HS256', SECRET );
attempt( 'iat = now + leeway + 1', hs( claims( [ 'iat' => NOW + 31 ] ) ), 'HS256', SECRET );
attempt( 'no exp', hs( claims( [ 'exp' => null ] ) ), 'HS256', SECRET );
attempt( 'no iat', hs( claims( [ 'iat' => null ] ) ), 'HS256', SECRET );
attempt( 'exp a string', hs( claims( [ 'exp' => (string)( NOW + 300 ) ] ) ), 'HS256', SECRET );
attempt( 'nbf a boolean', hs( claims( [ 'nbf' => true ] ) ), 'HS256', SECRET );
attempt( 'lifetime = max', hs( claims( [ 'exp' => NOW - 10 + 86400 ] ) ), 'HS256', SECRET );
attempt( 'lifetime = max + 1', hs( claims( [ 'exp' => NOW - 9 + 86400 ] ) ), 'HS256', SECRET );
attempt( 'exp 1e19', hs( claims( [ 'exp' => 1e19 ] ) ), 'HS256', SECRET );
attempt( 'iat -1e19', hs( claims( [ 'iat' => -1e19 ] ) ), 'HS256', SECRET );

echo "== iss, aud, sub\n";
attempt( 'wrong iss', hs( claims( [ 'iss' => 'https://evil.example' ] ) ), 'HS256', SECRET );
attempt( 'iss with a newline', hs( claims( [ 'iss' => "a\nb" ] ) ), 'HS256', SECRET );
attempt( 'no iss', hs( claims( [ 'iss' => null ] ) ), 'HS256', SECRET );
attempt( 'wrong aud', hs( claims( [ 'aud' => 'other' ] ) ), 'HS256', SECRET );
attempt( 'wrong aud array', hs( claims( [ 'aud' => [ 'a', 'b' ] ] ) ), 'HS256', SECRET );
attempt( 'aud array with a number', hs( claims( [ 'aud' => [ AUD, 5 ] ] ) ), 'HS256', SECRET );
attempt( 'no aud', hs( claims( [ 'aud' => null ] ) ), 'HS256', SECRET );
attempt( 'no sub', hs( claims( [ 'sub' => null ] ) ), 'HS256', SECRET );
attempt( 'empty sub', hs( claims( [ 'sub' => '' ] ) ), 'HS256', SECRET );
attempt( 'numeric sub', hs( claims( [ 'sub' => 42 ] ) ), 'HS256', SECRET );
attempt( 'wrong iss, RS256', rs( claims( [ 'iss' => 'x' ] ) ), 'RS256', $rsaPub );
attempt( 'wrong aud, EdDSA', ed( claims( [ 'aud' => 'x' ] ) ), 'EdDSA', $edPem );

echo "== algorithms\n";
attempt( 'RS256 token, HS256 pinned', rs( claims() ), 'HS256', SECRET );
attempt( 'HS256 token, EdDSA pinned', hs( claims() ), 'EdDSA', $edPem );
attempt( 'EdDSA token, RS256 pinned', ed( claims() ), 'RS256', $rsaPub );
attempt( 'key confusion: HS256 signed with the RSA public key', hs( claims(), [ 'alg' => 'HS256' ], $rsaPub ), 'RS256', $rsaPub );
attempt( 'key confusion, relabelled RS256', hs( claims(), [ 'alg' => 'RS256' ], $rsaPub ), 'RS256', $rsaPub );
attempt( 'key confusion, PEM as HS256 secret', hs( claims(), [ 'alg' => 'HS256' ], $rsaPub ), 'HS256', $rsaPub );
foreach ( [ 'none', 'NONE', 'None' ] as $none ) {
	$unsigned = seg( [ 'alg' => $none ] ) . '.' . seg( claims() ) . '.';
	foreach ( [ 'HS256' => SECRET, 'RS256' => $rsaPub, 'EdDSA' => $edPem ] as $alg => $key ) {
		attempt( "alg $none, $alg pinned", $unsigned, $alg, $key );
	}
}
attempt( 'alg lower case', hs( claims(), [ 'alg' => 'hs256' ] ), 'HS256', SECRET );
attempt( 'no alg', hs( claims(), [ 'typ' => 'JWT' ] ), 'HS256', SECRET );
attempt( 'crit', hs( claims(), [ 'alg' => 'HS256', 'crit' => [ 'b64' ], 'b64' => false ] ), 'HS256', SECRET );
attempt( 'numeric kid', hs( claims(), [ 'alg' => 'HS256', 'kid' => 1 ] ), 'HS256', SECRET );
foreach ( [ 'hs256', 'RS384', 'none', '', "\xff" ] as $name ) {
	attempt( 'configured alg ' . bin2hex( $name ), hs( claims() ), $name, SECRET );
}

echo "== tampering\n";
$evil = seg( claims( [ 'sub' => 'admin' ] ) );
foreach ( [ 'HS256' => [ hs( claims() ), SECRET ], 'RS256' => [ rs( claims() ), $rsaPub ], 'EdDSA' => [ ed( claims() ), $edPem ] ] as $alg => [ $jwt, $key ] ) {
	[ $h, $p, $s ] = explode( '.', $jwt );
	attempt( "$alg untouched", $jwt, $alg, $key );
	attempt( "$alg tampered payload", "$h.$evil.$s", $alg, $key );
	$sig = base64_decode( strtr( $s, '-_', '+/' ) );
	$sig[5] = chr( ord( $sig[5] ) ^ 1 );
	attempt( "$alg tampered signature", "$h.$p." . b64u( $sig ), $alg, $key );
	attempt( "$alg truncated signature", "$h.$p." . b64u( substr( $sig, 0, -1 ) ), $alg, $key );
	attempt( "$alg no signature", "$h.$p.", $alg, $key );
}
$other = sodium_crypto_sign_secretkey( sodium_crypto_sign_keypair() );
$in = seg( [ 'alg' => 'EdDSA' ] ) . '.' . seg( claims() );
attempt( 'EdDSA, another key', $in . '.' . b64u( sodium_crypto_sign_detached( $in, $other ) ), 'EdDSA', $edPem );
attempt( 'HS256, another secret', hs( claims(), [ 'alg' => 'HS256' ], 'another secret' ), 'HS256', SECRET );

echo "== malformed tokens\n";
$good = hs( claims() );
attempt( 'empty', '', 'HS256', SECRET );
attempt( 'garbage', 'garbage', 'HS256', SECRET );
attempt( 'two parts', 'a.b', 'HS256', SECRET );
attempt( 'four parts', "$good.x", 'HS256', SECRET );
attempt( 'Bearer prefix', "Bearer $good", 'HS256', SECRET );
attempt( 'trailing newline', "$good\n", 'HS256', SECRET );
attempt( 'padded', hs( claims( [ 'sub' => 'al' ] ) ) . '=', 'HS256', SECRET );
attempt( 'standard alphabet', strtr( $good, '-_', '+/' ) . '+/', 'HS256', SECRET );
attempt( 'binary', "\xff\xfe.\x00.\xc3", 'HS256', SECRET );
attempt( 'header not JSON', b64u( 'nope' ) . '.' . seg( claims() ) . '.sig', 'HS256', SECRET );
attempt( 'header a list', b64u( '["HS256"]' ) . '.' . seg( claims() ) . '.sig', 'HS256', SECRET );
$in = b64u( '{"alg":"HS256","alg":"none"}' ) . '.' . seg( claims() );
attempt( 'duplicate alg', $in . '.' . b64u( hash_hmac( 'sha256', $in, SECRET, true ) ), 'HS256', SECRET );
$in = seg( [ 'alg' => 'HS256' ] ) . '.' . b64u( substr( json_encode( claims() ), 0, -1 ) . ',"sub":"admin"}' );
attempt( 'duplicate sub', $in . '.' . b64u( hash_hmac( 'sha256', $in, SECRET, true ) ), 'HS256', SECRET );
$in = seg( [ 'alg' => 'HS256' ] ) . '.' . b64u( '[1]' );
attempt( 'payload a list', $in . '.' . b64u( hash_hmac( 'sha256', $in, SECRET, true ) ), 'HS256', SECRET );
attempt( 'deep nesting', hs( claims( [ 'x' => json_decode( str_repeat( '[', 40 ) . str_repeat( ']', 40 ) ) ] ) ), 'HS256', SECRET );
attempt( 'too long', hs( claims( [ 'pad' => str_repeat( 'x', 20000 ) ] ) ), 'HS256', SECRET );

echo "== configuration\n";
attempt( 'empty HS256 secret', $good, 'HS256', '' );
attempt( 'empty RS256 key', rs( claims() ), 'RS256', '' );
attempt( 'RS256 key garbage', rs( claims() ), 'RS256', 'not a key' );
attempt( 'RS256 private key', rs( claims() ), 'RS256', $rsaPrivPem );
attempt( 'RS256 with the Ed25519 key', rs( claims() ), 'RS256', $edPem );
attempt( 'EdDSA with the RSA key', ed( claims() ), 'EdDSA', $rsaPub );
$small = openssl_pkey_new( [ 'private_key_type' => OPENSSL_KEYTYPE_RSA, 'private_key_bits' => 1024 ] );
attempt( 'RS256 1024-bit key', rs( claims() ), 'RS256', openssl_pkey_get_details( $small )['key'] );
attempt( 'empty issuer', $good, 'HS256', SECRET, 30, '' );
attempt( 'empty audience', $good, 'HS256', SECRET, 30, ISS, '' );
attempt( 'negative leeway', $good, 'HS256', SECRET, -1 );
attempt( 'huge leeway', $good, 'HS256', SECRET, PHP_INT_MAX );
attempt( 'issuer not UTF-8', $good, 'HS256', SECRET, 30, "\xff" );
?>
--EXPECT--
== valid tokens
HS256 claims round trip: true
RS256 claims round trip: true
EdDSA claims round trip: true
RS256, PKCS#1 key: accepted, sub alice
RS256, CRLF key: accepted, sub alice
HS256, binary secret: accepted, sub alice
HS256, kid and typ: accepted, sub alice
aud array: accepted, sub alice
float exp: accepted, sub alice
== time claims
exp = now - leeway: accepted, sub alice
exp = now - leeway - 1: [RefusedException 4] the JWT has expired
expired, no leeway: [RefusedException 4] the JWT has expired
expired by half a second: [RefusedException 4] the JWT has expired
expired RS256: [RefusedException 4] the JWT has expired
expired EdDSA: [RefusedException 4] the JWT has expired
nbf = now + leeway: accepted, sub alice
nbf = now + leeway + 1: [RefusedException 5] the JWT is not valid yet ("nbf")
iat = now + leeway: accepted, sub alice
iat = now + leeway + 1: [RefusedException 5] the JWT was issued in the future ("iat")
no exp: [RefusedException 8] the JWT has no "exp" claim
no iat: [RefusedException 8] the JWT has no "iat" claim
exp a string: [RefusedException 8] the JWT's "exp" claim is not a number
nbf a boolean: [RefusedException 8] the JWT's "nbf" claim is not a number
lifetime = max: accepted, sub alice
lifetime = max + 1: [RefusedException 9] the JWT's lifetime (exp - iat) is longer than the allowed 86400 seconds
exp 1e19: [RefusedException 9] the JWT's lifetime (exp - iat) is longer than the allowed 86400 seconds
iat -1e19: [RefusedException 9] the JWT's lifetime (exp - iat) is longer than the allowed 86400 seconds
== iss, aud, sub
wrong iss: [RefusedException 6] the JWT's issuer "https://evil.example" is not the configured one
iss with a newline: [RefusedException 6] the JWT's issuer "a\nb" is not the configured one
no iss: [RefusedException 8] the JWT has no "iss" claim
wrong aud: [RefusedException 7] the JWT's audience does not include "mediawiki"
wrong aud array: [RefusedException 7] the JWT's audience does not include "mediawiki"
aud array with a number: [RefusedException 8] the JWT's "aud" claim is not a string or an array of strings
no aud: [RefusedException 8] the JWT has no "aud" claim
no sub: [RefusedException 8] the JWT has no "sub" claim
empty sub: [RefusedException 8] the JWT's "sub" claim is empty
numeric sub: [RefusedException 8] the JWT's "sub" claim is not a string
wrong iss, RS256: [RefusedException 6] the JWT's issuer "x" is not the configured one
wrong aud, EdDSA: [RefusedException 7] the JWT's audience does not include "mediawiki"
== algorithms
RS256 token, HS256 pinned: [RefusedException 2] the JWT's alg "RS256" is not the configured HS256
HS256 token, EdDSA pinned: [RefusedException 2] the JWT's alg "HS256" is not the configured EdDSA
EdDSA token, RS256 pinned: [RefusedException 2] the JWT's alg "EdDSA" is not the configured RS256
key confusion: HS256 signed with the RSA public key: [RefusedException 2] the JWT's alg "HS256" is not the configured RS256
key confusion, relabelled RS256: [RefusedException 3] the JWT's signature does not match
key confusion, PEM as HS256 secret: [ConfigurationException 0] the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA
alg none, HS256 pinned: [RefusedException 2] alg "none" is never accepted
alg none, RS256 pinned: [RefusedException 2] alg "none" is never accepted
alg none, EdDSA pinned: [RefusedException 2] alg "none" is never accepted
alg NONE, HS256 pinned: [RefusedException 2] alg "none" is never accepted
alg NONE, RS256 pinned: [RefusedException 2] alg "none" is never accepted
alg NONE, EdDSA pinned: [RefusedException 2] alg "none" is never accepted
alg None, HS256 pinned: [RefusedException 2] alg "none" is never accepted
alg None, RS256 pinned: [RefusedException 2] alg "none" is never accepted
alg None, EdDSA pinned: [RefusedException 2] alg "none" is never accepted
alg lower case: [RefusedException 2] the JWT's alg "hs256" is not the configured HS256
no alg: [RefusedException 1] the JWT's header has no "alg" string
crit: [RefusedException 1] the JWT's header has a "crit" parameter, and no critical extension is supported
numeric kid: [RefusedException 1] the JWT's header "kid" is not a string
configured alg 6873323536: [ConfigurationException 0] unknown JWT algorithm "hs256": use "HS256", "RS256", "PS256", "ES256" or "EdDSA"
configured alg 5253333834: [ConfigurationException 0] unknown JWT algorithm "RS384": use "HS256", "RS256", "PS256", "ES256" or "EdDSA"
configured alg 6e6f6e65: [ConfigurationException 0] unknown JWT algorithm "none": use "HS256", "RS256", "PS256", "ES256" or "EdDSA"
configured alg : [ConfigurationException 0] unknown JWT algorithm "": use "HS256", "RS256", "PS256", "ES256" or "EdDSA"
configured alg ff: [ConfigurationException 0] the JWT algorithm name is not valid UTF-8
== tampering
HS256 untouched: accepted, sub alice
HS256 tampered payload: [RefusedException 3] the JWT's signature does not match
HS256 tampered signature: [RefusedException 3] the JWT's signature does not match
HS256 truncated signature: [RefusedException 3] the JWT's signature does not match
HS256 no signature: [RefusedException 3] the JWT's signature does not match
RS256 untouched: accepted, sub alice
RS256 tampered payload: [RefusedException 3] the JWT's signature does not match
RS256 tampered signature: [RefusedException 3] the JWT's signature does not match
RS256 truncated signature: [RefusedException 3] the JWT's signature does not match
RS256 no signature: [RefusedException 3] the JWT's signature does not match
EdDSA untouched: accepted, sub alice
EdDSA tampered payload: [RefusedException 3] the JWT's signature does not match
EdDSA tampered signature: [RefusedException 3] the JWT's signature does not match
EdDSA truncated signature: [RefusedException 3] the JWT's signature does not match
EdDSA no signature: [RefusedException 3] the JWT's signature does not match
EdDSA, another key: [RefusedException 3] the JWT's signature does not match
HS256, another secret: [RefusedException 3] the JWT's signature does not match
== malformed tokens
empty: [RefusedException 1] the JWT is not three base64url parts
garbage: [RefusedException 1] the JWT is not three base64url parts
two parts: [RefusedException 1] the JWT is not three base64url parts
four parts: [RefusedException 1] the JWT is not three base64url parts
Bearer prefix: [RefusedException 1] the JWT is not three base64url parts
trailing newline: [RefusedException 1] the JWT is not three base64url parts
padded: [RefusedException 1] the JWT is not three base64url parts
standard alphabet: [RefusedException 1] the JWT is not three base64url parts
binary: [RefusedException 1] the JWT is not three base64url parts
header not JSON: [RefusedException 1] the JWT's header is not valid JSON (error at column 2)
header a list: [RefusedException 1] the JWT's header is not a JSON object
duplicate alg: [RefusedException 1] the JWT's header has "alg" more than once
duplicate sub: [RefusedException 1] the JWT's payload has "sub" more than once
payload a list: [RefusedException 1] the JWT's payload is not a JSON object
deep nesting: [RefusedException 1] the JWT's payload nests more than 16 levels deep
too long: [RefusedException 1] the JWT is longer than 16384 bytes
== configuration
empty HS256 secret: [ConfigurationException 0] the HS256 secret is empty
empty RS256 key: [ConfigurationException 0] the RS256 key does not parse: it must be a PEM RSA public key ("BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY")
RS256 key garbage: [ConfigurationException 0] the RS256 key does not parse: it must be a PEM RSA public key ("BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY")
RS256 private key: [ConfigurationException 0] the RS256 key is a private key: configure the public key only
RS256 with the Ed25519 key: [ConfigurationException 0] the RS256 key does not parse: it must be a PEM RSA public key ("BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY")
EdDSA with the RSA key: [ConfigurationException 0] the EdDSA key does not parse: it must be a PEM Ed25519 public key ("BEGIN PUBLIC KEY")
RS256 1024-bit key: [ConfigurationException 0] the RS256 key has 1024 bits: at least 2048 are required
empty issuer: [ConfigurationException 0] no JWT issuer is configured
empty audience: [ConfigurationException 0] no JWT audience is configured
negative leeway: [ConfigurationException 0] the JWT leeway -1 is out of range: use 0 to 86400 seconds
huge leeway: [ConfigurationException 0] the JWT leeway 9223372036854775807 is out of range: use 0 to 86400 seconds
issuer not UTF-8: [ConfigurationException 0] the JWT issuer is not valid UTF-8
