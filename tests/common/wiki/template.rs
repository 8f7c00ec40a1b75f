//! Template: a core-only installation made once and copied for every wiki.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::common::paths::{wiki_script, MW_DIR};
use crate::common::process::check_output;
use crate::common::tempdir::unique_name;

/// Bump when the template's content changes.
const TEMPLATE_VERSION: u32 = 3;

pub(super) struct Template {
    dir: PathBuf,
    pub(super) admin_password: String,
}

impl Template {
    pub(super) fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub(super) fn installer_settings(&self) -> PathBuf {
        self.dir.join("LocalSettings.installer.php")
    }
}

pub(super) fn template() -> &'static Template {
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
