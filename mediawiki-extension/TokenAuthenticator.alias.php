<?php
/**
 * Aliases for the special pages of TokenAuthenticator.
 *
 * @file
 */

$specialPageAliases = [];

/** English (English) */
$specialPageAliases['en'] = [
	'JWTLogin' => [ 'JWTLogin' ],
	'ServiceKeys' => [ 'ServiceKeys' ],
	'PersonalKeys' => [ 'PersonalKeys' ],
];
