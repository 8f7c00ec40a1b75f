//! Paths of this repository and of Debian's MediaWiki.

use std::path::{Path, PathBuf};

/// Debian's MediaWiki installation.
pub const MW_DIR: &str = "/usr/share/mediawiki";

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
