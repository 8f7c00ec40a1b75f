--TEST--
JWT key sets (JwtVerifier::withKeySet) and PS256/ES256: tokens made by PHP's openssl, sodium and the openssl command, key choice by kid, and every key-set refusal with its code
--SKIPIF--
<?php
if ( !extension_loaded( 'openssl' ) || !extension_loaded( 'sodium' ) ) {
	echo 'skip needs openssl and sodium';
}
?>
--FILE--
<?php
use MwsTokenAuthenticator\ConfigurationException;
use MwsTokenAuthenticator\JwtVerifier;
use MwsTokenAuthenticator\RefusedException;

const ISS = 'https://idp.example.org';
const AUD = 'mediawiki';
const NOW = 1700000000;
const ALL = [ 'RS256', 'PS256', 'ES256', 'EdDSA' ];

function b64u( string $s ): string {
	return rtrim( strtr( base64_encode( $s ), '+/', '-_' ), '=' );
}

function seg( array $a ): string {
	return b64u( json_encode( $a ) );
}

function claims(): array {
	return [ 'iss' => ISS, 'aud' => AUD, 'sub' => 'alice', 'iat' => NOW - 10, 'exp' => NOW + 300 ];
}

function hdr( string $alg, ?string $kid ): array {
	return $kid === null ? [ 'alg' => $alg ] : [ 'alg' => $alg, 'kid' => $kid ];
}

// --- keys, made fresh: the output below never depends on their bytes
$rsa = openssl_pkey_new( [ 'private_key_type' => OPENSSL_KEYTYPE_RSA, 'private_key_bits' => 2048 ] );
$rsaDetails = openssl_pkey_get_details( $rsa );
$rsaPub = $rsaDetails['key'];
openssl_pkey_export( $rsa, $rsaPrivPem );

function ec_key( string $curve = 'prime256v1' ) {
	return openssl_pkey_new( [ 'private_key_type' => OPENSSL_KEYTYPE_EC, 'curve_name' => $curve ] );
}
$ec1 = ec_key();
$ec2 = ec_key();

$edPair = sodium_crypto_sign_keypair();
$edSecret = sodium_crypto_sign_secretkey( $edPair );

function rsa_jwk( array $details, string $kid, array $extra = [] ): array {
	return [ 'kty' => 'RSA', 'kid' => $kid, 'n' => b64u( $details['rsa']['n'] ), 'e' => b64u( $details['rsa']['e'] ) ] + $extra;
}

function ec_jwk( $key, string $kid, array $extra = [], string $crv = 'P-256', int $size = 32 ): array {
	$ec = openssl_pkey_get_details( $key )['ec'];
	return [
		'kty' => 'EC', 'crv' => $crv, 'kid' => $kid,
		'x' => b64u( str_pad( $ec['x'], $size, "\0", STR_PAD_LEFT ) ),
		'y' => b64u( str_pad( $ec['y'], $size, "\0", STR_PAD_LEFT ) ),
	] + $extra;
}

function ed_jwk( string $pair, string $kid ): array {
	return [ 'kty' => 'OKP', 'crv' => 'Ed25519', 'kid' => $kid, 'x' => b64u( sodium_crypto_sign_publickey( $pair ) ) ];
}

// --- signers
function rs( array $header ): string {
	global $rsa;
	$in = seg( $header ) . '.' . seg( claims() );
	openssl_sign( $in, $sig, $rsa, OPENSSL_ALGO_SHA256 );
	return $in . '.' . b64u( $sig );
}

// PHP's openssl_sign cannot do PSS: the openssl command does, with the salt
// length RFC 7518 requires (32, the hash's length).
function ps( array $header ): string {
	global $rsaPrivPem;
	$keyFile = tempnam( sys_get_temp_dir(), 'ps256' );
	file_put_contents( $keyFile, $rsaPrivPem );
	$in = seg( $header ) . '.' . seg( claims() );
	$proc = proc_open(
		[ 'openssl', 'dgst', '-sha256', '-sign', $keyFile, '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32' ],
		[ 0 => [ 'pipe', 'r' ], 1 => [ 'pipe', 'w' ], 2 => [ 'pipe', 'w' ] ],
		$pipes
	);
	fwrite( $pipes[0], $in );
	fclose( $pipes[0] );
	$sig = stream_get_contents( $pipes[1] );
	fclose( $pipes[1] );
	fclose( $pipes[2] );
	proc_close( $proc );
	unlink( $keyFile );
	return $in . '.' . b64u( $sig );
}

