--TEST--
Derivations (claim hash, app-token binding, JWT replay key, session seed): byte-identical to the PHP expressions they replace, and the refused parts
--FILE--
<?php
function outcome( callable $f ): string {
	try {
		return var_export( $f(), true );
	} catch ( MwsTokenAuthenticator\Exception $e ) {
		return get_class( $e ) . ' (' . $e->getCode() . '): ' . $e->getMessage();
	}
}

// What the PHP side built before the derivations moved.
function php_claim_hash( string $kind, string $key ): string {
	return mws_ta_sha256( "$kind\0$key" );
}
function php_binding( string $secretHash ): string {
	return mws_ta_sha256( "mws-apptoken-binding\0" . $secretHash );
}
// Without a jti, the hash of the signing input (the token up to its last
// "."), so that a malleable ES256 signature cannot make a used token new.
function php_replay_key( string $jwt, string $issuer, array $claims ): string {
	$dot = strrpos( $jwt, '.' );
	$signingInput = $dot === false ? $jwt : substr( $jwt, 0, $dot );
	return isset( $claims['jti'] ) && is_string( $claims['jti'] ) && $claims['jti'] !== ''
		? "jti\0{$issuer}\0{$claims['jti']}"
		: 'jwt' . "\0" . mws_ta_sha256( $signingInput );
}

echo "-- known answers\n";
echo mws_ta_claim_hash( 'jwt-seen', "jwt\0abc" ), "\n";
echo mws_ta_app_token_binding( hash( 'sha256', 'test' ) ), "\n";
echo bin2hex( mws_ta_jwt_replay_key( 'a.b.c', 'https://idp', 'id-1' ) ), "\n";
echo str_replace( "\0", '\0', mws_ta_jwt_replay_key( 'a.b.c', 'https://idp' ) ), "\n";
echo var_export( mws_ta_jwt_replay_key( 'a.b.c', 'https://idp' ) === mws_ta_jwt_replay_key( 'a.b.other', 'https://idp' ), true ), "\n";
echo mws_ta_session_seed( 'apikey', 'bot/0123abcd', hash( 'sha256', 'secret' ) ), "\n";
echo mws_ta_session_seed( 'networksession', 'Ns:User', hash( 'sha256', 'token' ) ), "\n";
echo mws_ta_session_seed( 'refused', 'tokenauthenticator-error-address-denied', '2001:DB8::1' ), "\n";

echo "-- the same bytes as the PHP expressions, on random parts\n";
$differ = 0;
for ( $i = 0; $i < 300; $i++ ) {
	$key = $i % 10 ? random_bytes( random_int( 1, 40 ) ) : '';
	$hash = bin2hex( random_bytes( 32 ) );
	$jwt = random_bytes( random_int( 1, 200 ) ) . ( $i % 3 ? '.' . random_bytes( 4 ) : '' );
	$issuer = str_replace( "\0", '', random_bytes( random_int( 1, 30 ) ) );
	$jti = [ null, '', 'id-' . $i, random_bytes( 8 ) ][$i % 4];
	$claims = $jti === null ? [] : [ 'jti' => $jti ];
	$name = 'User:' . bin2hex( random_bytes( 3 ) );
	$ip = $i % 2 ? long2ip( random_int( 0, 0xffffffff ) ) : inet_ntop( random_bytes( 16 ) );
	foreach ( [ 'jwt-seen', 'sv-seen' ] as $kind ) {
		$differ += mws_ta_claim_hash( $kind, $key ) !== php_claim_hash( $kind, $key );
	}
	$differ += mws_ta_app_token_binding( $hash ) !== php_binding( $hash );
	$differ += mws_ta_jwt_replay_key( $jwt, $issuer, $jti ) !== php_replay_key( $jwt, $issuer, $claims );
	$differ += mws_ta_session_seed( 'apptoken', "key-$i", $hash ) !== "apptoken:key-$i:$hash";
	$differ += mws_ta_session_seed( 'networksession', $name, $hash ) !== 'networksession' . ':' . $name . ':' . $hash;
	$differ += mws_ta_session_seed( 'refused', 'networksession-invalid-token', $ip ) !== 'refused:' . 'networksession-invalid-token' . ':' . $ip;
}
echo "differ: $differ\n";

echo "-- refused parts\n";
echo outcome( fn () => mws_ta_claim_hash( "jwt\0seen", 'k' ) ), "\n";
echo outcome( fn () => mws_ta_claim_hash( '', 'k' ) ), "\n";
echo outcome( fn () => mws_ta_app_token_binding( 'the secret itself' ) ), "\n";
echo outcome( fn () => mws_ta_app_token_binding( strtoupper( hash( 'sha256', 'x' ) ) ) ), "\n";
echo outcome( fn () => mws_ta_jwt_replay_key( 'a.b.c', "iss\0other", 'id' ) ), "\n";
echo outcome( fn () => mws_ta_session_seed( 'api:key', 's', hash( 'sha256', 'x' ) ) ), "\n";
echo outcome( fn () => mws_ta_session_seed( 'refused', 'a:b', '10.0.0.1' ) ), "\n";
echo outcome( fn () => mws_ta_session_seed( 'refused', 'a', 'b:1' ) ), "\n";
?>
--EXPECT--
-- known answers
384a7854fcc24e4b0338558871cfebadc36ea03762ab2058ed063dd9d35ac70b
a95396a57cc1e53429f319b13b905f9e9446acceb53b518e039510ece1a0b6fe
6a74690068747470733a2f2f6964700069642d31
jwt\02e7336dc8eba87ef472df568c35482abf2575dc3e5eac0c5c62b8ffaeac2c934
true
apikey:bot/0123abcd:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b
networksession:Ns:User:3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0
refused:tokenauthenticator-error-address-denied:2001:DB8::1
-- the same bytes as the PHP expressions, on random parts
differ: 0
-- refused parts
MwsTokenAuthenticator\ConfigurationException (0): the token-store claim kind "jwt\u{0}seen" is not a kind name: use lower-case ASCII letters, digits, "-" and "_"
MwsTokenAuthenticator\ConfigurationException (0): the token-store claim kind "" is not a kind name: use lower-case ASCII letters, digits, "-" and "_"
MwsTokenAuthenticator\ConfigurationException (0): the app-token binding's secret hash is not a hex SHA-256 (64 lower-case hex digits)
MwsTokenAuthenticator\ConfigurationException (0): the app-token binding's secret hash is not a hex SHA-256 (64 lower-case hex digits)
MwsTokenAuthenticator\ConfigurationException (0): the JWT issuer contains a NUL byte, which separates the parts of a replay key
MwsTokenAuthenticator\ConfigurationException (0): the session seed kind "api:key" is not a kind name: use lower-case ASCII letters, digits, "-" and "_"
MwsTokenAuthenticator\ConfigurationException (0): a session seed's subject contains ":", which only a hex SHA-256 credential leaves unambiguous
MwsTokenAuthenticator\ConfigurationException (0): a session seed's credential contains ":" and is neither a hex SHA-256 nor an IP address
