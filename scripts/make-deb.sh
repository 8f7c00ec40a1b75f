#!/usr/bin/env bash
# Builds the release files of TokenAuthenticator for the PHP on this system
# (php-config decides the ABI: PHP 8.2 on Debian 12, PHP 8.4 on Debian 13):
# the Debian package, and for installs without it, a tarball of the MediaWiki
# extension folder plus the prebuilt .so.
#
#   scripts/make-deb.sh SO DIST      package SO (the release build) into DIST/
#   scripts/make-deb.sh --paths DIST print the paths of the .deb, the tarball
#                                    and the .so in DIST/, a line each
#
# The package (plain dpkg-deb, no debian/ directory to keep in step) holds:
#   - the .so in PHP's extension dir for this ABI;
#   - /etc/php/X.Y/mods-available/mws_token_authenticator.ini, enabled for
#     every SAPI with phpenmod on install and disabled with phpdismod on removal;
#   - the MediaWiki extension in /usr/share/mediawiki/extensions/TokenAuthenticator,
#     so that wfLoadExtension( 'TokenAuthenticator' ); needs no path.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGE=mediawiki-extension-tokenauthenticator
MODULE=mws_token_authenticator

command -v php-config >/dev/null 2>&1 || ta_die "php-config not found (php-dev)"
php_version="$(php-config --version | cut -d. -f1,2)"
php_api="$(php-config --phpapi)"
ext_dir="$(php-config --extension-dir)"
arch="$(dpkg --print-architecture)"
upstream="$(sed -n 's/^version = "\(.*\)"/\1/p' "$TA_ROOT/Cargo.toml" | head -1)"
version="$upstream-1+php$php_version"
deb_name="${PACKAGE}_${version}_${arch}.deb"
tarball_name="TokenAuthenticator-$upstream.tar.gz"
so_name="$MODULE-$upstream-php$php_version-$arch.so"

if [ "${1:-}" = --paths ]; then
	dist="${2:?usage: $0 --paths DIST}"
	printf '%s\n' "$dist/$deb_name" "$dist/$tarball_name" "$dist/$so_name"
	exit 0
fi
so="${1:?usage: $0 SO DIST}"
dist="${2:?usage: $0 SO DIST}"
[ -f "$so" ] || ta_die "$so does not exist: run \`make build\` first"

# The .so must be built for this PHP: its module API is in the binary.
loaded_api="$(php -n -d "extension=$so" -r 'echo PHP_VERSION;' 2>&1)" ||
	ta_die "PHP $php_version cannot load $so: $loaded_api"

stage="$(mktemp -d)"
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT
umask 022

# The native extension, stripped of debug information.
install -d "$stage$ext_dir"
install -m 644 "$so" "$stage$ext_dir/$MODULE.so"
strip --strip-unneeded "$stage$ext_dir/$MODULE.so"

# php's own layout: an ini in mods-available, enabled per SAPI by phpenmod.
install -d "$stage/etc/php/$php_version/mods-available"
cat >"$stage/etc/php/$php_version/mods-available/$MODULE.ini" <<INI
; TokenAuthenticator's native core (package $PACKAGE).
; Enabled for every SAPI with phpenmod; phpdismod $MODULE turns it off.
; priority=20
extension=$MODULE.so
INI

# The MediaWiki extension, where Debian's MediaWiki looks for extensions.
mw_ext="$stage/usr/share/mediawiki/extensions/TokenAuthenticator"
install -d "$mw_ext"
(cd "$TA_ROOT/mediawiki-extension" && find . -type f ! -name '.*' -print0) |
	while IFS= read -r -d '' f; do
		install -D -m 644 "$TA_ROOT/mediawiki-extension/$f" "$mw_ext/${f#./}"
	done

doc="$stage/usr/share/doc/$PACKAGE"
install -d "$doc"
install -m 644 "$TA_ROOT/README.md" "$doc/README.md"
# The README links into docs/ (relative links, kept working beside it).
install -d "$doc/docs"
install -m 644 "$TA_ROOT"/docs/*.md "$doc/docs/"
cat >"$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: TokenAuthenticator
Files: *
Copyright: TokenAuthenticator contributors
License: GPL-3.0-or-later
 On Debian systems, the full text of the GNU General Public License version 3
 can be found in /usr/share/common-licenses/GPL-3.
COPYRIGHT

# The newest glibc symbol version the .so needs.
glibc="$(objdump -T "$so" | sed -n 's/.*GLIBC_\([0-9.]*\).*/\1/p' | sort -uV | tail -1)"

install -d "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: $PACKAGE
Version: $version
Architecture: $arch
Maintainer: TokenAuthenticator contributors <tokenauthenticator@localhost>
Section: web
Priority: optional
Depends: phpapi-$php_api, php$php_version-common, php-common, mediawiki (>= 1:1.39), libc6 (>= ${glibc:-2.17})
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Description: token authentication for MediaWiki with a native core
 User tokens exchanged for user info over REST, HMAC-signed envelopes naming
 the issuing wiki, service principals (Authorization: ApiKey / AppToken) with
 CIDR limits and allow-listed API modules and REST paths, session
 verification tokens and JWT login. The cryptographic core is a PHP extension
 written in Rust, built for PHP $php_version (module API $php_api).
 .
 Load it with wfLoadExtension( 'TokenAuthenticator' ); then run update.php.
CONTROL
echo "/etc/php/$php_version/mods-available/$MODULE.ini" >"$stage/DEBIAN/conffiles"

cat >"$stage/DEBIAN/postinst" <<SH
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	phpenmod -v $php_version -s ALL $MODULE
	echo "TokenAuthenticator: restart PHP-FPM or the web server to load $MODULE;"
	echo "then add wfLoadExtension( 'TokenAuthenticator' ); to LocalSettings.php and run update.php."
fi
SH
cat >"$stage/DEBIAN/prerm" <<SH
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = deconfigure ]; then
	if command -v phpdismod >/dev/null 2>&1; then
		phpdismod -v $php_version -s ALL $MODULE || true
	fi
fi
SH
cat >"$stage/DEBIAN/postrm" <<SH
#!/bin/sh
set -e
if [ "\$1" = purge ]; then
	# phpenmod's record of the module's state.
	rm -f /var/lib/php/modules/$php_version/*/enabled_by_maint/$MODULE \\
		/var/lib/php/modules/$php_version/*/disabled_by_maint/$MODULE \\
		/var/lib/php/modules/$php_version/*/enabled_by_admin/$MODULE \\
		/var/lib/php/modules/$php_version/*/disabled_by_admin/$MODULE
fi
SH
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

mkdir -p "$dist"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$dist/$deb_name" >/dev/null

# The same folder and module for installs without the package.
tar -C "$stage/usr/share/mediawiki/extensions" --owner=0 --group=0 --numeric-owner \
	-czf "$dist/$tarball_name" TokenAuthenticator
install -m 644 "$stage$ext_dir/$MODULE.so" "$dist/$so_name"

ta_log "built in $dist: $deb_name, $tarball_name, $so_name"
