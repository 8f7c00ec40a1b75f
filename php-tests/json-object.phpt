--TEST--
Request bodies: one strict JSON object, or RefusedException that quotes nothing but a member name
--FILE--
<?php
var_dump( mws_ta_json_object( '{"token":"abc","n":1,"x":{"y":[true,null,1.5]}}' ) );
var_dump( mws_ta_json_object( " {}\n" ) );
// As json_decode( ..., true ) gives them: numeric names as integer keys,
// integers beyond PHP_INT_MAX as floats.
$mine = mws_ta_json_object( '{"7":"a","07":"b","big":18446744073709551615,"list":[{"k":null}]}' );
var_dump( $mine === json_decode( '{"7":"a","07":"b","big":18446744073709551615,"list":[{"k":null}]}', true ) );
$deep = str_repeat( '{"a":', 16 ) . '1' . str_repeat( '}', 16 );
echo 'depth 16: ', count( mws_ta_json_object( $deep ) ), "\n";
foreach ( [
	'{"token":"a","token":"b"}',
	'{"7":1,"7":2}',
	'[{"token":"a"}]',
	'[]',
	'["token"]',
	'"token"',
	'{"token":"a"} {}',
	'{"token":',
	"{\"token\":\"\xff\"}",
	str_repeat( '{"a":', 17 ) . '1' . str_repeat( '}', 17 ),
	'',
] as $body ) {
	try {
		mws_ta_json_object( $body );
		echo "accepted\n";
	} catch ( MwsTokenAuthenticator\RefusedException $e ) {
		echo $e->getMessage(), "\n";
	}
}
?>
--EXPECT--
array(3) {
  ["token"]=>
  string(3) "abc"
  ["n"]=>
  int(1)
  ["x"]=>
  array(1) {
    ["y"]=>
    array(3) {
      [0]=>
      bool(true)
      [1]=>
      NULL
      [2]=>
      float(1.5)
    }
  }
}
array(0) {
}
bool(true)
depth 16: 1
the request body is not one JSON object: "token" is there more than once
the request body is not one JSON object: "7" is there more than once
the request body is not one JSON object: not an object
the request body is not one JSON object: not an object
the request body is not one JSON object: not an object
the request body is not one JSON object: not an object
the request body is not one JSON object: not JSON (error at column 15)
the request body is not one JSON object: not JSON (error at column 9)
the request body is not one JSON object: not JSON (error at column 11)
the request body is not one JSON object: nested more than 16 levels deep
the request body is not one JSON object: not JSON (error at column 0)
