--TEST--
Prefixed keys: minting, the checksum (recomputed here with crc32()), prefix detection and refusals
--FILE--
<?php
// Base62 of the checksum, written here independently of the extension:
// 6 characters of 0-9A-Za-z, most significant first, zero-padded.
function b62( int $n ): string {
	$alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	$out = '';
	for ( $i = 0; $i < 6; $i++ ) {
		$out = $alphabet[$n % 62] . $out;
		$n = intdiv( $n, 62 );
	}
	return $n === 0 ? $out : 'OVERFLOW';
}

function sealed( string $prefixAndBody ): string {
	return $prefixAndBody . b62( crc32( $prefixAndBody ) );
}

echo b62( 0 ), ' ', b62( 0xFFFFFFFF ), "\n";

foreach ( [ 'mwpk_', 'mwsk_' ] as $prefix ) {
	$ok = 0;
	for ( $i = 0; $i < 200; $i++ ) {
		$key = mws_ta_key_mint( $prefix );
		$body = substr( $key, strlen( $prefix ), 36 );
		$ok += (int)(
			strlen( $key ) === strlen( $prefix ) + 42
			&& str_starts_with( $key, $prefix )
			&& preg_match( '/^[0-9A-Za-z]{36}$/', $body ) === 1
			&& $key === sealed( substr( $key, 0, -6 ) )
			&& mws_ta_key_prefix( $key ) === $prefix
		);
	}
	echo "$prefix: $ok of 200 well-formed, checksum as crc32(), prefix detected\n";
}
$key = mws_ta_key_mint( 'mwsk_' );
echo strlen( $key ), ' ', preg_match( '/^mwsk_[0-9A-Za-z]{42}$/', $key ), "\n";
echo strlen( mws_ta_key_mint( 'ab_' ) ), ' ', strlen( mws_ta_key_mint( 'abcdefgh_' ) ), "\n";

// Keys sealed here are accepted: the checksum is the one PHP computes.
echo var_export( mws_ta_key_prefix( sealed( 'mwpk_' . str_repeat( '0', 36 ) ) ), true ), ' ',
	sealed( 'mwpk_' . str_repeat( '0', 36 ) ), "\n";
echo var_export( mws_ta_key_prefix( sealed( 'custom_' . str_repeat( 'aZ09', 9 ) ) ), true ), "\n";

// Every single-character change, at every position, is refused.
$key = mws_ta_key_mint( 'mwpk_' );
$accepted = 0;
$tried = 0;
for ( $i = 0; $i < strlen( $key ); $i++ ) {
	foreach ( [ '0', '9', 'A', 'Z', 'a', 'z', '_', ' ', "\0", "\xff" ] as $c ) {
		if ( $key[$i] === $c ) {
			continue;
		}
		$changed = $key;
		$changed[$i] = $c;
		$tried++;
		$accepted += (int)( mws_ta_key_prefix( $changed ) !== null );
	}
	$flipped = $key;
	$flipped[$i] = ctype_upper( $key[$i] ) ? strtolower( $key[$i] ) : strtoupper( $key[$i] );
	if ( $flipped !== $key ) {
		$tried++;
		$accepted += (int)( mws_ta_key_prefix( $flipped ) !== null );
	}
}
echo "single changes: $accepted accepted of ", $tried > 400 ? 'over 400' : $tried, "\n";

// Case, length, whitespace, binary.
$refused = [
	'upper case' => strtoupper( $key ),
	'upper prefix' => 'MWPK_' . substr( $key, 5 ),
	'one short' => substr( $key, 0, -1 ),
	'one more' => $key . '0',
	'trailing newline' => $key . "\n",
	'leading space' => ' ' . $key,
	'twice' => $key . $key,
	'Bearer' => "Bearer $key",
	'empty' => '',
	'prefix only' => 'mwpk_',
	'NUL inside' => substr( $key, 0, 20 ) . "\0" . substr( $key, 21 ),
	'non-UTF-8' => "mwpk_\xff" . substr( $key, 6 ),
	'prefix too short' => sealed( 'a_' . str_repeat( 'x', 36 ) ),
	'prefix too long' => sealed( 'abcdefghi_' . str_repeat( 'x', 36 ) ),
	'digit in prefix' => sealed( 'mw1_' . str_repeat( 'x', 36 ) ),
	'non-ASCII body' => sealed( 'mwpk_' . "\xc3\xa9" . str_repeat( 'x', 34 ) ),
	'base64url body' => sealed( 'mwpk_' . '-_' . str_repeat( 'x', 34 ) ),
	'hex token' => mws_ta_random_token(),
];
foreach ( $refused as $what => $text ) {
	echo "$what: ", var_export( mws_ta_key_prefix( $text ), true ), "\n";
}