// ECDSA from openssl_sign is DER; JOSE wants r || s, 32 bytes each.
function der_to_rs( string $der ): string {
	$pos = 2;
	if ( ord( $der[1] ) & 0x80 ) {
		$pos += ord( $der[1] ) & 0x7f;
	}
	$out = '';
	for ( $i = 0; $i < 2; $i++ ) {
		$len = ord( $der[$pos + 1] );
		$int = ltrim( substr( $der, $pos + 2, $len ), "\0" );
		$out .= str_pad( $int, 32, "\0", STR_PAD_LEFT );
		$pos += 2 + $len;
	}
	return $out;
}

function es( array $header, $key ): string {
	$in = seg( $header ) . '.' . seg( claims() );
	openssl_sign( $in, $der, $key, OPENSSL_ALGO_SHA256 );
	return $in . '.' . b64u( der_to_rs( $der ) );
}

function ed( array $header ): string {
	global $edSecret;
	$in = seg( $header ) . '.' . seg( claims() );
	return $in . '.' . b64u( sodium_crypto_sign_detached( $in, $edSecret ) );
}

function jwks( array $keys ): string {
	return json_encode( [ 'keys' => $keys ] );
}

function attempt( string $label, callable $make ): void {
	try {
		$make();
		echo "$label: ok\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		$kind = substr( strrchr( get_class( $e ), '\\' ), 1 );
		echo "$label: [$kind ", $e->getCode(), '] ', $e->getMessage(), "\n";
	}
}

function check( string $label, JwtVerifier $v, string $jwt ): void {
	attempt( $label, function () use ( $v, $jwt ) {
		$claims = $v->verify( $jwt, NOW );
		if ( $claims['sub'] !== 'alice' ) {
			throw new Exception( 'wrong claims' );
		}
	} );
}

function set_verifier( array $keys, $alg = ALL ): JwtVerifier {
	return JwtVerifier::withKeySet( $alg, jwks( $keys ), ISS, AUD, 30, 86400 );
}

echo "== constants\n";
foreach ( [ RefusedException::class, ConfigurationException::class ] as $class ) {
	foreach ( ( new ReflectionClass( $class ) )->getConstants() as $name => $value ) {
		if ( $value >= 10 ) {
			echo "$class::$name = $value\n";
		}
	}
}

echo "== each algorithm by kid\n";
$v = set_verifier( [ rsa_jwk( $rsaDetails, 'rsa-1' ), ec_jwk( $ec1, 'ec-1' ), ed_jwk( $edPair, 'ed-1' ) ] );
check( 'RS256', $v, rs( hdr( 'RS256', 'rsa-1' ) ) );
check( 'PS256', $v, ps( hdr( 'PS256', 'rsa-1' ) ) );
check( 'ES256', $v, es( hdr( 'ES256', 'ec-1' ), $ec1 ) );
check( 'EdDSA', $v, ed( hdr( 'EdDSA', 'ed-1' ) ) );
check( 'ES256 naming the RSA key', $v, es( hdr( 'ES256', 'rsa-1' ), $ec1 ) );
echo 'keyIds: ', json_encode( $v->keyIds() ), "\n";
echo 'skippedKeys: ', json_encode( $v->skippedKeys() ), "\n";

echo "== rotation\n";
$v = set_verifier( [ ec_jwk( $ec1, '2024' ), ec_jwk( $ec2, '2025' ) ], 'ES256' );
check( 'old key', $v, es( hdr( 'ES256', '2024' ), $ec1 ) );
check( 'new key', $v, es( hdr( 'ES256', '2025' ), $ec2 ) );
check( 'new key naming the old kid', $v, es( hdr( 'ES256', '2024' ), $ec2 ) );
check( 'no kid, two ES256 keys', $v, es( hdr( 'ES256', null ), $ec2 ) );
check( 'unknown kid', $v, es( hdr( 'ES256', '2026' ), $ec2 ) );

echo "== without kid\n";
$v = set_verifier( [ ec_jwk( $ec1, 'only' ), rsa_jwk( $rsaDetails, 'rsa' ) ] );
check( 'ES256, one P-256 key', $v, es( hdr( 'ES256', null ), $ec1 ) );
check( 'RS256, one RSA key', $v, rs( hdr( 'RS256', null ) ) );
check( 'EdDSA, no OKP key', $v, ed( hdr( 'EdDSA', null ) ) );

