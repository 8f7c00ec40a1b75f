//! The documentation says what the code says, and holds together:
//!
//! - the configuration reference (docs/configuration.md) has a row for every
//!   setting of `Settings::DEFAULTS`, with its default and its description
//!   word for word, and no row for a setting that is not there;
//! - every `$mwsg…` name in README.md and docs/ is a setting;
//! - every relative link and `#anchor` in README.md, docs/, BENCHMARKS.md and
//!   RELIABILITY.md resolves (images included).

use serde_json::{Map, Value};
use std::{
    collections::{HashMap, HashSet},
    fs,
    path::{Path, PathBuf},
    process::Command,
};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Where the settings are documented, as rows "| `$mwsgName` | default | description |".
const REFERENCE: &str = "docs/configuration.md";

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Files under `dir` (recursively) named `name`.
fn find_files(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            find_files(&path, name, found);
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
}

/// `Settings::DEFAULTS`, as PHP reads it. The class is looked up rather than
/// named, so that moving it between folders and namespaces of includes/
/// does not break this test.
fn settings() -> Map<String, Value> {
    let mut files = Vec::new();
    find_files(
        &Path::new(ROOT).join("mediawiki-extension/includes"),
        "Settings.php",
        &mut files,
    );
    files.retain(|f| read(f).contains("const DEFAULTS"));
    assert_eq!(files.len(), 1, "one Settings.php with DEFAULTS: {files:?}");
    let file = &files[0];
    let namespace = read(file)
        .lines()
        .find_map(|l| {
            l.strip_prefix("namespace ")?
                .strip_suffix(';')
                .map(str::to_owned)
        })
        .expect("Settings.php declares its namespace");
    let out = Command::new("php")
        .args([
            "-r",
            "require $argv[1]; echo json_encode( constant( $argv[2] . '\\Settings::DEFAULTS' ), JSON_THROW_ON_ERROR );",
        ])
        .arg(file)
        .arg(&namespace)
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

/// A default as `LocalSettings.php` would write it: `null`, `30`, `'database'`, `['sysop']`.
fn php_literal(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{s}'"),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(php_literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) if map.is_empty() => "[]".into(),
        Value::Object(_) => panic!("no setting defaults to an associative array: {value}"),
    }
}

/// README.md and docs/*.md: the pages that document the extension.
fn doc_pages() -> Vec<PathBuf> {
    let mut pages = vec![Path::new(ROOT).join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

#[test]
fn the_configuration_reference_documents_every_setting_as_the_code_does() {
    let reference = read(&Path::new(ROOT).join(REFERENCE));
    let config = settings();
    assert!(config.len() > 20, "Settings::DEFAULTS has the settings");
    for (name, setting) in &config {
        let prefix = format!("| `$mwsg{name}` |");
        let row = reference
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{REFERENCE} has no row for $mwsg{name}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        let default = format!("`{}`", php_literal(&setting["value"]));
        assert!(
            cells[1].starts_with(&default),
            "$mwsg{name}: {REFERENCE} gives the default {}, Settings::DEFAULTS {default}",
            cells[1]
        );
        let described = cells[2].trim_end_matches(" |").replace('`', "");
        assert_eq!(
            described,
            setting["description"].as_str().unwrap(),
            "$mwsg{name}: {REFERENCE} and Settings::DEFAULTS differ"
        );
    }
    for row in reference.lines().filter(|l| l.starts_with("| `$mwsg")) {
        let name = row["| `$mwsg".len()..].split('`').next().unwrap();
        assert!(
            config.contains_key(name),
            "{REFERENCE} documents $mwsg{name}, which Settings::DEFAULTS does not have"
        );
    }
}

#[test]
fn every_setting_the_documentation_names_exists() {
    let config = settings();
    for page in doc_pages() {
        let text = read(&page);
        for (at, _) in text.match_indices("$mwsg") {
            let rest = &text[at + "$mwsg".len()..];
            let name: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            // "$mwsgTokenAuthenticatorJWT…" stands for the settings it begins.
            let known = if rest[name.len()..].starts_with('…') {
                config.keys().any(|k| k.starts_with(&name))
            } else {
                config.contains_key(&name)
            };
            assert!(
                known,
                "{} names $mwsg{name}, which Settings::DEFAULTS does not have",
                page.display()
            );
        }
    }
}

/// Lines outside fenced code blocks: where headings and links are. Headings
/// keep their code spans (their text is part of the anchor); other lines
/// lose them, so that code is never read as a link.
fn prose(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            lines.push(line.to_owned());
        } else if !fenced {
            let outside_code = line.split('`').step_by(2);
            lines.push(outside_code.collect::<Vec<_>>().join("code"));
        }
    }
    lines
}

/// The anchors GitHub gives a page's headings: lower case, spaces to
/// hyphens, other punctuation dropped, "-1", "-2" for repeats.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut anchors = HashSet::new();
    for line in prose(text) {
        let Some(title) = line
            .strip_prefix('#')
            .map(|l| l.trim_start_matches('#'))
            .and_then(|l| l.strip_prefix(' '))
        else {
            continue;
        };
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                '-' | '_' => Some(c),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        anchors.insert(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    anchors
}

/// The targets of the page's inline links and images: `](target)`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose(text) {
        for (at, _) in line.match_indices("](") {
            let rest = &line[at + 2..];
            let end = rest.find([')', ' ']).unwrap_or(rest.len());
            targets.push(rest[..end].to_owned());
        }
    }
    targets
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut pages = doc_pages();
    pages.push(Path::new(ROOT).join("BENCHMARKS.md"));
    pages.push(Path::new(ROOT).join("RELIABILITY.md"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = read(page);
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            if !file.exists() {
                broken.push(format!("{}: {target}: no such file", page.display()));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_markdown = file.extension().is_some_and(|e| e == "md");
                if !is_markdown || !anchors(&read(&file)).contains(anchor) {
                    broken.push(format!("{}: {target}: no such anchor", page.display()));
                }
            }
        }
    }
    assert!(checked > 50, "the pages have links ({checked} checked)");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn anchors_are_github_s() {
    let page = "# Title\n\n## Keys: `Authorization: ApiKey <secret>`\n\n```sh\n# not a heading\n```\n\n### 1. The package (Debian's)\n\n## Notes\n\n## Notes\n";
    let expected: HashSet<String> = [
        "title",
        "keys-authorization-apikey-secret",
        "1-the-package-debians",
        "notes",
        "notes-1",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(anchors(page), expected);
}
