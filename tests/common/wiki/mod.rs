//! [`Wiki`]: a running wiki, its settings and maintenance scripts.
//! Its server is in `server.rs`, its HTTP clients in `http.rs`.

mod builder;
mod http;
mod server;
mod template;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub use builder::WikiBuilder;
pub use server::SERVER_WORKERS;

use crate::common::paths::{wiki_script, MW_DIR};
use crate::common::php::{php_command, php_str, write_native_ini};
use crate::common::process::check_output;
use crate::common::tempdir::TempDir;

/// User name of the administrator created by install.php.
pub const ADMIN: &str = "Admin";

/// A running wiki; see the documentation of `common` (tests/common/mod.rs).
pub struct Wiki {
    port: u16,
    admin_password: String,
    /// The database of a wiki on PostgreSQL (also its user's name).
    postgres_database: Option<String>,
    secret_key: String,
    upgrade_key: String,
    settings: Vec<String>,
    native: bool,
    load_extension: bool,
    extension_json: PathBuf,
    installer_settings: PathBuf,
    ini_dir: Option<PathBuf>,
    script_path: String,
    server: Option<Child>,
    watchdog: Option<Child>,
    // Last: removed after the server was stopped.
    dir: TempDir,
}

impl Wiki {
    /// `http://127.0.0.1:PORT` (no trailing slash; `$wgServer`).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Absolute URL of `path` below the script path (which starts with `/`,
    /// e.g. `/api.php?...`; the script path is empty unless
    /// [`WikiBuilder::under_path`]).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base(), self.script_path, path)
    }

    /// `$wgScriptPath`: "" or e.g. "/w".
    pub fn script_path(&self) -> &str {
        &self.script_path
    }

    /// Absolute URL of a path of the site itself (e.g. `/wiki/Main_Page`).
    pub fn site_url(&self, path: &str) -> String {
        format!("{}{}", self.base(), path)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn admin_name(&self) -> &str {
        ADMIN
    }

    pub fn admin_password(&self) -> &str {
        &self.admin_password
    }

    /// The database of a wiki built with [`WikiBuilder::postgres`].
    pub fn postgres_database(&self) -> Option<&str> {
        self.postgres_database.as_deref()
    }

    /// The wiki's temporary directory (LocalSettings.php, data/, logs).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn local_settings_path(&self) -> PathBuf {
        self.dir().join("LocalSettings.php")
    }

    /// Whether the server runs with the native extension.
    pub fn native(&self) -> bool {
        self.native
    }

    /// Everything the server wrote to stdout and stderr (PHP errors, access log).
    pub fn server_log(&self) -> String {
        fs::read_to_string(self.dir().join("server.log")).unwrap_or_default()
    }

    /// MediaWiki's `exception`, `error` and `fatal` log channels.
    pub fn mw_error_log(&self) -> String {
        fs::read_to_string(self.dir().join("mw-errors.log")).unwrap_or_default()
    }

    /// The test's own settings, required at the end of LocalSettings.php.
    pub fn test_settings_path(&self) -> PathBuf {
        self.dir().join("LocalSettings.test.php")
    }

    /// LocalSettings.php by `wiki.sh settings` (for this port), then the
    /// per-wiki keys and the test's settings in LocalSettings.test.php.
    fn write_settings(&self) {
        let dir = self.dir();
        let mut cmd = Command::new(wiki_script());
        cmd.arg("settings")
            .arg(self.local_settings_path())
            .arg("--installer")
            .arg(&self.installer_settings)
            .args(["--server", &self.base()])
            .arg("--log")
            .arg(dir.join("mw-errors.log"))
            .arg("--require")
            .arg(self.test_settings_path())
            .stdin(Stdio::null());
        if !self.script_path.is_empty() {
            cmd.args(["--script-path", &self.script_path]);
        }
        if self.load_extension {
            cmd.arg("--extension").arg(&self.extension_json);
        } else {
            cmd.arg("--no-extension");
        }
        check_output(
            "wiki.sh settings",
            &cmd.output().expect("cannot run scripts/wiki.sh"),
        );

        let mut s = format!(
            "<?php\n// The e2e harness (tests/common/mod.rs): this wiki's keys, then the test's settings.\n\
             $wgSecretKey = {secret};\n\
             $wgUpgradeKey = {upgrade};\n",
            secret = php_str(&self.secret_key),
            upgrade = php_str(&self.upgrade_key),
        );
        for line in &self.settings {
            s.push_str(line);
            s.push('\n');
        }
        fs::write(self.test_settings_path(), s).expect("write LocalSettings.test.php");
    }

    /// Appends PHP code to LocalSettings.php. Takes effect for maintenance
    /// scripts at once, for web requests after [`Wiki::restart`] (OPcache).
    pub fn add_setting(&mut self, php: impl Into<String>) {
        self.settings.push(php.into());
        self.write_settings();
    }

    /// Switches the native extension on or off for the server and maintenance
    /// scripts; call [`Wiki::restart`] afterwards.
    pub fn set_native(&mut self, on: bool) {
        if on && self.ini_dir.is_none() {
            let ini_dir = self.dir().join("php-ini");
            write_native_ini(&ini_dir);
            self.ini_dir = Some(ini_dir);
        }
        self.native = on;
    }

    /// `php` with this wiki's MW_CONFIG_FILE and, if `native`, the native
    /// extension; the working directory is the wiki's directory.
    pub fn php(&self, native: bool) -> Command {
        let ini_dir = if native {
            Some(
                self.ini_dir
                    .as_deref()
                    .expect("native extension not set up"),
            )
        } else {
            None
        };
        let mut cmd = php_command(Some(&self.local_settings_path()), ini_dir);
        cmd.current_dir(self.dir());
        cmd
    }

    /// Runs `maintenance/<script>` (native extension as for the server).
    pub fn maintenance(&self, script: &str, args: &[&str]) -> Output {
        self.maintenance_with(self.native, script, args)
    }

    /// Runs `maintenance/<script>` with or without the native extension.
    pub fn maintenance_with(&self, native: bool, script: &str, args: &[&str]) -> Output {
        self.php(native)
            .arg(format!("{MW_DIR}/maintenance/{script}"))
            .args(args)
            .output()
            .expect("cannot run php")
    }

    /// Creates (or updates, with `--force`) a user with `createAndPromote.php`.
    /// Groups `sysop`, `bureaucrat`, `bot` and `interface-admin` map to their
    /// flags, anything else goes to `--custom-groups`.
    pub fn create_user(&self, name: &str, password: &str, groups: &[&str]) {
        let mut args: Vec<String> = vec!["--force".into()];
        let mut custom = Vec::new();
        for group in groups {
            match *group {
                "sysop" | "bureaucrat" | "bot" | "interface-admin" => {
                    args.push(format!("--{group}"))
                }
                other => custom.push(other),
            }
        }
        if !custom.is_empty() {
            args.push(format!("--custom-groups={}", custom.join(",")));
        }
        args.push(name.into());
        args.push(password.into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.maintenance("createAndPromote.php", &args);
        check_output(&format!("createAndPromote.php {name}"), &out);
    }

    /// Runs `maintenance/<script>` with `input` on its standard input;
    /// panics unless it succeeds.
    pub fn maintenance_with_input(&self, script: &str, args: &[&str], input: &str) -> Output {
        let mut child = self
            .php(self.native)
            .arg(format!("{MW_DIR}/maintenance/{script}"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run php");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write to the script");
        let out = child.wait_with_output().expect("wait for php");
        check_output(script, &out);
        out
    }

    /// Creates or replaces a page with `maintenance/edit.php` (as Admin).
    pub fn edit_page(&self, title: &str, text: &str) {
        self.maintenance_with_input("edit.php", &["--user", ADMIN, title], text);
    }

    /// Blocks `name` sitewide (`maintenance/blockUsers.php`, as Admin).
    pub fn block_user(&self, name: &str) {
        let out = self.maintenance_with_input(
            "blockUsers.php",
            &[
                "--performer",
                ADMIN,
                "--reason",
                "e2e",
                "--disable-autoblock",
            ],
            &format!("{name}\n"),
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains("succeeded"),
            "blockUsers.php did not block {name}: {said}"
        );
    }
}

impl Drop for Wiki {
    fn drop(&mut self) {
        self.stop_server();
        if std::thread::panicking() {
            let log = self.server_log();
            let tail: Vec<&str> = log
                .lines()
                .filter(|l| !l.ends_with(" Accepted") && !l.ends_with(" Closing"))
                .collect();
            let tail = &tail[tail.len().saturating_sub(60)..];
            eprintln!(
                "--- server log of {} (last lines) ---\n{}",
                self.base(),
                tail.join("\n")
            );
            let mw = self.mw_error_log();
            if !mw.is_empty() {
                eprintln!("--- MediaWiki error log ---\n{mw}");
            }
        }
        // `dir` (a TempDir) is removed after this.
    }
}
