//! Real-wiki harness shared by the end-to-end tests.
//!
//! Every [`Wiki`] is a fresh SQLite MediaWiki (Debian's `mediawiki` package)
//! in its own temporary directory, served by `php -S` on a free port of
//! 127.0.0.1 through `scripts/router.php`, with TokenAuthenticator loaded
//! from this repository. Dropping the `Wiki` kills the server's whole process
//! group and deletes the directory, also when the test panics.
//!
//! ```ignore
//! mod common;
//! use common::*;
//!
//! let wiki = Wiki::builder().setting("$wgFoo = 1;").start();
//! let admin = wiki.login(ADMIN, wiki.admin_password());
//! let r = get(&admin, &wiki.url("/rest.php/v1/page/Main_Page"));
//! assert_eq!(r.status, 200, "{r}");
//! ```
//!
//! Environment:
//! - `MWS_TA_SO`: the native extension to load (default: the release build,
//!   built with `cargo build --release` when missing);
//! - `MWS_TA_KEEP_WIKI=1`: keep the temporary directories (paths are printed).
//!
//! If the test process dies without dropping a `Wiki` (killed, Ctrl-C, or a
//! `Wiki` kept in a `static`), a small watchdog process kills the server's
//! group and deletes the directory within half a second.
//!
//! Caches: LocalSettings.php keeps the installer's `$wgMainCacheType =
//! CACHE_ACCEL`, which is APCu shared by the server's workers (for the
//! server's lifetime) but nothing for maintenance scripts (APCu is off on the
//! CLI). Add `.setting("$wgMainCacheType = CACHE_DB;")` where web requests
//! and maintenance scripts must share a cache.
//!
//! Wikis are set up by `scripts/wiki.sh`, as `make wiki`, the bench, the
//! reliability runs and the package test set theirs up. Installing takes
//! about a second, so a core-only installation is made once and kept under
//! `CARGO_TARGET_TMPDIR` as a template; each wiki copies its database, gets
//! its LocalSettings.php from `wiki.sh settings` (the test's own settings in
//! LocalSettings.test.php, required last) and runs `wiki.sh update`.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use serde_json::Value;

/// Debian's MediaWiki installation.
pub const MW_DIR: &str = "/usr/share/mediawiki";
/// Name of the native PHP extension.
pub const NATIVE_EXTENSION: &str = "mws_token_authenticator";
/// User name of the administrator created by install.php.
pub const ADMIN: &str = "Admin";
/// Workers of `php -S` (parallel requests).
pub const SERVER_WORKERS: u32 = 4;
/// How long a server may take to answer after it was started.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Timeout of one HTTP request made by [`Wiki::client`].
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Bump when the template's content changes.
const TEMPLATE_VERSION: u32 = 3;

// ---------------------------------------------------------------------------
// Paths and the native extension

/// The repository (crate) root.
pub fn repo_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `mediawiki-extension/` of this repository.
pub fn extension_dir() -> PathBuf {
    repo_dir().join("mediawiki-extension")
}

/// `scripts/wiki.sh`, the one wiki set-up procedure.
pub fn wiki_script() -> PathBuf {
    repo_dir().join("scripts/wiki.sh")
}

/// The router script for `php -S`.
pub fn router_script() -> PathBuf {
    repo_dir().join("scripts/router.php")
}

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

// ---------------------------------------------------------------------------
// Small utilities

/// `n` random bytes from the OS, as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("cannot read /dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A port of 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("cannot bind 127.0.0.1:0")
        .port()
}

/// A PHP single-quoted string literal.
pub fn php_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{}-{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn keep_dirs() -> bool {
    std::env::var_os("MWS_TA_KEEP_WIKI").is_some_and(|v| !v.is_empty() && v != "0")
}

/// A directory under `std::env::temp_dir()`, removed on drop
/// (unless `MWS_TA_KEEP_WIKI` is set).
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let path = std::env::temp_dir().join(unique_name(prefix));
        fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if keep_dirs() {
            eprintln!("kept {}", self.path.display());
        } else {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("read_dir");
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().expect("file_type");
        if kind.is_dir() {
            copy_tree(&src, &dst, skip);
        } else {
            fs::copy(&src, &dst).unwrap_or_else(|e| panic!("cannot copy {}: {e}", src.display()));
        }
    }
}

/// Writes `dir/mws_token_authenticator.ini` loading the native extension.
fn write_native_ini(dir: &Path) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    fs::write(
        dir.join(format!("{NATIVE_EXTENSION}.ini")),
        format!("extension={}\n", native_so().display()),
    )
    .expect("write ini");
}

