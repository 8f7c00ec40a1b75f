#!/usr/bin/env bash
# Usage: scripts/php-ini.sh DIR [SO_PATH]
# Writes DIR/mws_token_authenticator.ini with `extension=SO_PATH` (default: the
# release build of this crate, or $MWS_TA_SO). Load it with PHP_INI_SCAN_DIR=:DIR.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	ta_die "usage: $0 DIR [SO_PATH]"
fi
dir="$1"
so="${2:-$(ta_so_path)}"
case "$so" in
/*) ;;
*) so="$(pwd)/$so" ;;
esac
[ -f "$so" ] || ta_die "$so does not exist (run \`make build\` first)"
ta_write_ini "$dir" "$so"
printf '%s\n' "$dir/mws_token_authenticator.ini"
