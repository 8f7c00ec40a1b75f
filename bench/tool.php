<?php
/**
 * Small helpers of bench/run.sh:
 *
 *   php bench/tool.php rps RESULTS.jsonl CASE         requests/s of a recorded wrk case
 *   php bench/tool.php probe NAME VARIANT LOG C1 C2 C3
 *       one JSON line: the query counts of three requests, and the last
 *       request's queries (the last C3 lines of LOG)
 *   php bench/tool.php cpu NAME=PGID... [shell=PID]
 *       one JSON line: CPU time (in clock ticks) used so far by the whole
 *       machine (/proc/stat, busy and total) and by each named process
 *       group; with shell=PID also that process's reaped children (wrk,
 *       curl: what the benchmark itself ran)
 */

/**
 * @return array<int, array{0: int, 1: int}> pid => [pgid, utime + stime]
 */
function bench_processes(): array {
	$out = [];
	foreach ( glob( '/proc/[0-9]*/stat' ) ?: [] as $file ) {
		$stat = @file_get_contents( $file );
		if ( $stat === false ) {
			continue;
		}
		// The command may contain spaces and parentheses: split after the last ")".
		$fields = explode( ' ', substr( $stat, strrpos( $stat, ')' ) + 2 ) );
		// $fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
		$out[(int)basename( dirname( $file ) )] = [ (int)$fields[2], (int)$fields[11] + (int)$fields[12] ];
	}
	return $out;
}

$cmd = $argv[1] ?? '';
switch ( $cmd ) {
	case 'rps':
		foreach ( file( $argv[2], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
			$row = json_decode( $line, true );
			if ( ( $row['case'] ?? null ) === $argv[3] ) {
				$r = $row['result'];
				echo (int)ceil( $r['requests'] / ( $r['duration_us'] / 1e6 ) ), "\n";
				exit( 0 );
			}
		}
		fwrite( STDERR, "no case {$argv[3]} in {$argv[2]}\n" );
		exit( 1 );

	case 'probe':
		[ , , $name, $variant, $log ] = $argv;
		$counts = array_map( 'intval', array_slice( $argv, 5, 3 ) );
		$lines = is_file( $log ) ? preg_grep( '/\[[0-9.]+m?s\] /', file( $log, FILE_IGNORE_NEW_LINES ) ) : [];
		$last = $counts[2] > 0 ? array_slice( $lines, -$counts[2] ) : [];
		// Keep the SQL only: drop the logger's date, host and wiki prefix.
		$last = array_map( static function ( string $l ): string {
			return preg_replace( '/^\S+ \S+ \S+ \S+: /', '', $l );
		}, $last );
		echo json_encode( [ 'name' => $name, 'variant' => $variant, 'counts' => $counts, 'queries' => $last ],
			JSON_UNESCAPED_SLASHES ), "\n";
		break;

	case 'cpu':
		$line = explode( ' ', preg_replace( '/\s+/', ' ', trim( strtok( file_get_contents( '/proc/stat' ), "\n" ) ) ) );
		// cpu user nice system idle iowait irq softirq steal ...
		$ticks = array_map( 'intval', array_slice( $line, 1, 8 ) );
		$total = array_sum( $ticks );
		$busy = $total - $ticks[3] - $ticks[4];
		$groups = [];
		$procs = bench_processes();
		foreach ( array_slice( $argv, 2 ) as $arg ) {
			[ $name, $id ] = explode( '=', $arg, 2 );
			if ( $name === 'shell' ) {
				$stat = (string)@file_get_contents( "/proc/$id/stat" );
				$fields = explode( ' ', substr( $stat, strrpos( $stat, ')' ) + 2 ) );
				// cutime, cstime: fields 16 and 17.
				$groups['shell'] = (int)( $fields[13] ?? 0 ) + (int)( $fields[14] ?? 0 );
				continue;
			}
			$sum = 0;
			foreach ( $procs as [ $pgid, $cpu ] ) {
				if ( $pgid === (int)$id ) {
					$sum += $cpu;
				}
			}
			$groups[$name] = ( $groups[$name] ?? 0 ) + $sum;
		}
		echo json_encode( [ 'busy' => $busy, 'total' => $total, 'groups' => $groups ] ), "\n";
		break;

	default:
		fwrite( STDERR, "usage: php bench/tool.php rps FILE CASE | probe NAME VARIANT LOG C1 C2 C3 | cpu NAME=PGID...\n" );
		exit( 2 );
}
