//! The native extension, and `php` run with it in a clean MediaWiki environment.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use super::paths::repo_dir;

/// Name of the native PHP extension.
pub const NATIVE_EXTENSION: &str = "mws_token_authenticator";

/// Absolute path of the native extension: `MWS_TA_SO`, else the release build
/// (built with `cargo build --release` if it does not exist yet).
pub fn native_so() -> &'static Path {
    static SO: OnceLock<PathBuf> = OnceLock::new();
    SO.get_or_init(|| {
        if let Some(so) = std::env::var_os("MWS_TA_SO").filter(|s| !s.is_empty()) {
            let so = PathBuf::from(so);
            let so = if so.is_absolute() {
                so
            } else {
                repo_dir().join(so)
            };
            assert!(
                so.is_file(),
                "MWS_TA_SO={} does not exist (run `make build` first)",
                so.display()
            );
            return so;
        }
        let so = repo_dir().join("target/release/libmws_token_authenticator.so");
        if !so.is_file() {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            eprintln!("{} missing: running `cargo build --release`", so.display());
            let status = Command::new(cargo)
                .args(["build", "--release"])
                .current_dir(repo_dir())
                // CARGO_TARGET_DIR may send the test build elsewhere; the .so belongs in target/.
                .env_remove("CARGO_TARGET_DIR")
                .stdin(Stdio::null())
                .status()
                .expect("cannot run cargo");
            assert!(
                status.success() && so.is_file(),
                "`cargo build --release` did not produce {}; run `make build` first",
                so.display()
            );
        }
        so
    })
}

/// A PHP single-quoted string literal.
pub fn php_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Writes `dir/mws_token_authenticator.ini` loading the native extension.
pub(super) fn write_native_ini(dir: &Path) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    fs::write(
        dir.join(format!("{NATIVE_EXTENSION}.ini")),
        format!("extension={}\n", native_so().display()),
    )
    .expect("write ini");
}

/// `php` with a clean MediaWiki environment: MW_CONFIG_FILE set when given,
/// the native extension loaded through `PHP_INI_SCAN_DIR=:ini_dir` when given.
pub(super) fn php_command(config: Option<&Path>, ini_dir: Option<&Path>) -> Command {
    mw_command("php", config, ini_dir)
}

/// `program` (php, or a script that runs it) in that environment.
pub(super) fn mw_command(
    program: impl AsRef<std::ffi::OsStr>,
    config: Option<&Path>,
    ini_dir: Option<&Path>,
) -> Command {
    let mut cmd = Command::new(program);
    cmd.stdin(Stdio::null())
        .env_remove("MW_INSTALL_PATH")
        .env_remove("MW_CONFIG_FILE")
        .env_remove("PHP_INI_SCAN_DIR");
    if let Some(config) = config {
        cmd.env("MW_CONFIG_FILE", config);
    }
    if let Some(ini_dir) = ini_dir {
        let mut value = std::ffi::OsString::from(":");
        value.push(ini_dir);
        cmd.env("PHP_INI_SCAN_DIR", value);
    }
    cmd
}
