//! [`WikiBuilder`]: a wiki's options, and its installation.

use std::fs;
use std::time::Instant;

use serde_json::Value;

use super::template::template;
use super::Wiki;
use crate::common::encoding::random_hex;
use crate::common::paths::{extension_dir, wiki_script};
use crate::common::php::{mw_command, write_native_ini};
use crate::common::postgres::PostgresServer;
use crate::common::process::{check_output, free_port};
use crate::common::tempdir::{copy_tree, TempDir};

type ManifestPatch = Box<dyn FnOnce(&mut Value)>;

/// Options of a [`Wiki`]; see [`Wiki::builder`].
pub struct WikiBuilder {
    settings: Vec<String>,
    native: bool,
    load_extension: bool,
    manifest_patch: Option<ManifestPatch>,
    script_path: String,
    /// The server's port and superuser password.
    postgres: Option<(u16, String)>,
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

    /// A wiki on a database of its own on `server`, installed by MediaWiki's
    /// install.php (`--dbtype postgres`, core only), rather than a copy of
    /// the SQLite template; the extension's tables then come from update.php
    /// alone, as on a wiki that adds the extension.
    pub fn postgres(mut self, server: &PostgresServer) -> Self {
        self.postgres = Some((server.port(), server.superuser_password().to_string()));
        self
    }

    /// Installs the wiki, runs update.php and starts the server.
    pub fn start(self) -> Wiki {
        let started = Instant::now();
        let dir = TempDir::new("mws-ta-wiki");
        let root = dir.path().to_path_buf();
        let installer_settings = root.join("LocalSettings.installer.php");
        let (admin_password, postgres_database) = match &self.postgres {
            None => {
                let template = template();
                copy_tree(&template.data_dir(), &root.join("data"), &[]);
                // It names its SQLite directory as __DIR__/data: the copy's own.
                fs::copy(template.installer_settings(), &installer_settings)
                    .expect("copy LocalSettings.installer.php");
                (template.admin_password.clone(), None)
            }
            Some((port, superuser_password)) => {
                let name = format!("tawiki_{}", random_hex(4));
                let out = mw_command(wiki_script(), None, None)
                    .arg("install")
                    .arg(&root)
                    .args(["--server", "http://127.0.0.1", "--postgres"])
                    .arg(format!("127.0.0.1:{port}"))
                    .args([&name, &name, &random_hex(16), superuser_password])
                    .output()
                    .expect("cannot run scripts/wiki.sh");
                check_output("wiki.sh install --postgres", &out);
                let password = fs::read_to_string(root.join("admin-password"))
                    .expect("admin-password")
                    .trim()
                    .to_string();
                (password, Some(name))
            }
        };

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
            admin_password,
            postgres_database,
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

impl Wiki {
    pub fn builder() -> WikiBuilder {
        WikiBuilder {
            settings: Vec::new(),
            native: true,
            load_extension: true,
            manifest_patch: None,
            script_path: String::new(),
            postgres: None,
        }
    }

    /// A wiki with default options.
    pub fn start() -> Wiki {
        Wiki::builder().start()
    }
}
