--TEST--
Session verification tokens (SessionVerifier): key derivation, round trip, hash_hmac cross-check, age and leeway, tampering, wrong user tokens, malformed tokens
--FILE--
<?php
use MwsTokenAuthenticator\SessionVerifier;

// What the PHP side did before the rules moved: the key per user, then the token.
function php_key( string $secret, int $user, string $userToken ): string {
	return hash_hmac( 'sha256', "mws-session-verification\0$user\0$userToken", $secret );
}
function php_token( string $secret, int $user, string $userToken, int $at ): string {
	return "v1.$user.$at." . hash_hmac( 'sha256', "v1.$user.$at", php_key( $secret, $user, $userToken ) );
}
function outcome( callable $f ): string {
	try {
		return json_encode( $f() );
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		return substr( strrchr( get_class( $e ), '\\' ), 1 ) . ': ' . $e->getMessage();
	}
}

$secret = 'wiki secret key';
$v = new SessionVerifier( $secret, 3600, 60 );
$t = $v->sign( 42, 'user-token-42', 1700000000 );
echo "token shape: ", preg_match( '/^v1\.42\.1700000000\.[0-9a-f]{64}$/', $t ), "\n";
echo "hash_hmac agrees: ", var_export( $t === php_token( $secret, 42, 'user-token-42', 1700000000 ), true ), "\n";
echo "user id: ", SessionVerifier::userIdOf( $t ), "\n";
echo "verify: ", outcome( fn () => $v->verify( $t, 'user-token-42', 1700000045 ) ), "\n";

// Tokens made by PHP alone verify, and the other way round.
$mismatch = 0;
for ( $i = 0; $i < 200; $i++ ) {
	$s = random_bytes( random_int( 1, 64 ) );
	$user = random_int( 1, PHP_INT_MAX );
	$at = random_int( 0, PHP_INT_MAX - 100 );
	$ut = bin2hex( random_bytes( 16 ) );
	$w = new SessionVerifier( $s, 0, 60 );
	$php = php_token( $s, $user, $ut, $at );
	if ( $w->sign( $user, $ut, $at ) !== $php || SessionVerifier::userIdOf( $php ) !== $user
		|| $w->verify( $php, $ut, $at + 10 ) !== [ 'userId' => $user, 'age' => 10 ]
	) {
		$mismatch++;
	}
}
echo "mismatches with hash_hmac: $mismatch\n";

echo "== age and clock leeway\n";
foreach ( [
	'45 s old' => 1700000045,
	'max age' => 1700003600,
	'max age + 1' => 1700003601,
	'60 s in the future' => 1699999940,
	'61 s in the future' => 1699999939,
] as $label => $now ) {
	echo "$label: ", outcome( fn () => $v->verify( $t, 'user-token-42', $now ) ), "\n";
}
echo "no limit: ", outcome( fn () => ( new SessionVerifier( $secret, 0, 60 ) )->verify( $t, 'user-token-42', PHP_INT_MAX ) ), "\n";

echo "== tampering, other secrets and user tokens\n";
$sig = substr( $t, -64 );
$flipped = substr( $t, 0, -1 ) . ( $t[-1] === '0' ? '1' : '0' );
foreach ( [
	'other user token (logged out everywhere)' => [ $v, $t, 'user-token-new' ],
	'empty user token' => [ $v, $t, '' ],
	'other secret' => [ new SessionVerifier( 'other secret', 3600, 60 ), $t, 'user-token-42' ],
	'other user' => [ $v, "v1.43.1700000000.$sig", 'user-token-42' ],
	'other time' => [ $v, "v1.42.1700000001.$sig", 'user-token-42' ],
	'other version' => [ $v, "v2.42.1700000000.$sig", 'user-token-42' ],
	'flipped digit' => [ $v, $flipped, 'user-token-42' ],
	'upper-case hex' => [ $v, 'v1.42.1700000000.' . strtoupper( $sig ), 'user-token-42' ],
	'leading zero' => [ $v, "v1.042.1700000000.$sig", 'user-token-42' ],
	'trailing newline' => [ $v, "$t\n", 'user-token-42' ],
] as $label => [ $w, $token, $ut ] ) {
	echo "$label: ", outcome( fn () => $w->verify( $token, $ut, 1700000010 ) ), "\n";
}

