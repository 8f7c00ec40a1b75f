//! The README's configuration reference and the settings' descriptions in
//! `Settings::DEFAULTS` (mediawiki-extension/includes/Settings.php) say the
//! same, for every setting, and the README documents no setting that is not
//! there.

use serde_json::{Map, Value};
use std::{fs, process::Command};

/// `Settings::DEFAULTS`, as PHP reads it.
fn settings(root: &str) -> Map<String, Value> {
    let file = format!("{root}/mediawiki-extension/includes/Settings.php");
    let out = Command::new("php")
        .args(["-r", "require $argv[1]; echo json_encode( MediaWiki\\Extension\\TokenAuthenticator\\Settings::DEFAULTS, JSON_THROW_ON_ERROR );", &file])
        .output()
        .expect("php runs");
    assert!(
        out.status.success(),
        "php: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout).unwrap() {
        Value::Object(map) => map,
        other => panic!("Settings::DEFAULTS is not a map: {other}"),
    }
}

#[test]
fn readme_documents_every_setting_as_the_code_does() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = fs::read_to_string(format!("{root}/README.md")).unwrap();
    let config = settings(root);
    assert!(config.len() > 20, "Settings::DEFAULTS has the settings");
    for (name, setting) in &config {
        let prefix = format!("| `$mwsg{name}` |");
        let row = readme
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("README has no row for $mwsg{name}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        let described = cells[2].trim_end_matches(" |").replace('`', "");
        assert_eq!(
            described,
            setting["description"].as_str().unwrap(),
            "$mwsg{name}"
        );
    }
    for row in readme.lines().filter(|l| l.starts_with("| `$mwsg")) {
        let name = row["| `$mwsg".len()..].split('`').next().unwrap();
        assert!(
            config.contains_key(name),
            "README documents $mwsg{name}, which Settings::DEFAULTS does not have"
        );
    }
}
