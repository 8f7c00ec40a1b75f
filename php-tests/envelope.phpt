--TEST--
Salted envelopes: identical to PHP's base64_encode(json_encode(...)) with hash_hmac, and every decode error
--FILE--
<?php
function php_envelope( string $salt, string $url, string $token ): string {
	return base64_encode( json_encode( [
		'verifyCallback' => $url,
		'token' => $token,
		'sig' => hash_hmac( 'sha256', $url . $token, $salt ),
	] ) );
}

$mismatch = 0;
$undecoded = 0;
$urls = [
	'https://wiki.example.org/w/rest.php/mws/v1/user-token/verify',
	'http://127.0.0.1:8080/rest.php/mws/v1/user-token/verify',
	"https://wïki.example/ü/\u{1F600}?a=1&b=\"2\"\\",
	"tab\there\x01\x7f",
	'',
];
for ( $i = 0; $i < 300; $i++ ) {
	$salt = random_bytes( random_int( 1, 64 ) );
	$url = $urls[$i % count( $urls )];
	$token = bin2hex( random_bytes( 16 ) );
	$ours = mws_ta_envelope_encode( $salt, $url, $token );
	if ( $ours !== php_envelope( $salt, $url, $token ) ) {
		$mismatch++;
	}
	$d = mws_ta_envelope_decode( $salt, php_envelope( $salt, $url, $token ) );
	if ( $d !== [ 'verifyCallback' => $url, 'token' => $token, 'sig' => hash_hmac( 'sha256', $url . $token, $salt ) ] ) {
		$undecoded++;
	}
}
echo "encode mismatches: $mismatch, decode failures: $undecoded\n";

$salt = 's3cret';
$url = 'https://wiki.example.org/rest.php/mws/v1/user-token/verify';
$env = php_envelope( $salt, $url, 'abc' );
echo "unpadded: ", mws_ta_envelope_decode( $salt, rtrim( $env, '=' ) )['token'], "\n";

function attempt( string $label, string $salt, string $env ): void {
	try {
		mws_ta_envelope_decode( $salt, $env );
		echo "$label: accepted\n";
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		echo "$label: ", $e->getMessage(), "\n";
	}
}
$sig = hash_hmac( 'sha256', $url . 'abc', $salt );
attempt( 'wrong salt', 'pepper', $env );
attempt( 'empty salt', '', $env );
attempt( 'not base64', $salt, '%%%' );
attempt( 'not json', $salt, base64_encode( 'hello' ) );
attempt( 'json list', $salt, base64_encode( '[1,2]' ) );
// A second "token" after the signed one: the strict reader refuses the text.
$signed = json_decode( base64_decode( mws_ta_envelope_encode( $salt, 'https://wiki.example/rest.php', 'tok' ) ), true );
attempt( 'duplicate member', $salt, base64_encode( substr( json_encode( $signed ), 0, -1 ) . ',"token":"other"}' ) );
attempt( 'missing token', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'sig' => $sig ] ) ) );
attempt( 'missing sig', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'token' => 'abc' ] ) ) );
attempt( 'missing url', $salt, base64_encode( json_encode( [ 'token' => 'abc', 'sig' => $sig ] ) ) );
attempt( 'token not string', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'token' => 5, 'sig' => $sig ] ) ) );
attempt( 'sig not string', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'token' => 'abc', 'sig' => null ] ) ) );
attempt( 'other issuer', $salt, base64_encode( json_encode( [ 'verifyCallback' => 'https://evil.example/', 'token' => 'abc', 'sig' => $sig ] ) ) );
attempt( 'other token', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'token' => 'abd', 'sig' => $sig ] ) ) );
attempt( 'sig not hex', $salt, base64_encode( json_encode( [ 'verifyCallback' => $url, 'token' => 'abc', 'sig' => 'xyz' ] ) ) );
attempt( 'empty', $salt, '' );

try {
	mws_ta_envelope_encode( '', $url, 'abc' );
} catch ( MwsTokenAuthenticator\Exception $e ) {
	echo "encode, empty salt: ", $e->getMessage(), "\n";
}
try {
	mws_ta_envelope_encode( $salt, "bad\xff", 'abc' );
} catch ( MwsTokenAuthenticator\Exception $e ) {
	echo "encode, non-UTF-8 url: ", $e->getMessage(), "\n";
}
?>
--EXPECT--
encode mismatches: 0, decode failures: 0
unpadded: abc
wrong salt: the signature does not match
empty salt: the signing key (salt) is empty
not base64: the salted token is not valid base64
not json: the salted token does not hold a JSON object: not JSON (error at column 1)
json list: the salted token does not hold a JSON object: not an object
duplicate member: the salted token does not hold a JSON object: "token" is there more than once
missing token: the salted token has no "token" field
missing sig: the salted token has no "sig" field
missing url: the salted token has no "verifyCallback" field
token not string: the salted token's "token" field is not a string
sig not string: the salted token's "sig" field is not a string
other issuer: the signature does not match
other token: the signature does not match
sig not hex: the signature does not match
empty: the salted token does not hold a JSON object: not JSON (error at column 0)
encode, empty salt: the signing key (salt) is empty
encode, non-UTF-8 url: verifyCallback is not valid UTF-8
