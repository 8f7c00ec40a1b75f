//! The README's configuration reference and extension.json's `config`
//! descriptions say the same, for every setting.

use serde_json::Value;
use std::fs;

#[test]
fn readme_documents_every_setting_as_extension_json_does() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(format!("{root}/mediawiki-extension/extension.json")).unwrap(),
    )
    .unwrap();
    let readme = fs::read_to_string(format!("{root}/README.md")).unwrap();
    let config = manifest["config"].as_object().unwrap();
    assert!(config.len() > 20, "extension.json has its settings");
    for (name, setting) in config {
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
}
