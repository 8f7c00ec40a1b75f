--TEST--
HMAC-SHA256: RFC 4231 known answers, agreement with hash_hmac, constant-time verify
--FILE--
<?php
// RFC 4231 section 4, test cases 1-4, 6 and 7 (case 5 truncates its output).
$cases = [
	1 => [ str_repeat( "\x0b", 20 ), 'Hi There',
		'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' ],
	2 => [ 'Jefe', 'what do ya want for nothing?',
		'5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' ],
	3 => [ str_repeat( "\xaa", 20 ), str_repeat( "\xdd", 50 ),
		'773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' ],
	4 => [ hex2bin( '0102030405060708090a0b0c0d0e0f10111213141516171819' ), str_repeat( "\xcd", 50 ),
		'82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b' ],
	6 => [ str_repeat( "\xaa", 131 ), 'Test Using Larger Than Block-Size Key - Hash Key First',
		'60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' ],
	7 => [ str_repeat( "\xaa", 131 ),
		'This is a test using a larger than block-size key and a larger than block-size data.'
		. ' The key needs to be hashed before being used by the HMAC algorithm.',
		'9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2' ],
];
foreach ( $cases as $n => [ $key, $msg, $want ] ) {
	$got = mws_ta_hmac_sha256( $key, $msg );
	printf( "case %d: %s %s %s\n", $n,
		$got === $want ? 'ok' : "MISMATCH $got",
		mws_ta_hmac_sha256_verify( $key, $msg, $want ) ? 'verifies' : 'DOES NOT VERIFY',
		mws_ta_hmac_sha256_verify( $key, $msg, strtoupper( $want ) ) ? 'upper-ok' : 'UPPER-FAILS'
	);
}

// Random binary keys and messages against PHP's own hash_hmac.
$bad = 0;
for ( $i = 0; $i < 500; $i++ ) {
	$key = str_repeat( "\0", random_int( 0, 1 ) ) . random_bytes( random_int( 1, 200 ) );
	$msg = random_int( 0, 9 ) ? random_bytes( random_int( 1, 2000 ) ) : '';
	if ( mws_ta_hmac_sha256( $key, $msg ) !== hash_hmac( 'sha256', $msg, $key ) ) {
		$bad++;
	}
}
echo "random vs hash_hmac mismatches: $bad\n";

$sig = hash_hmac( 'sha256', 'm', 'k' );
var_dump(
	mws_ta_hmac_sha256_verify( 'k', 'm', $sig ),
	mws_ta_hmac_sha256_verify( 'k', 'm2', $sig ),
	mws_ta_hmac_sha256_verify( 'k2', 'm', $sig ),
	mws_ta_hmac_sha256_verify( 'k', 'm', substr( $sig, 0, 62 ) ),
	mws_ta_hmac_sha256_verify( 'k', 'm', '' ),
	mws_ta_hmac_sha256_verify( 'k', 'm', str_repeat( 'z', 64 ) ),
	mws_ta_hmac_sha256_verify( 'k', 'm', hex2bin( $sig ) )
);
?>
--EXPECT--
case 1: ok verifies upper-ok
case 2: ok verifies upper-ok
case 3: ok verifies upper-ok
case 4: ok verifies upper-ok
case 6: ok verifies upper-ok
case 7: ok verifies upper-ok
random vs hash_hmac mismatches: 0
bool(true)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
bool(false)
