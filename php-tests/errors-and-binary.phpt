--TEST--
Error paths throw MwsTokenAuthenticator\Exception with a message; bytes with NUL and non-UTF-8 pass intact
--FILE--
<?php
function attempt( string $label, callable $f ): void {
	try {
		$r = $f();
		echo "$label: ", var_export( $r, true ), "\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		echo "$label: ", get_class( $e ), ': ', $e->getMessage(), "\n";
	} catch ( TypeError $e ) {
		echo "$label: TypeError\n";
	}
}

echo "-- the exception class\n";
echo get_parent_class( 'MwsTokenAuthenticator\Exception' ), "\n";
echo get_parent_class( 'MwsTokenAuthenticator\ConfigurationException' ), "\n";
echo get_parent_class( 'MwsTokenAuthenticator\RefusedException' ), "\n";

echo "-- CIDR lists\n";
// The CIDR API is the compiled set: compile, then ask.
function cidr_contains( $ranges, string $ip ): bool {
	return ( new MwsTokenAuthenticator\CidrSet( $ranges ) )->contains( $ip );
}
attempt( 'bad prefix', fn () => new MwsTokenAuthenticator\CidrSet( [ '10.0.0.0/8', '10.0.0.0/33' ] ) );
attempt( 'word', fn () => cidr_contains( [ 'localhost' ], '127.0.0.1' ) );
attempt( 'empty entry', fn () => cidr_contains( [ '' ], '127.0.0.1' ) );
attempt( 'reversed range', fn () => cidr_contains( [ '10.0.0.9-10.0.0.1' ], '10.0.0.5' ) );
attempt( 'mixed range', fn () => cidr_contains( [ '10.0.0.1-::1' ], '10.0.0.5' ) );
attempt( 'not a string', fn () => cidr_contains( [ '10.0.0.0/8', 42 ], '10.0.0.5' ) );
attempt( 'nested array', fn () => cidr_contains( [ [ '10.0.0.0/8' ] ], '10.0.0.5' ) );
attempt( 'non-UTF-8 entry', fn () => cidr_contains( [ "10.0.0.0/8\xff" ], '10.0.0.5' ) );
attempt( 'control chars quoted', fn () => cidr_contains( [ "evil\nline" ], '10.0.0.5' ) );
attempt( 'bad address', fn () => cidr_contains( [ '10.0.0.0/8' ], 'not-an-ip' ) );
attempt( 'empty address', fn () => ( new MwsTokenAuthenticator\CidrSet( [ '10.0.0.0/8' ] ) )->contains( '' ) );
attempt( 'non-UTF-8 address', fn () => cidr_contains( [ '10.0.0.0/8' ], "10.0.0.1\xff" ) );
attempt( 'empty list', fn () => cidr_contains( [], '10.0.0.5' ) );
attempt( 'keys ignored', fn () => cidr_contains( [ 'a' => '10.0.0.0/8' ], '10.0.0.5' ) );
attempt( 'range form', fn () => cidr_contains( [ '10.0.0.1 - 10.0.0.9' ], '10.0.0.5' ) );
attempt( 'mapped v4', fn () => cidr_contains( [ '10.0.0.0/8' ], '::ffff:10.1.2.3' ) );
attempt( 'interval count', fn () => ( new MwsTokenAuthenticator\CidrSet( [ '10.0.0.0/25', '10.0.0.128/25', '::1' ] ) )->intervalCount() );

echo "-- wrong types are TypeErrors\n";
attempt( 'array as key', fn () => mws_ta_hmac_sha256( [], 'm' ) );
attempt( 'string as list', fn () => cidr_contains( '10.0.0.0/8', '10.0.0.1' ) );

echo "-- binary safety\n";
$key = "k\0\xff\xfe";
$msg = "\0\0m\xc3\x28";
var_dump( mws_ta_hmac_sha256( $key, $msg ) === hash_hmac( 'sha256', $msg, $key ) );
var_dump( mws_ta_hmac_sha256( "k\0a", 'm' ) !== mws_ta_hmac_sha256( "k\0b", 'm' ) );
var_dump( mws_ta_hmac_sha256_verify( $key, $msg, hash_hmac( 'sha256', $msg, $key ) ) );
var_dump( mws_ta_sha256( $msg ) === hash( 'sha256', $msg ) );
var_dump( mws_ta_equals( "a\0b", "a\0b" ), mws_ta_equals( "a\0b", "a\0c" ), mws_ta_equals( "a\0", 'a' ), mws_ta_equals( '', '' ) );
$env = mws_ta_envelope_encode( "salt\0\xff", 'https://w/x', 'tok' );
var_dump( mws_ta_envelope_decode( "salt\0\xff", $env )['token'] );
attempt( 'salt cut at NUL', fn () => mws_ta_envelope_decode( 'salt', $env ) );
?>
--EXPECT--
-- the exception class
Exception
MwsTokenAuthenticator\Exception
MwsTokenAuthenticator\Exception
-- CIDR lists
bad prefix: MwsTokenAuthenticator\ConfigurationException: IP range entry #1 "10.0.0.0/33" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
word: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "localhost" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
empty entry: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
reversed range: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "10.0.0.9-10.0.0.1" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
mixed range: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "10.0.0.1-::1" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
not a string: MwsTokenAuthenticator\ConfigurationException: IP range entry #1 is not a string
nested array: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 is not a string
non-UTF-8 entry: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "10.0.0.0/8�" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
control chars quoted: MwsTokenAuthenticator\ConfigurationException: IP range entry #0 "evil\nline" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range
bad address: MwsTokenAuthenticator\RefusedException: "not-an-ip" is not an IP address
empty address: MwsTokenAuthenticator\RefusedException: "" is not an IP address
non-UTF-8 address: MwsTokenAuthenticator\RefusedException: "10.0.0.1�" is not an IP address
empty list: false
keys ignored: true
range form: true
mapped v4: true
interval count: 2
-- wrong types are TypeErrors
array as key: TypeError
string as list: TypeError
-- binary safety
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
bool(true)
string(3) "tok"
salt cut at NUL: MwsTokenAuthenticator\RefusedException: the signature does not match
