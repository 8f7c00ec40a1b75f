--TEST--
CIDR sets agree with MediaWiki's Wikimedia\IPUtils::isInRanges on random IPv4 and IPv6 input
--SKIPIF--
<?php
if ( !is_file( '/usr/share/mediawiki/vendor/autoload.php' ) ) die( 'skip MediaWiki not installed' );
?>
--FILE--
<?php
require '/usr/share/mediawiki/vendor/autoload.php';
use Wikimedia\IPUtils;

mt_srand( 4231 );

function rand_v4(): string {
	return long2ip( mt_rand( 0, 0xffffffff ) );
}
function rand_v6(): string {
	// Draw from a few prefixes so that random ranges and addresses meet.
	$prefixes = [ '2001:db8', '2001:db9', 'fd00:1', 'fe80:0' ];
	$groups = explode( ':', $prefixes[mt_rand( 0, 3 )] );
	while ( count( $groups ) < 8 ) {
		$groups[] = dechex( mt_rand( 0, mt_rand( 0, 1 ) ? 0xf : 0xffff ) );
	}
	return IPUtils::sanitizeIP( implode( ':', $groups ) );
}
function rand_range( bool $v6 ): string {
	$ip = $v6 ? rand_v6() : rand_v4();
	switch ( mt_rand( 0, 2 ) ) {
		case 0:
			return $ip;
		case 1:
			return $ip . '/' . ( $v6 ? mt_rand( 16, 128 ) : mt_rand( 1, 32 ) );
		default:
			// "a-b": a second address at or after the first.
			$other = $v6 ? rand_v6() : rand_v4();
			[ $lo, $hi ] = strcmp( IPUtils::toHex( $ip ), IPUtils::toHex( $other ) ) <= 0
				? [ $ip, $other ] : [ $other, $ip ];
			return "$lo - $hi";
	}
}

$lists = 0;
$checks = 0;
$in = 0;
$disagree = [];
for ( $round = 0; $round < 40; $round++ ) {
	$ranges = [];
	for ( $i = mt_rand( 1, 60 ); $i > 0; $i-- ) {
		$ranges[] = rand_range( (bool)mt_rand( 0, 1 ) );
	}
	$set = new MwsTokenAuthenticator\CidrSet( $ranges );
	$lists++;
	// Addresses: random ones, and ones taken from the ranges' own bounds.
	$ips = [];
	for ( $i = 0; $i < 50; $i++ ) {
		$ips[] = mt_rand( 0, 1 ) ? rand_v6() : rand_v4();
	}
	foreach ( $ranges as $r ) {
		[ $start, $end ] = IPUtils::parseRange( $r );
		$ips[] = IPUtils::formatHex( $start );
		$ips[] = IPUtils::formatHex( $end );
	}
	foreach ( $ips as $ip ) {
		$want = IPUtils::isInRanges( $ip, $ranges );
		$checks++;
		$in += $want ? 1 : 0;
		if ( $set->contains( $ip ) !== $want ) {
			$disagree[] = "$ip in [" . implode( ', ', $ranges ) . "]: IPUtils says " . var_export( $want, true );
		}
	}
}
echo "lists: $lists, enough checks: ", var_export( $checks > 3000, true ), "\n";
echo "both answers common: ", var_export( $in > 300 && $checks - $in > 300, true ), "\n";
echo "disagreements: ", count( $disagree ), "\n";
echo implode( "\n", array_slice( $disagree, 0, 5 ) );
?>
--EXPECT--
lists: 40, enough checks: true
both answers common: true
disagreements: 0