echo "== header keys are never used\n";
$forged = es( [ 'alg' => 'ES256', 'kid' => 'only', 'jwk' => ec_jwk( $ec2, 'only' ), 'jku' => 'https://evil.example/' ], $ec2 );
check( 'jwk and jku in the header', $v, $forged );

echo "== refused keys stay out, the rest stays usable\n";
$small = openssl_pkey_get_details( openssl_pkey_new( [ 'private_key_type' => OPENSSL_KEYTYPE_RSA, 'private_key_bits' => 1024 ] ) );
$p384 = ec_key( 'secp384r1' );
$keys = [
	rsa_jwk( $rsaDetails, 'good' ),
	rsa_jwk( $small, 'rsa-1024' ),
	[ 'kty' => 'oct', 'kid' => 'hmac', 'k' => b64u( 'a shared secret' ) ],
	ec_jwk( $p384, 'p384-as-p256', [], 'P-256', 48 ),
	ec_jwk( $p384, 'p384', [], 'P-384', 48 ),
	rsa_jwk( $rsaDetails, 'private', [ 'd' => b64u( 'not really' ) ] ),
	rsa_jwk( $rsaDetails, 'enc', [ 'use' => 'enc', 'alg' => 'RSA-OAEP' ] ),
	[ 'kty' => 'OKP', 'crv' => 'X25519', 'kid' => 'x25519', 'x' => b64u( str_repeat( "\1", 32 ) ) ],
	ec_jwk( $ec1, 'twice' ),
	ec_jwk( $ec2, 'twice' ),
	[ 'kty' => 'RSA', 'n' => 'AQAB+', 'e' => 'AQAB' ],
	rsa_jwk( $rsaDetails, 'ps-only', [ 'alg' => 'PS256' ] ),
];
$v = set_verifier( $keys, [ 'RS256', 'ES256' ] );
echo 'keyIds: ', json_encode( $v->keyIds() ), "\n";
foreach ( $v->skippedKeys() as $s ) {
	echo '  ', var_export( $s['kid'], true ), ' ', $s['code'], ' ', $s['message'], "\n";
}
check( 'good key', $v, rs( hdr( 'RS256', 'good' ) ) );
check( 'kid of the 1024-bit key', $v, rs( hdr( 'RS256', 'rsa-1024' ) ) );
check( 'kid of the oct key', $v, rs( hdr( 'RS256', 'hmac' ) ) );
check( 'kid of a duplicated key', $v, es( hdr( 'ES256', 'twice' ), $ec1 ) );
check( 'no kid: the one RSA key left', $v, rs( hdr( 'RS256', null ) ) );

echo "== whole sets refused\n";
$good = rsa_jwk( $rsaDetails, 'good' );
attempt( 'not JSON', fn () => JwtVerifier::withKeySet( 'RS256', '{"keys":[', ISS, AUD, 30, 86400 ) );
attempt( 'duplicate member', fn () => JwtVerifier::withKeySet( 'RS256', substr( jwks( [ $good ] ), 0, -3 ) . ',"kid":"again"}]}', ISS, AUD, 30, 86400 ) );
attempt( 'no keys array', fn () => JwtVerifier::withKeySet( 'RS256', '{"key":[]}', ISS, AUD, 30, 86400 ) );
attempt( 'a list', fn () => JwtVerifier::withKeySet( 'RS256', '[]', ISS, AUD, 30, 86400 ) );
attempt( 'a key that is not an object', fn () => JwtVerifier::withKeySet( 'RS256', '{"keys":[1]}', ISS, AUD, 30, 86400 ) );
attempt( 'empty', fn () => JwtVerifier::withKeySet( 'RS256', '{"keys":[]}', ISS, AUD, 30, 86400 ) );
attempt( 'only refused keys', fn () => set_verifier( [ rsa_jwk( $small, 'small' ), [ 'kty' => 'oct', 'k' => 'AA' ] ] ) );
attempt( 'HS256 with a key set', fn () => JwtVerifier::withKeySet( 'HS256', jwks( [ $good ] ), ISS, AUD, 30, 86400 ) );

