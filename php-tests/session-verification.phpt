--TEST--
Session verification tokens: round trip, hash_hmac cross-check, tampering, wrong keys, malformed tokens
--FILE--
<?php
$key = hash( 'sha256', 'per-user key material', true );

$t = mws_ta_sv_sign( $key, 42, 1700000000 );
echo "token shape: ", preg_match( '/^v1\.42\.1700000000\.[0-9a-f]{64}$/', $t ), "\n";
echo "hash_hmac agrees: ", var_export( $t === 'v1.42.1700000000.' . hash_hmac( 'sha256', 'v1.42.1700000000', $key ), true ), "\n";
var_dump( mws_ta_sv_parse( $t ) );
var_dump( mws_ta_sv_verify( $key, $t ) );

// A token made by PHP alone verifies.
$mismatch = 0;
for ( $i = 0; $i < 200; $i++ ) {
	$k = random_bytes( random_int( 1, 64 ) );
	$user = random_int( 1, PHP_INT_MAX );
	$at = random_int( 0, PHP_INT_MAX );
	$php = "v1.$user.$at." . hash_hmac( 'sha256', "v1.$user.$at", $k );
	if ( mws_ta_sv_sign( $k, $user, $at ) !== $php || !mws_ta_sv_verify( $k, $php )
		|| mws_ta_sv_parse( $php ) !== [ 'userId' => $user, 'issuedAt' => $at ]
	) {
		$mismatch++;
	}
}
echo "mismatches with hash_hmac: $mismatch\n";
echo "extremes: ", mws_ta_sv_sign( $key, 1, 0 ) === 'v1.1.0.' . hash_hmac( 'sha256', 'v1.1.0', $key ) ? 'ok' : 'BAD', ' ',
	mws_ta_sv_parse( mws_ta_sv_sign( $key, PHP_INT_MAX, PHP_INT_MAX ) ) === [ 'userId' => PHP_INT_MAX, 'issuedAt' => PHP_INT_MAX ] ? 'ok' : 'BAD', "\n";

echo "== tampering and wrong keys\n";
$sig = substr( $t, -64 );
$flipped = substr( $t, 0, -1 ) . ( $t[-1] === '0' ? '1' : '0' );
foreach ( [
	'wrong key' => [ 'other key', $t ],
	'empty key' => [ '', $t ],
	'key prefix' => [ substr( $key, 0, 31 ), $t ],
	'other user' => [ $key, "v1.43.1700000000.$sig" ],
	'other time' => [ $key, "v1.42.1700000001.$sig" ],
	'other version' => [ $key, "v2.42.1700000000.$sig" ],
	'flipped digit' => [ $key, $flipped ],
	'upper-case hex' => [ $key, 'v1.42.1700000000.' . strtoupper( $sig ) ],
	'leading zero' => [ $key, "v1.042.1700000000.$sig" ],
	'trailing newline' => [ $key, "$t\n" ],
] as $label => [ $k, $token ] ) {
	echo "$label: ", var_export( mws_ta_sv_verify( $k, $token ), true ), "\n";
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
	try {
		mws_ta_sv_parse( $token );
		echo addcslashes( $token, "\0..\37\177..\377" ), ": accepted\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		$shown = addcslashes( strlen( $token ) > 40 ? substr( $token, 0, 30 ) . '...' : $token, "\0..\37\177..\377" );
		echo "$shown: ", $e->getMessage(), "\n";
	}
	if ( mws_ta_sv_verify( $key, $token ) ) {
		echo "  verified!\n";
	}
}
var_dump( mws_ta_sv_parse( "v1.1.0.$a64" ) );

echo "== sign refusals\n";
foreach ( [ [ '', 1, 0 ], [ $key, 0, 0 ], [ $key, -5, 0 ], [ $key, PHP_INT_MIN, 0 ], [ $key, 1, -1 ] ] as [ $k, $user, $at ] ) {
	try {
		mws_ta_sv_sign( $k, $user, $at );
		echo "accepted\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		echo $e->getMessage(), "\n";
	}
}
?>
--EXPECT--
token shape: 1
hash_hmac agrees: true
array(2) {
  ["userId"]=>
  int(42)
  ["issuedAt"]=>
  int(1700000000)
}
bool(true)
mismatches with hash_hmac: 0
extremes: ok ok
== tampering and wrong keys
wrong key: false
empty key: false
key prefix: false
other user: false
other time: false
other version: false
flipped digit: false
upper-case hex: false
leading zero: false
trailing newline: false
== malformed tokens
: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1.1.2.3.aaaaaaaaaaaaaaaaaaaaa...: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v2.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: the session verification token is not of the form v1.<user id>.<issued at>.<signature>
v1..2.aaaaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is not a decimal number
v1.-1.2.aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is not a decimal number
v1.+1.2.aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is not a decimal number
v1.1e3.2.aaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is not a decimal number
v1.1.-2.aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's issue time is not a decimal number
v1.01.2.aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id has a leading zero
v1.1.00.aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's issue time has a leading zero
v1.0.2.aaaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is 0
v1.9223372036854775808.2.aaaaa...: the session verification token's user id is out of range
v1.1.99999999999999999999.aaaa...: the session verification token's issue time is out of range
v1.1.2.aaaaaaaaaaaaaaaaaaaaaaa...: the session verification token's signature is not 64 lower-case hex digits
v1.1.2.ggggggggggggggggggggggg...: the session verification token's signature is not 64 lower-case hex digits
v1.1.2.AAAAAAAAAAAAAAAAAAAAAAA...: the session verification token's signature is not 64 lower-case hex digits
v1.\377.2.aaaaaaaaaaaaaaaaaaaaaaa...: the session verification token's user id is not a decimal number
v1.1.2.\377aaaaaaaaaaaaaaaaaaaaaa...: the session verification token's signature is not 64 lower-case hex digits
111111111111111111111111111111...: the session verification token is longer than 256 bytes
array(2) {
  ["userId"]=>
  int(1)
  ["issuedAt"]=>
  int(0)
}
== sign refusals
the session verification key is empty
user id 0 cannot be signed: use 1 to 9223372036854775807
user id -5 cannot be signed: use 1 to 9223372036854775807
user id -9223372036854775808 cannot be signed: use 1 to 9223372036854775807
issue time -1 cannot be signed: it must not be negative