echo "== malformed tokens\n";
$a64 = str_repeat( 'a', 64 );
foreach ( [
	'',
	'v1',
	'v1.1.2',
	"v1.1.2.$a64.",
	"v1.1.2.3.$a64",
	"v2.1.2.$a64",
	"v1..2.$a64",
	"v1.-1.2.$a64",
	"v1.+1.2.$a64",
	"v1.1e3.2.$a64",
	"v1.1.-2.$a64",
	"v1.01.2.$a64",
	"v1.1.00.$a64",
	"v1.0.2.$a64",
	"v1.9223372036854775808.2.$a64",
	"v1.1.99999999999999999999.$a64",
	'v1.1.2.' . substr( $a64, 1 ),
	'v1.1.2.' . str_repeat( 'g', 64 ),
	'v1.1.2.' . str_repeat( 'A', 64 ),
	"v1.\xff.2.$a64",
	"v1.1.2.\xff" . substr( $a64, 1 ),
	str_repeat( '1', 257 ),
] as $token ) {
	$shown = addcslashes( strlen( $token ) > 40 ? substr( $token, 0, 30 ) . '...' : $token, "\0..\37\177..\377" );
	echo "$shown: ", outcome( fn () => SessionVerifier::userIdOf( $token ) ), "\n";
	if ( !str_starts_with( outcome( fn () => $v->verify( $token, 'user-token-42', 3 ) ), 'Refused' ) ) {
		echo "  verified!\n";
	}
}
echo "user id of v1.1.0: ", SessionVerifier::userIdOf( "v1.1.0.$a64" ), "\n";

echo "== configuration and sign refusals\n";
foreach ( [ [ '', 1, 1 ], [ 's', -1, 1 ], [ 's', 1, -1 ] ] as [ $s, $max, $leeway ] ) {
	echo outcome( fn () => new SessionVerifier( $s, $max, $leeway ) ), "\n";
}
foreach ( [ [ 0, 0 ], [ -5, 0 ], [ PHP_INT_MIN, 0 ], [ 1, -1 ] ] as [ $user, $at ] ) {
	echo outcome( fn () => $v->sign( $user, 'x', $at ) ), "\n";
}
?>
--EXPECT--
token shape: 1
hash_hmac agrees: true
user id: 42
verify: {"userId":42,"age":45}
mismatches with hash_hmac: 0
== age and clock leeway
45 s old: {"userId":42,"age":45}
max age: {"userId":42,"age":3600}
max age + 1: RefusedException: the session verification token is older than 3600 seconds
60 s in the future: {"userId":42,"age":0}
61 s in the future: RefusedException: the session verification token was issued in the future
no limit: {"userId":42,"age":9223372035154775807}
== tampering, other secrets and user tokens
other user token (logged out everywhere): RefusedException: the signature does not match
empty user token: RefusedException: the signature does not match
other secret: RefusedException: the signature does not match
other user: RefusedException: the signature does not match
other time: RefusedException: the signature does not match
other version: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
flipped digit: RefusedException: the signature does not match
upper-case hex: RefusedException: the session verification token's signature is not 64 lower-case hex digits
leading zero: RefusedException: the session verification token's user id has a leading zero
trailing newline: RefusedException: the session verification token's signature is not 64 lower-case hex digits
== malformed tokens
: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2.3.aaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v2.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1..2.aaaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is not a decimal number
v1.-1.2.aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is not a decimal number
v1.+1.2.aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is not a decimal number
v1.1e3.2.aaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is not a decimal number
v1.1.-2.aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's issue time is not a decimal number
v1.01.2.aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id has a leading zero
v1.1.00.aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's issue time has a leading zero
v1.0.2.aaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is 0
v1.9223372036854775808.2.aaaaa...: RefusedException: the session verification token's user id is out of range
v1.1.99999999999999999999.aaaa...: RefusedException: the session verification token's issue time is out of range
v1.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's signature is not 64 lower-case hex digits
v1.1.2.ggggggggggggggggggggggg...: RefusedException: the session verification token's signature is not 64 lower-case hex digits
v1.1.2.AAAAAAAAAAAAAAAAAAAAAAA...: RefusedException: the session verification token's signature is not 64 lower-case hex digits
v1.\377.2.aaaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's user id is not a decimal number
v1.1.2.\377aaaaaaaaaaaaaaaaaaaaaa...: RefusedException: the session verification token's signature is not 64 lower-case hex digits
111111111111111111111111111111...: RefusedException: the session verification token is longer than 256 bytes
user id of v1.1.0: 1
== configuration and sign refusals
ConfigurationException: the session verification key is empty
ConfigurationException: the session verification maximum age and leeway must not be negative
ConfigurationException: the session verification maximum age and leeway must not be negative
ConfigurationException: user id 0 cannot be signed: use 1 to 9223372036854775807
ConfigurationException: user id -5 cannot be signed: use 1 to 9223372036854775807
ConfigurationException: user id -9223372036854775808 cannot be signed: use 1 to 9223372036854775807
ConfigurationException: issue time -1 cannot be signed: it must not be negative