echo "== algorithm lists with one key\n";
$both = new JwtVerifier( [ 'RS256', 'PS256' ], $rsaPub, ISS, AUD, 30, 86400 );
check( 'RS256 of [RS256, PS256]', $both, rs( hdr( 'RS256', 'ignored' ) ) );
check( 'PS256 of [RS256, PS256]', $both, ps( hdr( 'PS256', null ) ) );
check( 'ES256 of [RS256, PS256]', $both, es( hdr( 'ES256', null ), $ec1 ) );
$ecPem = openssl_pkey_get_details( $ec1 )['key'];
check( 'ES256 with a PEM key', new JwtVerifier( 'ES256', $ecPem, ISS, AUD, 30, 86400 ), es( hdr( 'ES256', null ), $ec1 ) );
check( 'PS256 alone', new JwtVerifier( 'PS256', $rsaPub, ISS, AUD, 30, 86400 ), ps( hdr( 'PS256', null ) ) );
attempt( 'ES256 with the RSA key', fn () => new JwtVerifier( [ 'RS256', 'ES256' ], $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'ES256 alone with the RSA key', fn () => new JwtVerifier( 'ES256', $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'HS256 and RS256', fn () => new JwtVerifier( [ 'HS256', 'RS256' ], $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'empty list', fn () => new JwtVerifier( [], $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'a number in the list', fn () => new JwtVerifier( [ 'RS256', 256 ], $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'a number', fn () => new JwtVerifier( 256, $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'unknown name in the list', fn () => new JwtVerifier( [ 'RS256', 'ES384' ], $rsaPub, ISS, AUD, 30, 86400 ) );
attempt( 'P-384 PEM for ES256', fn () => new JwtVerifier( 'ES256', openssl_pkey_get_details( $p384 )['key'], ISS, AUD, 30, 86400 ) );

echo "== ES256 malleability and the replay key\n";
if ( extension_loaded( 'gmp' ) ) {
	$jwt = es( hdr( 'ES256', null ), $ec1 );
	[ $h, $p, $s ] = explode( '.', $jwt );
	$sig = base64_decode( strtr( $s, '-_', '+/' ) );
	$order = gmp_init( 'FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 16 );
	$sPrime = gmp_sub( $order, gmp_import( substr( $sig, 32 ) ) );
	$other = "$h.$p." . b64u( substr( $sig, 0, 32 ) . str_pad( gmp_export( $sPrime ), 32, "\0", STR_PAD_LEFT ) );
	$single = new JwtVerifier( 'ES256', $ecPem, ISS, AUD, 30, 86400 );
	check( '(r, s)', $single, $jwt );
	check( '(r, n - s)', $single, $other );
	echo 'same replay key: ', var_export( mws_ta_jwt_replay_key( $jwt, ISS ) === mws_ta_jwt_replay_key( $other, ISS ), true ), "\n";
} else {
	echo "(r, s): ok\n(r, n - s): ok\nsame replay key: true\n";
}
?>
--EXPECT--
== constants
MwsTokenAuthenticator\RefusedException::JWT_UNKNOWN_KEY = 10
MwsTokenAuthenticator\RefusedException::JWT_KEY_REFUSED = 11
MwsTokenAuthenticator\ConfigurationException::KEY_SET_NOT_JSON = 101
MwsTokenAuthenticator\ConfigurationException::KEY_SET_DUPLICATE_MEMBER = 102
MwsTokenAuthenticator\ConfigurationException::KEY_SET_FORM = 103
MwsTokenAuthenticator\ConfigurationException::KEY_SET_NO_USABLE_KEY = 104
MwsTokenAuthenticator\ConfigurationException::KEY_TYPE = 111
MwsTokenAuthenticator\ConfigurationException::KEY_SYMMETRIC = 112
MwsTokenAuthenticator\ConfigurationException::KEY_PRIVATE = 113
MwsTokenAuthenticator\ConfigurationException::KEY_SIZE = 114
MwsTokenAuthenticator\ConfigurationException::KEY_CURVE = 115
MwsTokenAuthenticator\ConfigurationException::KEY_MEMBER = 116
MwsTokenAuthenticator\ConfigurationException::KEY_USE = 117
MwsTokenAuthenticator\ConfigurationException::KEY_ALGORITHM = 118
MwsTokenAuthenticator\ConfigurationException::KEY_DUPLICATE_ID = 119
== each algorithm by kid
RS256: ok
PS256: ok
ES256: ok
EdDSA: ok
ES256 naming the RSA key: [RefusedException 2] the JWT's alg ES256 does not fit its key "rsa-1"
keyIds: ["rsa-1","ec-1","ed-1"]
skippedKeys: []
== rotation
old key: ok
new key: ok
new key naming the old kid: [RefusedException 3] the JWT's signature does not match
no kid, two ES256 keys: [RefusedException 10] the JWT names no key ("kid"), and 2 keys of the key set fit its alg ES256
unknown kid: [RefusedException 10] the JWT's key "2026" is not in the key set
== without kid
ES256, one P-256 key: ok
RS256, one RSA key: ok
EdDSA, no OKP key: [RefusedException 10] the JWT names no key ("kid"), and 0 keys of the key set fit its alg EdDSA
== header keys are never used
jwk and jku in the header: [RefusedException 3] the JWT's signature does not match
== refused keys stay out, the rest stays usable
keyIds: ["good"]
  'rsa-1024' 114 key #1 (kid "rsa-1024"): its RSA modulus has 1024 bits: use 2048 to 4096
  'hmac' 112 key #2 (kid "hmac"): it is a symmetric ("oct") key, which a key set must never hold
  'p384-as-p256' 115 key #3 (kid "p384-as-p256"): its "x" coordinate has 48 bytes, not the 32 of P-256
  'p384' 115 key #4 (kid "p384"): its curve "P-384" is not supported: use "P-256" (EC) or "Ed25519" (OKP)
  'private' 113 key #5 (kid "private"): it publishes private key material ("d")
  'enc' 117 key #6 (kid "enc"): its "use" is "enc", not "sig"
  'x25519' 115 key #7 (kid "x25519"): its curve "X25519" is not supported: use "P-256" (EC) or "Ed25519" (OKP)
  'twice' 119 key #8 (kid "twice"): another usable key of the set has the same "kid"
  'twice' 119 key #9 (kid "twice"): another usable key of the set has the same "kid"
  NULL 116 key #10: its "n" member is not unpadded base64url
  'ps-only' 118 key #11 (kid "ps-only"): its "alg" PS256 is not one of the configured algorithms
good key: ok
kid of the 1024-bit key: [RefusedException 11] the JWT's key "rsa-1024" was refused when the key set was read
kid of the oct key: [RefusedException 11] the JWT's key "hmac" was refused when the key set was read
kid of a duplicated key: [RefusedException 11] the JWT's key "twice" was refused when the key set was read
no kid: the one RSA key left: ok
== whole sets refused
not JSON: [ConfigurationException 101] the JWT key set is not valid JSON (error at column 9)
duplicate member: [ConfigurationException 102] the JWT key set has "kid" more than once in one object
no keys array: [ConfigurationException 103] the JWT key set has no "keys" array
a list: [ConfigurationException 103] the JWT key set is not a JSON object
a key that is not an object: [ConfigurationException 103] entry #0 of the JWT key set's "keys" is not an object
empty: [ConfigurationException 104] the JWT key set has no usable key: its "keys" array is empty
only refused keys: [ConfigurationException 104] the JWT key set has no usable key: 2 of 2 refused: key #0 (kid "small"): its RSA modulus has 1024 bits: use 2048 to 4096; key #1: it is a symmetric ("oct") key, which a key set must never hold
HS256 with a key set: [ConfigurationException 0] HS256 cannot be used with a key set: HS256 takes a shared secret, and a key set is public
== algorithm lists with one key
RS256 of [RS256, PS256]: ok
PS256 of [RS256, PS256]: ok
ES256 of [RS256, PS256]: [RefusedException 2] the JWT's alg "ES256" is not the configured RS256 or PS256
ES256 with a PEM key: ok
PS256 alone: ok
ES256 with the RSA key: [ConfigurationException 0] the configured algorithm ES256 does not fit the RSA key: RSA keys take RS256 or PS256, P-256 keys ES256, Ed25519 keys EdDSA
ES256 alone with the RSA key: [ConfigurationException 0] the ES256 key does not parse: it must be a PEM P-256 public key ("BEGIN PUBLIC KEY")
HS256 and RS256: [ConfigurationException 0] HS256 must be the only configured JWT algorithm: with others, a public key could be used as an HMAC secret
empty list: [ConfigurationException 0] no JWT algorithm is configured
a number in the list: [ConfigurationException 0] the JWT algorithm setting is neither a string nor a list of strings
a number: [ConfigurationException 0] the JWT algorithm setting is neither a string nor a list of strings
unknown name in the list: [ConfigurationException 0] unknown JWT algorithm "ES384": use "HS256", "RS256", "PS256", "ES256" or "EdDSA"
P-384 PEM for ES256: [ConfigurationException 0] the ES256 key does not parse: it must be a PEM P-256 public key ("BEGIN PUBLIC KEY")
== ES256 malleability and the replay key
(r, s): ok
(r, n - s): ok
same replay key: true
