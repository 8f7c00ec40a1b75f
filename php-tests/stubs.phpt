--TEST--
The committed stub file declares exactly what the loaded extension declares
--FILE--
<?php
require __DIR__ . '/describe.inc';

$ext = new ReflectionExtension( 'mws_token_authenticator' );
$native = mws_ta_describe(
	array_keys( $ext->getFunctions() ),
	$ext->getClassNames()
);

// Read the stubs in a PHP without the extension (-n: no ini files), where
// they are the only definitions.
$stubs = realpath( __DIR__ . '/../mws_token_authenticator.stubs.php' );
$describe = realpath( __DIR__ . '/describe.inc' );
$code = 'require ' . var_export( $describe, true ) . '; require ' . var_export( $stubs, true ) . ';'
	. '$f = array_values( array_filter( get_defined_functions()["user"], fn ( $n ) => str_starts_with( $n, "mws_ta_" ) && $n !== "mws_ta_describe" && !str_starts_with( $n, "mws_ta_describe_" ) ) );'
	. '$c = array_values( array_filter( get_declared_classes(), fn ( $n ) => str_starts_with( $n, "MwsTokenAuthenticator\\\\" ) ) );'
	. 'echo json_encode( mws_ta_describe( $f, $c ) );';
$json = shell_exec( escapeshellarg( PHP_BINARY ) . ' -n -r ' . escapeshellarg( $code ) );
$fromStubs = json_decode( $json, true );
if ( !is_array( $fromStubs ) ) {
	echo "could not read the stubs: $json\n";
}
// Stub functions are declared in lower case by PHP; the extension's names are too.
$a = json_encode( $native, JSON_PRETTY_PRINT );
$b = json_encode( $fromStubs, JSON_PRETTY_PRINT );
if ( $a === $b ) {
	echo "match\n";
} else {
	echo "extension:\n$a\nstubs:\n$b\n";
}
echo count( $native['functions'] ), " functions, ", count( $native['classes'] ), " classes\n";
?>
--EXPECT--
match
15 functions, 6 classes