fn check_output(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `php` with a clean MediaWiki environment: MW_CONFIG_FILE set when given,
/// the native extension loaded through `PHP_INI_SCAN_DIR=:ini_dir` when given.
fn php_command(config: Option<&Path>, ini_dir: Option<&Path>) -> Command {
    mw_command("php", config, ini_dir)
}

/// `program` (php, or a script that runs it) in that environment.
fn mw_command(
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

// ---------------------------------------------------------------------------
// Template: a core-only installation made once and copied for every wiki

struct Template {
    dir: PathBuf,
    admin_password: String,
}

impl Template {
    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn installer_settings(&self) -> PathBuf {
        self.dir.join("LocalSettings.installer.php")
    }
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(make_template)
}

/// Changes whenever Debian's MediaWiki or PHP changes.
fn template_key() -> String {
    let mut hasher = DefaultHasher::new();
    TEMPLATE_VERSION.hash(&mut hasher);
    for file in [
        format!("{MW_DIR}/includes/Defines.php"),
        format!("{MW_DIR}/maintenance/install.php"),
        "/usr/bin/php".to_string(),
        wiki_script().to_string_lossy().into_owned(),
    ] {
        file.hash(&mut hasher);
        if let Ok(meta) = fs::metadata(&file) {
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    format!("{:016x}", hasher.finish())
}

fn make_template() -> Template {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let name = format!("mws-ta-wiki-template-{}", template_key());
    let dir = root.join(&name);
    fs::create_dir_all(&root).expect("create CARGO_TARGET_TMPDIR");

    // Templates of other MediaWiki/PHP versions, and leftovers of interrupted runs.
    if let Ok(entries) = fs::read_dir(&root) {
        for entry in entries.flatten() {
            let other = entry.file_name().to_string_lossy().into_owned();
            if !other.starts_with("mws-ta-wiki-template-") || other == name {
                continue;
            }
            let stale = match other.split_once(".tmp-") {
                Some((_, rest)) => {
                    let pid = rest.split('-').next().unwrap_or("");
                    !Path::new("/proc").join(pid).exists()
                }
                None => true,
            };
            if stale {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }

    if !dir.join("ready").is_file() {
        let tmp = root.join(unique_name(&format!("{name}.tmp")));
        let out = Command::new(wiki_script())
            .arg("install")
            .arg(&tmp)
            .args(["--server", "http://127.0.0.1"])
            .stdin(Stdio::null())
            .output()
            .expect("cannot run scripts/wiki.sh");
        check_output("wiki.sh install", &out);
        fs::write(tmp.join("ready"), "").expect("write ready");
        // Another test process may have been faster: then use its template.
        if fs::rename(&tmp, &dir).is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
    }
    let admin_password = fs::read_to_string(dir.join("admin-password"))
        .expect("template admin-password")
        .trim()
        .to_string();
    Template {
        dir,
        admin_password,
    }
}

// ---------------------------------------------------------------------------
// Builder

type ManifestPatch = Box<dyn FnOnce(&mut Value)>;

/// Options of a [`Wiki`]; see [`Wiki::builder`].
pub struct WikiBuilder {
    settings: Vec<String>,
    native: bool,
    load_extension: bool,
    manifest_patch: Option<ManifestPatch>,
    script_path: String,
}

impl WikiBuilder {
    /// PHP code appended to LocalSettings.php (after the extension is loaded),
    /// e.g. `.setting("$wgTokenAuthenticatorFoo = 1;")`. May be repeated.
    pub fn setting(mut self, php: impl Into<String>) -> Self {
        self.settings.push(php.into());
        self
    }

    /// Whether the web server and [`Wiki::maintenance`] load the native
    /// extension (default: yes). Installation and the first `update.php` always
    /// load it, so a wiki whose server runs without it can still be installed.
    pub fn native(mut self, on: bool) -> Self {
        self.native = on;
        self
    }

    /// Whether LocalSettings.php loads TokenAuthenticator (default: yes).
    pub fn load_extension(mut self, on: bool) -> Self {
        self.load_extension = on;
        self
    }

    /// Serve the wiki under a path, as production wikis are: `.under_path("/w")`
    /// gives `$wgScriptPath = '/w'` and `$wgArticlePath = '/wiki/$1'`;
    /// [`Wiki::url`] then adds the script path.
    pub fn under_path(mut self, script_path: &str) -> Self {
        assert!(
            script_path.starts_with('/') && !script_path.ends_with('/'),
            "a script path like /w"
        );
        self.script_path = script_path.to_string();
        self
    }

    /// Load a copy of `mediawiki-extension/` whose extension.json was changed
    /// by `patch`, e.g. to simulate a registry that skips `requires`.
    pub fn patch_manifest(mut self, patch: impl FnOnce(&mut Value) + 'static) -> Self {
        self.manifest_patch = Some(Box::new(patch));
        self
    }

    /// Installs the wiki, runs update.php and starts the server.
    pub fn start(self) -> Wiki {
        let started = Instant::now();
        let template = template();
        let dir = TempDir::new("mws-ta-wiki");
        let root = dir.path().to_path_buf();
        copy_tree(&template.data_dir(), &root.join("data"), &[]);
        // It names its SQLite directory as __DIR__/data: the copy's own.
        let installer_settings = root.join("LocalSettings.installer.php");
        fs::copy(template.installer_settings(), &installer_settings)
            .expect("copy LocalSettings.installer.php");

        let extension_json = match self.manifest_patch {
            None => extension_dir().join("extension.json"),
            Some(patch) => {
                let copy = root.join("extension");
                copy_tree(&extension_dir(), &copy, &["node_modules", "vendor", ".git"]);
                let path = copy.join("extension.json");
                let mut manifest: Value =
                    serde_json::from_str(&fs::read_to_string(&path).expect("extension.json"))
                        .expect("extension.json is not JSON");
                patch(&mut manifest);
                fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap())
                    .expect("write extension.json");
                path
            }
        };

        let needs_so = self.native || self.load_extension;
        let ini_dir = root.join("php-ini");
        if needs_so {
            write_native_ini(&ini_dir);
        }

        let mut wiki = Wiki {
            port: free_port(),
            admin_password: template.admin_password.clone(),
            secret_key: random_hex(32),
            upgrade_key: random_hex(8),
            settings: self.settings,
            native: self.native,
            load_extension: self.load_extension,
            extension_json,
            installer_settings,
            ini_dir: needs_so.then_some(ini_dir),
            script_path: self.script_path,
            server: None,
            watchdog: None,
            dir,
        };
        wiki.write_settings();
        let ini_dir = wiki.ini_dir.clone();
        let out = mw_command(wiki_script(), None, ini_dir.as_deref())
            .arg("update")
            .arg(wiki.local_settings_path())
            .output()
            .expect("cannot run scripts/wiki.sh");
        check_output("wiki.sh update", &out);
        wiki.start_server();
        if std::env::var_os("MWS_TA_VERBOSE").is_some() {
            eprintln!(
                "wiki {} ready in {:?} ({})",
                wiki.base(),
                started.elapsed(),
                wiki.dir().display()
            );
        }
        wiki
    }
}

// ---------------------------------------------------------------------------
// Wiki

/// A running wiki; see the module documentation.
pub struct Wiki {
    port: u16,
    admin_password: String,
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
    pub fn builder() -> WikiBuilder {
        WikiBuilder {
            settings: Vec::new(),
            native: true,
            load_extension: true,
            manifest_patch: None,
            script_path: String::new(),
        }
    }

    /// A wiki with default options.
    pub fn start() -> Wiki {
        Wiki::builder().start()
    }

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

    /// A user token of the client's session, from `user-token/generate`.
    pub fn user_token(&self, agent: &ureq::Agent) -> String {
        let r = get(agent, &self.url("/rest.php/mws/v1/user-token/generate"));
        assert_eq!(r.status, 200, "{r}");
        r.json()["value"].as_str().expect("value").to_string()
    }

    /// An Action API GET (`format=json&formatversion=2` added) with an
    /// optional `Authorization` header.
    pub fn api(&self, auth: Option<&str>, query: &str) -> HttpResponse {
        let mut req = self
            .client()
            .get(&self.url(&format!("/api.php?format=json&formatversion=2&{query}")));
        if let Some(auth) = auth {
            req = req.set("Authorization", auth);
        }
        call(req)
    }

    // -- server ------------------------------------------------------------

    fn start_server(&mut self) {
        assert!(self.server.is_none(), "server already running");
        for attempt in 0..5 {
            if attempt > 0 {
                // The port was taken in the meantime: take another one.
                self.port = free_port();
                self.write_settings();
            }
            let log_path = self.dir().join("server.log");
            let log = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log_path)
                .expect("open server.log");
            let log_len = log.metadata().map(|m| m.len()).unwrap_or(0);
            let ini_dir = if self.native {
                self.ini_dir.as_deref()
            } else {
                None
            };
            let mut cmd = php_command(Some(&self.local_settings_path()), ini_dir);
            cmd.arg("-S")
                .arg(format!("127.0.0.1:{}", self.port))
                .arg("-t")
                .arg(self.docroot())
                .arg(router_script())
                .env("PHP_CLI_SERVER_WORKERS", SERVER_WORKERS.to_string())
                .env("TA_SCRIPT_PATH", &self.script_path)
                .current_dir(self.dir())
                .stdout(log.try_clone().expect("dup log"))
                .stderr(log)
                .process_group(0);
            let child = cmd.spawn().expect("cannot start php -S");
            self.watchdog = Some(self.spawn_watchdog(child.id()));
            self.server = Some(child);
            match self.wait_until_ready() {
                Ok(()) => return,
                Err(exited) => {
                    self.stop_server();
                    let log = self.server_log();
                    let new = log.get(log_len as usize..).unwrap_or("");
                    if exited && new.contains("Address already in use") {
                        continue;
                    }
                    panic!("php -S did not start on port {}:\n{new}", self.port);
                }
            }
        }
        panic!("php -S could not find a free port");
    }

    /// Ok once the server answers HTTP; Err(true) if it exited.
    fn wait_until_ready(&mut self) -> Result<(), bool> {
        let deadline = Instant::now() + START_TIMEOUT;
        let addr = format!("127.0.0.1:{}", self.port);
        while Instant::now() < deadline {
            if let Some(child) = self.server.as_mut() {
                if let Ok(Some(_)) = child.try_wait() {
                    return Err(true);
                }
            }
            // Any HTTP answer will do: a static file, no PHP involved.
            if let Ok(mut stream) = TcpStream::connect(&addr) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = format!(
                    "HEAD {}/resources/assets/poweredby_mediawiki_88x31.png HTTP/1.0\r\nHost: {addr}\r\n\r\n",
                    self.script_path
                );
                let mut answer = [0u8; 12];
                if stream.write_all(request.as_bytes()).is_ok()
                    && stream.read_exact(&mut answer).is_ok()
                    && answer.starts_with(b"HTTP/")
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(false)
    }

    /// The server's document root: MediaWiki itself, or for a wiki under a
    /// path a directory where that path is a link to MediaWiki.
    fn docroot(&self) -> PathBuf {
        if self.script_path.is_empty() {
            return PathBuf::from(MW_DIR);
        }
        let docroot = self.dir().join("docroot");
        let link = docroot.join(self.script_path.trim_start_matches('/'));
        if !link.exists() {
            fs::create_dir_all(link.parent().expect("parent")).expect("create docroot");
            std::os::unix::fs::symlink(MW_DIR, &link).expect("link the script path");
        }
        docroot
    }

    /// See [`watchdog`].
    fn spawn_watchdog(&self, pgid: u32) -> Child {
        watchdog(pgid, self.dir())
    }

    /// Kills the server's process group (master and workers) and reaps it.
    pub fn stop_server(&mut self) {
        stop_with_watchdog(&mut self.server, &mut self.watchdog);
    }

    /// Restarts the server with the current settings (new LocalSettings.php
    /// and native on/off take effect; OPcache and APCu start empty).
    pub fn restart(&mut self) {
        self.stop_server();
        self.write_settings();
        self.start_server();
    }

    // -- HTTP ----------------------------------------------------------------

    /// An anonymous HTTP client with its own cookie jar. It follows redirects.
    pub fn client(&self) -> ureq::Agent {
        ureq::AgentBuilder::new()
            .timeout(HTTP_TIMEOUT)
            .user_agent("mws-ta-e2e")
            .build()
    }

    /// An HTTP client that does not follow redirects.
    pub fn client_no_redirects(&self) -> ureq::Agent {
        ureq::AgentBuilder::new()
            .timeout(HTTP_TIMEOUT)
            .user_agent("mws-ta-e2e")
            .redirects(0)
            .build()
    }

    /// Anonymous GET of `path`.
    pub fn get(&self, path: &str) -> HttpResponse {
        get(&self.client(), &self.url(path))
    }

    /// GET `target` exactly as given (no URL normalisation, unlike ureq, which
    /// resolves `..` and `%2e%2e`), over a raw HTTP/1.0 connection.
    pub fn raw_get(&self, target: &str) -> HttpResponse {
        self.raw_get_with(target, &[])
    }

    /// [`Wiki::raw_get`] with extra request headers.
    pub fn raw_get_with(&self, target: &str, headers: &[(&str, &str)]) -> HttpResponse {
        let addr = format!("127.0.0.1:{}", self.port);
        let mut stream = TcpStream::connect(&addr).expect("connect");
        stream
            .set_read_timeout(Some(HTTP_TIMEOUT))
            .expect("timeout");
        let extra: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        // In one write: php -S rejects a request line that arrives in pieces.
        let request = format!(
            "GET {target} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: mws-ta-e2e\r\n{extra}\r\n"
        );
        stream.write_all(request.as_bytes()).expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {raw}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        HttpResponse {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// Logs in through the Action API (`clientlogin`) and returns the client
    /// holding the session cookies. Panics unless the login succeeds.
    pub fn login(&self, name: &str, password: &str) -> ureq::Agent {
        let agent = self.client();
        let token = self.token(&agent, "login");
        let r = post_form(
            &agent,
            &self.url("/api.php"),
            &[
                ("action", "clientlogin"),
                ("format", "json"),
                ("formatversion", "2"),
                ("username", name),
                ("password", password),
                ("logintoken", &token),
                ("loginreturnurl", &self.url("/")),
            ],
        );
        let status = r.json()["clientlogin"]["status"].clone();
        assert_eq!(status, "PASS", "login as {name} failed: {r}");
        agent
    }

    /// Logs in as the administrator.
    pub fn login_admin(&self) -> ureq::Agent {
        self.login(ADMIN, &self.admin_password)
    }

    /// An Action API token (`csrf`, `login`, ...) for the client's session.
    pub fn token(&self, agent: &ureq::Agent, kind: &str) -> String {
        let r = get(
            agent,
            &self.url(&format!(
                "/api.php?action=query&meta=tokens&type={kind}&format=json&formatversion=2"
            )),
        );
        r.json()["query"]["tokens"][format!("{kind}token")]
            .as_str()
            .unwrap_or_else(|| panic!("no {kind} token: {r}"))
            .to_string()
    }

    /// The user name the client's session belongs to (an IP when anonymous).
    pub fn whoami(&self, agent: &ureq::Agent) -> String {
        let r = get(
            agent,
            &self.url("/api.php?action=query&meta=userinfo&format=json&formatversion=2"),
        );
        r.json()["query"]["userinfo"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("no userinfo: {r}"))
            .to_string()
    }

    /// `meta=userinfo` of the client's session, with `uiprop` (e.g. "groups|realname|email").
    pub fn userinfo(&self, agent: &ureq::Agent, uiprop: &str) -> Value {
        let r = get(
            agent,
            &self.url(&format!(
                "/api.php?action=query&meta=userinfo&uiprop={uiprop}&format=json&formatversion=2"
            )),
        );
        r.json()["query"]["userinfo"].clone()
    }

    /// The user id the client's session belongs to (0 when anonymous).
    pub fn whoami_id(&self, agent: &ureq::Agent) -> i64 {
        self.userinfo(agent, "")["id"]
            .as_i64()
            .expect("userinfo id")
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

/// Kills the process group that `child` leads (a server and its workers)
/// and reaps it.
fn kill_group(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills process group `pgid` and deletes `dir` if this test process dies
/// without dropping what owns them (killed, interrupted with Ctrl-C, or kept
/// in a `static`): a server in its own process group would outlive it
/// otherwise.
/// Stops a server started with a watchdog: the watchdog first (so that it
/// does not delete the directory), then the server's process group.
fn stop_with_watchdog(server: &mut Option<Child>, watchdog: &mut Option<Child>) {
    if let Some(mut watchdog) = watchdog.take() {
        let _ = watchdog.kill();
        let _ = watchdog.wait();
    }
    if let Some(child) = server.take() {
        kill_group(child);
    }
}

/// A 503 answer of an outage: JSON, not cacheable, with Retry-After.
pub fn assert_outage_answer(r: &HttpResponse, what: &str) {
    assert_eq!(r.status, 503, "{what}: {r}");
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("application/json"),
        "{what}: {r}"
    );
    assert!(
        r.header("cache-control").unwrap_or("").contains("no-store"),
        "{what}: {r}"
    );
    assert_eq!(r.header("retry-after"), Some("10"), "{what}: {r}");
}

fn watchdog(pgid: u32, dir: &Path) -> Child {
    const SCRIPT: &str = r#"
        while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 0.5; done
        if ! kill -0 "$1" 2>/dev/null; then
            kill -KILL -"$2" 2>/dev/null
            [ -z "$3" ] || rm -rf -- "$3"
        fi
    "#;
    let dir = if keep_dirs() {
        String::new()
    } else {
        dir.to_string_lossy().into_owned()
    };
    Command::new("sh")
        .args(["-c", SCRIPT, "mws-ta-watchdog"])
        .arg(std::process::id().to_string())
        .arg(pgid.to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Out of the terminal's process group: Ctrl-C must not stop it.
        .process_group(0)
        .spawn()
        .expect("cannot start the watchdog")
}

// ---------------------------------------------------------------------------
// HTTP helpers

/// An HTTP response of any status, body read as (lossy) UTF-8.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lowercase, in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All headers named `name` (case-insensitive).
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn json_opt(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The body as JSON; panics (showing the response) if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {self}"))
    }
}

impl fmt::Display for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "HTTP {}", self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        let body: String = self.body.chars().take(4000).collect();
        write!(f, "\n{body}")
    }
}

/// Turns ureq's result into an [`HttpResponse`], whatever the status
/// (ureq 2 reports 4xx/5xx as `Err(Status)`). Panics on transport errors.
pub fn response(result: Result<ureq::Response, ureq::Error>) -> HttpResponse {
    let resp = match result {
        Ok(resp) => resp,
        Err(ureq::Error::Status(_, resp)) => resp,
        Err(ureq::Error::Transport(t)) => panic!("HTTP transport error: {t}"),
    };
    let status = resp.status();
    let mut headers = Vec::new();
    for name in resp.headers_names() {
        for value in resp.all(&name) {
            headers.push((name.to_ascii_lowercase(), value.to_string()));
        }
    }
    let mut bytes = Vec::new();
    resp.into_reader()
        .read_to_end(&mut bytes)
        .expect("cannot read the response body");
    HttpResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Sends a prepared request without a body (`agent.get(url).set(...)`).
pub fn call(request: ureq::Request) -> HttpResponse {
    response(request.call())
}

pub fn get(agent: &ureq::Agent, url: &str) -> HttpResponse {
    call(agent.get(url))
}

pub fn post_form(agent: &ureq::Agent, url: &str, form: &[(&str, &str)]) -> HttpResponse {
    response(agent.post(url).send_form(form))
}

pub fn post_json(agent: &ureq::Agent, url: &str, body: &Value) -> HttpResponse {
    response(agent.post(url).send_json(body))
}

/// The `error.code` of an Action API answer; panics when it has none.
pub fn api_error(r: &HttpResponse) -> String {
    r.json()["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no API error: {r}"))
        .to_string()
}

/// Mints an app token with an ApiKey; returns the token inside the envelope.
pub fn mint_app_token(wiki: &Wiki, secret: &str) -> String {
    let minted = app_token_response(wiki, secret);
    assert_eq!(minted.status, 200, "{minted}");
    token_in_envelope(minted.json()["value"].as_str().unwrap())
}

/// The answer of the app-token mint route to an ApiKey, whatever it is.
pub fn app_token_response(wiki: &Wiki, secret: &str) -> HttpResponse {
    response(
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", &format!("ApiKey {secret}"))
            .set("Content-Type", "application/json")
            .send_string(""),
    )
}

/// The token inside a salted envelope (base64 JSON).
pub fn token_in_envelope(envelope: &str) -> String {
    let envelope: serde_json::Value =
        serde_json::from_slice(&base64_decode(envelope)).expect("envelope JSON");
    envelope["token"].as_str().expect("token").to_string()
}

/// An HS256 JWT of an identity provider for `user`: `sub` is
/// "sub-<user>", `preferred_username` the user, a fresh `jti`, valid for
/// five minutes; `extra` claims are added (e.g. an `email`).
pub fn hs256_jwt(secret: &str, issuer: &str, audience: &str, user: &str, extra: Value) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut claims = serde_json::json!({
        "iss": issuer, "aud": audience, "sub": format!("sub-{user}"), "preferred_username": user,
        "iat": t, "nbf": t, "exp": t + 300, "jti": random_hex(8),
    });
    if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        claims.extend(extra.clone());
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("jsonwebtoken")
}

/// Posts `token` to Special:JWTLogin as an identity provider's form does;
/// the redirect of a login is not followed.
pub fn jwt_login(wiki: &Wiki, token: &str) -> HttpResponse {
    post_form(
        &wiki.client_no_redirects(),
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("returnto", "Main_Page"),
        ],
    )
}

/// An ApiKey allowed only some modules is refused `action=parse`.
pub fn assert_api_key_may_not_parse(wiki: &Wiki, secret: &str) {
    let denied = wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=parse&text=x&contentmodel=wikitext",
    );
    assert_eq!(
        api_error(&denied),
        "tokenauthenticator-error-module-denied",
        "{denied}"
    );
}

/// The value of the form field `name` in an HTML page (attributes in any
/// order), entities decoded.
pub fn form_field(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let start = page[..at].rfind('<')?;
    let end = at + page[at..].find('>')?;
    let tag = &page[start..end];
    let v = tag.find("value=\"")? + 7;
    let value = &tag[v..v + tag[v..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#039;", "'")
            .replace("&amp;", "&"),
    )
}

/// Standard base64 (with or without padding) decoded by coreutils' `base64`,
/// independent of the code under test.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("printf '%s' \"$0\" | base64 -d")
        .arg(s)
        .output()
        .expect("base64");
    assert!(out.status.success(), "not base64: {s}");
    out.stdout
}

/// HMAC-SHA256 and SHA-256 from the openssl command, independent of the
/// crates the extension uses.
pub fn openssl_dgst(args: &[&str], data: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .arg("dgst")
        .arg("-sha256")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.rsplit("= ").next().unwrap().trim().to_string()
}

/// Hex SHA-256 of `data`, from openssl.
pub fn sha256_hex(data: &[u8]) -> String {
    openssl_dgst(&[], data)
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// A TLS-terminating reverse proxy (Debian's nginx) in front of a wiki

/// nginx on a free port of 127.0.0.1 terminating TLS with a self-signed
/// certificate for `localhost`, passing to a wiki's server from another
/// loopback address (`upstream_from`, e.g. 127.0.0.2) with `X-Forwarded-For`
/// and `X-Forwarded-Proto: https`: the wiki lists that address in
/// `$wgCdnServers`, and a direct client (127.0.0.1) is told apart from the
/// proxy. Stopped (process group) and deleted on drop.
pub struct TlsProxy {
    port: u16,
    cert: PathBuf,
    child: Option<Child>,
    watchdog: Option<Child>,
    dir: TempDir,
}

impl TlsProxy {
    pub fn start(upstream_port: u16, upstream_from: &str) -> TlsProxy {
        let dir = TempDir::new("mws-ta-tls");
        let cert = dir.path().join("localhost.pem");
        let key = dir.path().join("localhost.key");
        let out = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdin(Stdio::null())
            .output()
            .expect("openssl");
        check_output("openssl req", &out);
        let port = free_port();
        let d = dir.path().display();
        let conf = format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\ndaemon off;\nuser root root;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/client_body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name localhost;\n\
             ssl_certificate {cert};\n    ssl_certificate_key {key};\n\
             location / {{\n      proxy_pass http://127.0.0.1:{upstream_port};\n      proxy_bind {upstream_from};\n\
             proxy_set_header Host $http_host;\n      proxy_set_header X-Forwarded-For $remote_addr;\n\
             proxy_set_header X-Forwarded-Proto https;\n      proxy_pass_request_headers on;\n    }}\n  }}\n}}\n",
            cert = cert.display(),
            key = key.display(),
        );
        let conf_path = dir.path().join("nginx.conf");
        fs::write(&conf_path, conf).expect("write nginx.conf");
        let nginx = ["/usr/sbin/nginx", "nginx"]
            .into_iter()
            .find(|n| Path::new(n).is_file())
            .unwrap_or("nginx");
        let child = Command::new(nginx)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("nginx (Debian package nginx)");
        let watchdog = watchdog(child.id(), dir.path());
        let mut proxy = TlsProxy {
            port,
            cert,
            child: Some(child),
            watchdog: Some(watchdog),
            dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(Ok(Some(status))) = proxy.child.as_mut().map(|c| c.try_wait()) {
                panic!(
                    "nginx exited ({status}): {}",
                    fs::read_to_string(proxy.dir.path().join("error.log")).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
        proxy
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The certificate, for `CURL_CA_BUNDLE` or `curl --cacert`.
    pub fn cert(&self) -> &Path {
        &self.cert
    }

    /// `https://localhost:PORT` (no trailing slash).
    pub fn base(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        stop_with_watchdog(&mut self.child, &mut self.watchdog);
    }
}

// ---------------------------------------------------------------------------
// Cache servers for $mwsgTokenAuthenticatorTokenStore

/// A token store the extension can use, as its tests name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// The default: the wiki's database.
    Database,
    /// `$wgMainStash` (SqlBagOStuff on the wiki's database here).
    Stash,
    /// Debian's redis-server, through php-redis (RedisBagOStuff).
    Redis,
    /// Debian's memcached, through php-memcached (MemcachedPeclBagOStuff).
    Memcached,
}

impl Store {
    pub const ALL: [Store; 4] = [
        Store::Database,
        Store::Stash,
        Store::Redis,
        Store::Memcached,
    ];

    /// The value of `$mwsgTokenAuthenticatorTokenStore` for this store.
    pub fn setting_value(self) -> &'static str {
        match self {
            Store::Database => "database",
            Store::Stash => "stash",
            Store::Redis => "ta-redis",
            Store::Memcached => "ta-memcached",
        }
    }
}

/// A Redis or memcached server on a free port of 127.0.0.1, in its own
/// process group, killed on drop (and by the watchdog should the test die).
/// Redis runs without persistence, as the README says token stores should:
/// a restart forgets every token, like memcached's.
pub struct CacheServer {
    store: Store,
    port: u16,
    child: Option<Child>,
    watchdog: Option<Child>,
    dir: TempDir,
}

impl CacheServer {
    pub fn start(store: Store) -> CacheServer {
        assert!(
            matches!(store, Store::Redis | Store::Memcached),
            "no server for {store:?}"
        );
        let mut server = CacheServer {
            store,
            port: free_port(),
            child: None,
            watchdog: None,
            dir: TempDir::new("mws-ta-cache"),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let port = self.port.to_string();
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("server.log"))
            .expect("open the cache server's log");
        let mut cmd = match self.store {
            Store::Redis => {
                let mut c = Command::new("/usr/bin/redis-server");
                c.args([
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    &port,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(["--daemonize", "no", "--protected-mode", "yes", "--dir"])
                .arg(self.dir.path());
                c
            }
            _ => {
                let mut c = Command::new("/usr/bin/memcached");
                c.args([
                    "-l",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "0",
                    "-m",
                    "64",
                    "-u",
                    "root",
                ]);
                c
            }
        };
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("dup log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {:?} (Debian packages redis-server, memcached): {e}",
                    self.store
                )
            });
        self.watchdog = Some(watchdog(child.id(), self.dir.path()));
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("{:?} exited ({status}): {}", self.store, self.log());
            }
            assert!(Instant::now() < deadline, "{:?} did not start", self.store);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Kills the server with SIGKILL (its whole process group), as a crash.
    pub fn kill(&mut self) {
        stop_with_watchdog(&mut self.child, &mut self.watchdog);
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// LocalSettings.php lines that make this server the wiki's token store.
    pub fn settings(&self) -> String {
        let name = self.store.setting_value();
        let entry = match self.store {
            Store::Redis => format!(
                "[ 'class' => 'RedisBagOStuff', 'servers' => [ '127.0.0.1:{}' ], 'persistent' => false, \
                 'automaticFailover' => false, 'connectTimeout' => 0.5 ]",
                self.port
            ),
            _ => format!(
                "[ 'class' => 'MemcachedPeclBagOStuff', 'servers' => [ '127.0.0.1:{}' ], 'persistent' => false, \
                 'connect_timeout' => 0.5, 'timeout' => 500000, 'retry_timeout' => 1 ]",
                self.port
            ),
        };
        format!(
            "$wgObjectCaches['{name}'] = {entry};\n$mwsgTokenAuthenticatorTokenStore = '{name}';"
        )
    }

    /// Every key and value the server holds, as text (for "no token is
    /// stored" checks): Redis through redis-cli, memcached through its
    /// metadump and gets.
    pub fn dump(&self) -> String {
        match self.store {
            Store::Redis => {
                let cli = |args: &[&str]| {
                    let out = Command::new("/usr/bin/redis-cli")
                        .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                        .args(args)
                        .stdin(Stdio::null())
                        .output()
                        .expect("redis-cli (Debian package redis-tools)");
                    String::from_utf8_lossy(&out.stdout).into_owned()
                };
                let keys = cli(&["--scan"]);
                let mut all = keys.clone();
                for key in keys.lines().filter(|k| !k.is_empty()) {
                    all.push_str(&cli(&["--no-raw", "GET", key]));
                }
                all
            }
            _ => {
                let ask = |command: &str| -> String {
                    let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("memcached");
                    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
                    s.write_all(command.as_bytes()).expect("write to memcached");
                    let mut out = Vec::new();
                    let mut buf = [0u8; 65536];
                    loop {
                        let n = s.read(&mut buf).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        out.extend_from_slice(&buf[..n]);
                        if out.ends_with(b"END\r\n") || out.ends_with(b"ERROR\r\n") {
                            break;
                        }
                    }
                    String::from_utf8_lossy(&out).into_owned()
                };
                let meta = ask("lru_crawler metadump all\r\n");
                let mut all = meta.clone();
                for line in meta.lines() {
                    if let Some(key) = line.strip_prefix("key=").and_then(|l| l.split(' ').next()) {
                        // Keys come URL-encoded; ours have no characters that need it.
                        all.push_str(&ask(&format!("get {key}\r\n")));
                    }
                }
                all
            }
        }
    }
}

impl Drop for CacheServer {
    fn drop(&mut self) {
        self.kill();
    }
}
