# Servers on loopback for the scripts that start them (bench/run.sh,
# reliability/load.sh, scripts/package-test.sh): every server in its own
# process group, all of them killed when the script ends (and by a watchdog
# should it die without running its trap); and the production-like stack of
# the first two, Debian's php-fpm and nginx started from config files in a
# temporary directory. Source it after lib.sh, do not run it.
# shellcheck shell=bash

# What a stack function calls when it cannot go on (a message as its
# argument); reliability/load.sh sets it to record a failed check.
stack_fail=ta_die

pgids=()
stack_pgids_file=
stack_watchdog_pid=

# stack_init DIR: process groups are listed in DIR/pgids for the watchdog.
stack_init() {
	stack_pgids_file="$1/pgids"
	: >"$stack_pgids_file"
	# shellcheck disable=SC2016 # the watchdog's own $1 and $2
	setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
		[ ! -f "$2" ] || while read -r g; do kill -KILL -- "-$g" 2>/dev/null; done <"$2"' \
		watchdog "$$" "$stack_pgids_file" >/dev/null 2>&1 </dev/null &
	stack_watchdog_pid=$!
}

# Stops every group: TERM, a second to exit, then KILL. For the EXIT trap.
stack_stop() {
	local pgid
	[ -z "$stack_watchdog_pid" ] || kill "$stack_watchdog_pid" 2>/dev/null || true
	for pgid in "${pgids[@]}"; do
		kill -TERM -- "-$pgid" 2>/dev/null || true
	done
	if [ ${#pgids[@]} -gt 0 ]; then
		sleep 1
		for pgid in "${pgids[@]}"; do
			kill -KILL -- "-$pgid" 2>/dev/null || true
		done
	fi
}

# start_group LOG CMD...: starts CMD in a new session (its own process group).
start_group() {
	local log="$1"
	shift
	setsid "$@" >"$log" 2>&1 </dev/null &
	pgids+=("$!")
	printf '%s\n' "${pgids[@]}" >"$stack_pgids_file"
}

# Forgets a group whose leader has exited and been reaped.
forget_group() {
	local gone="$1" keep=() pgid
	for pgid in "${pgids[@]}"; do
		[ "$pgid" = "$gone" ] || keep+=("$pgid")
	done
	pgids=("${keep[@]}")
	printf '%s\n' "${pgids[@]}" >"$stack_pgids_file"
}

# Whether process $1 runs (exists and is not a zombie).
alive() {
	local state
	state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
	[ -n "$state" ] && [ "$state" != Z ]
}

# stop_group PGID: TERM to the group, up to a second for its leader to exit,
# then KILL to whatever is left of it; forgets it.
stop_group() {
	local pgid="$1" i
	kill -TERM -- "-$pgid" 2>/dev/null || true
	for i in $(seq 1 10); do
		alive "$pgid" || break
		sleep 0.1
	done
	kill -KILL -- "-$pgid" 2>/dev/null || true
	wait "$pgid" 2>/dev/null || true
	forget_group "$pgid"
}

free_port() {
	# shellcheck disable=SC2016 # PHP's own variable
	php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1], "\n";'
}

# stack_binaries: sets fpm_bin and nginx_bin (Debian's php8.2-fpm and nginx).
stack_binaries() {
	fpm_bin="$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)"
	nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
	[ -x "$fpm_bin" ] || "$stack_fail" "php-fpm8.2 not found"
	[ -x "$nginx_bin" ] || "$stack_fail" "nginx not found"
}

# stack_fpm_start DIR POOL CONFIG_FILE LOGS CHILDREN SO [PHP_ADMIN_LINE...]
# A php-fpm master with one static pool of CHILDREN workers (www-data) on
# DIR/php-fpm.sock, serving the wiki of CONFIG_FILE (MW_CONFIG_FILE). SO is
# the native extension to load ('' for none). Logs: LOGS/fpm-POOL.log, the
# workers' PHP errors in LOGS/php-POOL.log. Extra lines go into the pool.
stack_fpm_start() {
	local dir="$1" pool="$2" config="$3" logs="$4" children="$5" so="$6" line
	shift 6
	mkdir -p "$dir/conf.d"
	[ -z "$so" ] || ta_write_ini "$dir/conf.d" "$so"
	{
		cat <<CONF
[global]
pid = $dir/php-fpm.pid
error_log = $logs/fpm-$pool.log
daemonize = no

[$pool]
user = www-data
group = www-data
listen = $dir/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0666
listen.backlog = 1024
pm = static
pm.max_children = $children
pm.max_requests = 0
request_terminate_timeout = 60s
clear_env = yes
env[MW_CONFIG_FILE] = $config
catch_workers_output = yes
php_admin_flag[log_errors] = on
php_admin_value[error_log] = $logs/php-$pool.log
php_admin_value[opcache.enable] = 1
php_admin_value[memory_limit] = 256M
CONF
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$dir/php-fpm.conf"
	PHP_INI_SCAN_DIR=":$dir/conf.d" "$fpm_bin" --test --fpm-config "$dir/php-fpm.conf" >"$logs/fpm-$pool-test.log" 2>&1 ||
		"$stack_fail" "php-fpm rejects its configuration ($pool): $(cat "$logs/fpm-$pool-test.log")"
	start_group "$logs/fpm-$pool.out" env PHP_INI_SCAN_DIR=":$dir/conf.d" \
		"$fpm_bin" --nodaemonize --fpm-config "$dir/php-fpm.conf"
}

# stack_nginx_start DIR LOGS PORT:FPM_DIR:CONFIG_FILE...
# One nginx serving MediaWiki's entry points from $TA_MW_DIR: per triple a
# server on 127.0.0.1:PORT passing to the php-fpm of FPM_DIR, with
# MW_CONFIG_FILE set. Errors in LOGS/nginx-error.log.
stack_nginx_start() {
	local ngx="$1" logs="$2" spec port fpm config
	shift 2
	mkdir -p "$ngx/temp"
	chown www-data:www-data "$ngx/temp"
	{
		cat <<CONF
worker_processes 1;
pid $ngx/nginx.pid;
error_log $logs/nginx-error.log warn;
daemon off;
user www-data www-data;
events {
	worker_connections 4096;
}
http {
	access_log off;
	default_type application/octet-stream;
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	client_body_temp_path $ngx/temp/client_body;
	fastcgi_temp_path $ngx/temp/fastcgi;
	proxy_temp_path $ngx/temp/proxy;
	uwsgi_temp_path $ngx/temp/uwsgi;
	scgi_temp_path $ngx/temp/scgi;
	fastcgi_buffers 16 16k;
	fastcgi_buffer_size 32k;
	fastcgi_read_timeout 90s;
CONF
		for spec in "$@"; do
			IFS=: read -r port fpm config <<<"$spec"
			cat <<CONF
	server {
		listen 127.0.0.1:$port;
		root $TA_MW_DIR;
		location ~ ^/(rest|api|index|load)\.php(/|\$) {
			fastcgi_split_path_info ^(/[a-z]+\.php)(/.*)\$;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_param MW_CONFIG_FILE $config;
			fastcgi_pass unix:$fpm/php-fpm.sock;
		}
		location / {
			try_files \$uri =404;
		}
	}
CONF
		done
		echo "}"
	} >"$ngx/nginx.conf"
	"$nginx_bin" -t -c "$ngx/nginx.conf" -e "$logs/nginx-error.log" >"$logs/nginx-test.log" 2>&1 ||
		"$stack_fail" "nginx rejects its configuration: $(cat "$logs/nginx-test.log")"
	start_group "$logs/nginx.out" "$nginx_bin" -c "$ngx/nginx.conf" -e "$logs/nginx-error.log"
}