// Random text of a key's length and alphabet: the checksum refuses it.
$accepted = 0;
for ( $i = 0; $i < 2000; $i++ ) {
	$accepted += (int)( mws_ta_key_prefix( 'mwpk_' . substr( strtr( base64_encode( random_bytes( 40 ) ), '+/', 'xy' ), 0, 42 ) ) !== null );
	$accepted += (int)( mws_ta_key_prefix( random_bytes( 47 ) ) !== null );
}
echo "random text: $accepted accepted\n";

$seen = [];
for ( $i = 0; $i < 2000; $i++ ) {
	$seen[mws_ta_key_mint( 'mwpk_' )] = true;
}
echo 'distinct: ', count( $seen ), "\n";
// Every base62 character turns up in the bodies.
$chars = count_chars( implode( '', array_map( fn ( $k ) => substr( $k, 5, 36 ), array_keys( $seen ) ) ), 3 );
echo 'body characters: ', $chars, "\n";

foreach ( [ 'MWPK_', 'mwpk', 'a_', 'abcdefghi_', 'mw1_', 'mw_k_', '', "mwpk_\0", "m\xffpk_", "evil\n_" ] as $prefix ) {
	try {
		mws_ta_key_mint( $prefix );
		echo bin2hex( $prefix ), ": accepted\n";
	} catch ( MwsTokenAuthenticator\ConfigurationException $e ) {
		echo bin2hex( $prefix ), ': ', $e->getCode(), ' ', $e->getMessage(), "\n";
	}
}
?>
--EXPECTF--
000000 4gfFC3
mwpk_: 200 of 200 well-formed, checksum as crc32(), prefix detected
mwsk_: 200 of 200 well-formed, checksum as crc32(), prefix detected
47 1
45 51
'mwpk_' mwpk_0000000000000000000000000000000000000XGSn1
'custom_'
single changes: 0 accepted of over 400
upper case: NULL
upper prefix: NULL
one short: NULL
one more: NULL
trailing newline: NULL
leading space: NULL
twice: NULL
Bearer: NULL
empty: NULL
prefix only: NULL
NUL inside: NULL
non-UTF-8: NULL
prefix too short: NULL
prefix too long: NULL
digit in prefix: NULL
non-ASCII body: NULL
base64url body: NULL
hex token: NULL
random text: 0 accepted
distinct: 2000
body characters: 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz
4d57504b5f: 0 the key prefix "MWPK_" is not 2 to 8 lower-case ASCII letters followed by "_"
6d77706b: 0 the key prefix "mwpk" is not 2 to 8 lower-case ASCII letters followed by "_"
615f: 0 the key prefix "a_" is not 2 to 8 lower-case ASCII letters followed by "_"
6162636465666768695f: 0 the key prefix "abcdefghi_" is not 2 to 8 lower-case ASCII letters followed by "_"
6d77315f: 0 the key prefix "mw1_" is not 2 to 8 lower-case ASCII letters followed by "_"
6d775f6b5f: 0 the key prefix "mw_k_" is not 2 to 8 lower-case ASCII letters followed by "_"
: 0 the key prefix "" is not 2 to 8 lower-case ASCII letters followed by "_"
6d77706b5f00: 0 the key prefix "mwpk_\u{0}" is not 2 to 8 lower-case ASCII letters followed by "_"
6dff706b5f: 0 the key prefix "m%spk_" is not 2 to 8 lower-case ASCII letters followed by "_"
6576696c0a5f: 0 the key prefix "evil\n_" is not 2 to 8 lower-case ASCII letters followed by "_"
