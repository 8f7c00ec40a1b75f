--TEST--
Random tokens: lengths, encodings, uniqueness and the refused lengths
--FILE--
<?php
$t = mws_ta_random_token();
echo strlen( $t ), ' ', var_export( ctype_xdigit( $t ) && strtolower( $t ) === $t, true ), "\n";
echo strlen( mws_ta_random_token( 16 ) ), ' ', strlen( mws_ta_random_token( 1024, 'hex' ) ), "\n";
$b = mws_ta_random_token( 32, 'base64url' );
echo strlen( $b ), ' ', preg_match( '/^[A-Za-z0-9_-]+$/', $b ), ' ', strlen( base64_decode( strtr( $b, '-_', '+/' ) ) ), "\n";

$seen = [];
for ( $i = 0; $i < 2000; $i++ ) {
	$seen[mws_ta_random_token( 16 )] = true;
}
echo 'distinct: ', count( $seen ), "\n";

// Every byte value turns up: the output is not biased to a subset.
$bytes = hex2bin( mws_ta_random_token( 1024 ) . mws_ta_random_token( 1024 ) . mws_ta_random_token( 1024 ) . mws_ta_random_token( 1024 ) );
echo 'byte values seen: ', count( count_chars( $bytes, 1 ) ) > 240 ? 'nearly all' : 'FEW', "\n";

foreach ( [ 15, 0, -1, 1025, PHP_INT_MAX, PHP_INT_MIN ] as $n ) {
	try {
		mws_ta_random_token( $n );
		echo "$n: accepted\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		echo "$n: ", $e->getMessage(), "\n";
	}
}
foreach ( [ 'HEX', 'base64', '', "hex\0", "\xff" ] as $enc ) {
	try {
		mws_ta_random_token( 32, $enc );
		echo bin2hex( $enc ), ": accepted\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		echo bin2hex( $enc ), ": ", $e->getMessage(), "\n";
	}
}
// The one rule for what client text can be a token, and its hash.
$t = mws_ta_random_token( 32 );
echo 'token hash: ', var_export( mws_ta_token_hash( $t ) === hash( 'sha256', $t ), true ), ' ',
	var_export( mws_ta_token_hash( mws_ta_random_token( 1024 ) ) !== '', true ), "\n";
foreach ( [ '', 'a b', 'a.b', "a\0b", str_repeat( 'a', 2049 ), "\xff" ] as $text ) {
	try {
		mws_ta_token_hash( $text );
		echo strlen( $text ), ": accepted\n";
	} catch ( MwsTokenAuthenticator\RefusedException $e ) {
		echo strlen( $text ), ": ", $e->getMessage(), "\n";
	}
}
echo strlen( str_repeat( 'a', 2048 ) ), ': ', strlen( mws_ta_token_hash( str_repeat( 'a', 2048 ) ) ), "\n";
?>
--EXPECTF--
64 true
32 2048
43 1 32
distinct: 2000
byte values seen: nearly all
15: token length 15 is out of range: use 16 to 1024 bytes
0: token length 0 is out of range: use 16 to 1024 bytes
-1: token length -1 is out of range: use 16 to 1024 bytes
1025: token length 1025 is out of range: use 16 to 1024 bytes
%d: token length %d is out of range: use 16 to 1024 bytes
%i: token length %i is out of range: use 16 to 1024 bytes
484558: unknown token encoding "HEX": use "hex" or "base64url"
626173653634: unknown token encoding "base64": use "hex" or "base64url"
: unknown token encoding "": use "hex" or "base64url"
68657800: unknown token encoding "hex\u{0}": use "hex" or "base64url"
ff: the encoding name is not valid UTF-8
token hash: true true
0: the token is not 1 to 2048 characters of hex or base64url
3: the token is not 1 to 2048 characters of hex or base64url
3: the token is not 1 to 2048 characters of hex or base64url
3: the token is not 1 to 2048 characters of hex or base64url
2049: the token is not 1 to 2048 characters of hex or base64url
1: the token is not 1 to 2048 characters of hex or base64url
2048: 64
