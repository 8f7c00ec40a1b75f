//! The per-database SQL files of `mediawiki-extension/sql/{mysql,sqlite,postgres}/`
//! agree with the abstract schema, `sql/tables.json`.
//!
//! - `sql_files_are_what_mediawiki_generates`: MediaWiki's own
//!   `maintenance/generateSchemaSql.php` (and `generateSchemaChangeSql.php`
//!   for `patch-<column>.sql`) must produce every file, statement for
//!   statement (header comments and whitespace aside). One file per group of
//!   tables, as `SchemaHooks` loads them: each file is generated from the
//!   tables.json entries of the tables it creates.
//! - `sql_files_match_tables_json`: the same agreement checked without
//!   MediaWiki (tables, columns with their types, nullability and defaults,
//!   primary keys, indexes), so that it also holds where the generator cannot
//!   run: the MediaWiki 1.43 lane (Debian 13 has doctrine/dbal 4, which
//!   1.43's generator cannot use, and no doctrine/sql-formatter).
//!
//! After changing tables.json, rewrite the files with MediaWiki 1.39's generator:
//! `MWS_TA_BLESS_SQL=1 cargo test --test schema_sql`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

const DIALECTS: [&str; 3] = ["mysql", "sqlite", "postgres"];

fn sql_dir() -> PathBuf {
    extension_dir().join("sql")
}

fn tables_json() -> Vec<Value> {
    let path = sql_dir().join("tables.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Array(tables)) => tables,
        other => panic!("{} is not a JSON list of tables: {other:?}", path.display()),
    }
}

fn name_of(v: &Value) -> &str {
    v["name"].as_str().expect("a name")
}

/// SQL without `--` comment lines, as statements with whitespace collapsed.
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .map(|l| format!("{l}\n"))
        .collect();
    code.split(';')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

fn strip_prefix_marker(name: &str) -> &str {
    name.strip_prefix("/*_*/").unwrap_or(name)
}

/// The `.sql` files of one dialect, by file name.
fn sql_files(dialect: &str) -> BTreeMap<String, String> {
    let dir = sql_dir().join(dialect);
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("read_dir").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".sql") {
            files.insert(name, fs::read_to_string(&path).expect("read sql"));
        }
    }
    files
}

/// A file that adds one column to an existing table (`patch-<column>.sql`).
fn patched_column(file: &str) -> Option<&str> {
    file.strip_prefix("patch-")?.strip_suffix(".sql")
}

/// The table of tables.json that has `column`.
fn table_with_column<'a>(tables: &'a [Value], column: &str) -> &'a Value {
    let owners: Vec<&Value> = tables
        .iter()
        .filter(|t| {
            t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| name_of(c) == column)
        })
        .collect();
    assert_eq!(
        owners.len(),
        1,
        "patch-{column}.sql: no single table of tables.json has the column {column}"
    );
    owners[0]
}

/// Which tables each CREATE file makes, checked to be the same in every
/// dialect, every table of tables.json made exactly once, and every file
/// loaded by the extension's schema hook.
fn layout(tables: &[Value]) -> BTreeMap<String, Vec<String>> {
    let mut layouts = Vec::new();
    for dialect in DIALECTS {
        let mut layout = BTreeMap::new();
        for (file, sql) in sql_files(dialect) {
            if patched_column(&file).is_some() {
                layout.insert(file, Vec::new());
                continue;
            }
            let created: Vec<String> = statements(&sql)
                .iter()
                .filter_map(|s| s.strip_prefix("CREATE TABLE "))
                .map(|rest| strip_prefix_marker(rest.split([' ', '(']).next().unwrap()).to_string())
                .collect();
            layout.insert(file, created);
        }
        layouts.push((dialect, layout));
    }
    let (_, first) = &layouts[0];
    for (dialect, layout) in &layouts[1..] {
        assert_eq!(
            layout, first,
            "sql/{dialect}/ has other files or tables than sql/mysql/"
        );
    }
    let mut made: Vec<&String> = first.values().flatten().collect();
    made.sort();
    let mut wanted: Vec<&str> = tables.iter().map(name_of).collect();
    wanted.sort();
    assert_eq!(
        made, wanted,
        "the SQL files must create each table of tables.json exactly once"
    );

    // SchemaHooks names each file; a file it does not load is a table no wiki gets.
    let mut php = String::new();
    collect_php(&extension_dir().join("includes"), &mut php);
    for file in first.keys() {
        assert!(
            php.contains(&format!("/{file}\"")),
            "no PHP file under mediawiki-extension/includes/ loads {file}"
        );
    }
    first.clone()
}

fn collect_php(dir: &Path, into: &mut String) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("read_dir").path();
        if path.is_dir() {
            collect_php(&path, into);
        } else if path.extension().is_some_and(|e| e == "php") {
            into.push_str(&fs::read_to_string(&path).expect("read php"));
        }
    }
}

// ---------------------------------------------------------------------------
// With MediaWiki's generator

/// MediaWiki's version, from Defines.php.
fn mw_version() -> String {
    let defines =
        fs::read_to_string(format!("{MW_DIR}/includes/Defines.php")).expect("Defines.php");
    let at = defines.find("'MW_VERSION', '").expect("MW_VERSION") + 15;
    defines[at..at + defines[at..].find('\'').unwrap()].to_string()
}

/// Loaded before the maintenance scripts (auto_prepend_file).
const PREPEND: &str = r#"<?php
namespace MediaWiki\DB;

// Debian's php-doctrine-dbal and php-sql-formatter, which MediaWiki's vendor/ lacks.
foreach ( [ 'DBAL', 'SqlFormatter' ] as $lib ) {
	if ( is_file( "/usr/share/php/Doctrine/$lib/autoload.php" ) ) {
		require_once "/usr/share/php/Doctrine/$lib/autoload.php";
	}
}

// Debian ships no docs/abstract-schema*.schema.json to validate against; the
// scripts still parse the JSON (and fail on invalid JSON) themselves.
class AbstractSchemaValidator {
	public function __construct( callable $missingDepCallback ) {
	}

	public function validate( string $path ): bool {
		return true;
	}
}
"#;

/// Whether the generator has what it needs: doctrine/dbal 3 (`Schema::toSql`,
/// gone in 4) and doctrine/sql-formatter.
const PROBE: &str = r#"<?php
echo class_exists( Doctrine\DBAL\Schema\Schema::class ) && method_exists( Doctrine\DBAL\Schema\Schema::class, 'toSql' )
	&& class_exists( Doctrine\SqlFormatter\SqlFormatter::class ) ? 'yes' : 'no';
"#;

struct Generator {
    dir: TempDir,
}

impl Generator {
    fn new() -> Generator {
        let dir = TempDir::new("mws-ta-schema");
        fs::write(dir.path().join("prepend.php"), PREPEND).unwrap();
        fs::write(dir.path().join("probe.php"), PROBE).unwrap();
        // Maintenance scripts want a LocalSettings.php; the generators use no database.
        fs::write(
            dir.path().join("LocalSettings.php"),
            "<?php\n$wgServer = 'http://localhost';\n",
        )
        .unwrap();
        Generator { dir }
    }

    fn php(&self) -> Command {
        let mut cmd = Command::new("php");
        cmd.arg("-d")
            .arg(format!(
                "auto_prepend_file={}",
                self.dir.path().join("prepend.php").display()
            ))
            .env_remove("MW_CONFIG_FILE")
            .env_remove("MW_INSTALL_PATH")
            .env_remove("PHP_INI_SCAN_DIR")
            .stdin(Stdio::null());
        cmd
    }

    fn available(&self) -> bool {
        let out = self
            .php()
            .arg(self.dir.path().join("probe.php"))
            .output()
            .expect("php");
        out.stdout == b"yes"
    }

    /// Runs `maintenance/<script>` on `json`; returns the SQL it wrote.
    fn run(&self, script: &str, dialect: &str, json: &Value) -> String {
        let input = self.dir.path().join("input.json");
        let output = self.dir.path().join("output.sql");
        fs::write(&input, serde_json::to_string_pretty(json).unwrap()).unwrap();
        let _ = fs::remove_file(&output);
        let out = self
            .php()
            .arg(format!("{MW_DIR}/maintenance/{script}"))
            .arg("--conf")
            .arg(self.dir.path().join("LocalSettings.php"))
            .arg("--json")
            .arg(&input)
            .arg("--sql")
            .arg(&output)
            .args(["--type", dialect])
            .output()
            .expect("php");
        let sql = fs::read_to_string(&output).unwrap_or_default();
        assert!(
            out.status.success() && !sql.is_empty(),
            "{script} --type {dialect} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        sql
    }
}

/// Header of a file written by bless mode, in place of the generator's
/// (which names a temporary JSON file).
fn header(file: &str, tables: &[String]) -> String {
    let what = match patched_column(file) {
        Some(column) => format!(
            "by maintenance/generateSchemaChangeSql.php: adds {column} as sql/tables.json\n\
             -- defines it, to wikis installed before it (update.php runs it)"
        ),
        None => format!(
            "by maintenance/generateSchemaSql.php from sql/tables.json\n-- (tables {})",
            tables.join(", ")
        ),
    };
    format!(
        "-- Generated {what}.\n\
         -- Do not edit: change sql/tables.json, then run\n\
         -- MWS_TA_BLESS_SQL=1 cargo test --test schema_sql\n"
    )
}

#[test]
fn sql_files_are_what_mediawiki_generates() {
    let tables = tables_json();
    let layout = layout(&tables);
    let generator = Generator::new();
    if !generator.available() {
        let version = mw_version();
        // Debian 12 has what MediaWiki 1.39's generator needs (its output is
        // then byte for byte that of core's own tables-generated.sql files).
        assert!(
            !version.starts_with("1.39."),
            "MediaWiki {version}'s generateSchemaSql.php needs doctrine/dbal 3 and \
             doctrine/sql-formatter: apt-get install php-doctrine-dbal php-sql-formatter"
        );
        eprintln!(
            "MediaWiki {version}: no doctrine/dbal 3 with doctrine/sql-formatter here, so \
             not compared with generateSchemaSql.php (sql_files_match_tables_json still checks)"
        );
        return;
    }
    let bless = std::env::var_os("MWS_TA_BLESS_SQL").is_some_and(|v| !v.is_empty() && v != "0");

    let mut differences = Vec::new();
    for dialect in DIALECTS {
        for (file, committed) in sql_files(dialect) {
            let generated = match patched_column(&file) {
                Some(column) => {
                    let after = table_with_column(&tables, column).clone();
                    let mut before = after.clone();
                    before["columns"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|c| name_of(c) != column);
                    let change = serde_json::json!({
                        "comment": format!("Add {column}"), "before": before, "after": after,
                    });
                    generator.run("generateSchemaChangeSql.php", dialect, &change)
                }
                None => {
                    let names = &layout[&file];
                    let subset: Vec<Value> = tables
                        .iter()
                        .filter(|t| names.iter().any(|n| n == name_of(t)))
                        .cloned()
                        .collect();
                    generator.run("generateSchemaSql.php", dialect, &Value::Array(subset))
                }
            };
            let path = sql_dir().join(dialect).join(&file);
            if bless {
                let body: String = generated
                    .lines()
                    .filter(|l| !l.starts_with("--"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                fs::write(&path, header(&file, &layout[&file]) + &body).unwrap();
                eprintln!("wrote {}", path.display());
                continue;
            }
            let (want, have) = (statements(&generated), statements(&committed));
            if want != have {
                let extra: Vec<&String> = have.iter().filter(|s| !want.contains(s)).collect();
                let missing: Vec<&String> = want.iter().filter(|s| !have.contains(s)).collect();
                differences.push(format!(
                    "sql/{dialect}/{file}:\n  committed, not generated: {extra:#?}\n  \
                     generated, not committed: {missing:#?}\n  (generated:\n{generated})"
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "SQL files differ from MediaWiki {}'s generator on sql/tables.json \
         (rewrite them: MWS_TA_BLESS_SQL=1 cargo test --test schema_sql):\n{}",
        mw_version(),
        differences.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Without MediaWiki: tables.json against the SQL files, column by column

#[derive(Debug, Default, PartialEq)]
struct Table {
    /// Name and definition (type, default, NOT NULL), in order.
    columns: Vec<(String, String)>,
    primary_key: Vec<String>,
    /// Name, unique, columns; sorted.
    indexes: Vec<(String, bool, Vec<String>)>,
}

/// A column's definition as MediaWiki's generator writes it (its Doctrine
/// types and MediaWiki's own mwtinyint, mwtimestamp), for the types this
/// extension uses; another type fails the test until it is taught here.
fn column_sql(dialect: &str, column: &Value) -> String {
    let name = name_of(column);
    let kind = column["type"].as_str().expect("type");
    let o = &column["options"];
    let flag = |key: &str| o[key].as_bool().unwrap_or(false);
    let notnull = o["notnull"].as_bool().unwrap_or(true);
    let length = o["length"].as_u64();
    let unsigned = if flag("unsigned") { " UNSIGNED" } else { "" };
    let autoincrement = flag("autoincrement");
    let sql_type = match (dialect, kind) {
        ("mysql", "integer") => {
            format!(
                "INT{unsigned}{}",
                if autoincrement { " AUTO_INCREMENT" } else { "" }
            )
        }
        ("sqlite", "integer") if autoincrement => "INTEGER PRIMARY KEY AUTOINCREMENT".into(),
        ("sqlite", "integer") => format!("INTEGER{unsigned}"),
        ("postgres", "integer") if autoincrement => "SERIAL".into(),
        ("postgres", "integer") => "INT".into(),
        ("mysql", "mwtinyint") => match length {
            Some(n) => format!("TINYINT({n}){unsigned}"),
            None => format!("TINYINT{unsigned}"),
        },
        ("sqlite", "mwtinyint") => format!("SMALLINT{unsigned}"),
        ("postgres", "mwtinyint") => "SMALLINT".into(),
        ("mysql", "binary") => {
            let n = length.unwrap_or(255);
            if flag("fixed") {
                format!("BINARY({n})")
            } else {
                format!("VARBINARY({n})")
            }
        }
        ("mysql", "blob") => match length {
            Some(n) if n <= 255 => "TINYBLOB".into(),
            Some(n) if n <= 65535 => "BLOB".into(),
            Some(n) if n <= 16_777_215 => "MEDIUMBLOB".into(),
            _ => "LONGBLOB".into(),
        },
        ("sqlite", "binary" | "blob" | "mwtimestamp") => "BLOB".into(),
        ("postgres", "binary" | "blob") => "TEXT".into(),
        ("mysql", "mwtimestamp") if flag("allowInfinite") => "VARBINARY(14)".into(),
        ("mysql", "mwtimestamp") => "BINARY(14)".into(),
        ("postgres", "mwtimestamp") => "TIMESTAMPTZ".into(),
        _ => panic!("{name}: type {kind} on {dialect} is not known to tests/schema_sql.rs"),
    };
    let default = match &o["default"] {
        Value::Null if notnull => String::new(),
        Value::Null => " DEFAULT NULL".into(),
        Value::Number(n) => format!(" DEFAULT {n}"),
        Value::String(s) => format!(" DEFAULT '{}'", s.replace('\'', "''")),
        other => panic!("{name}: default {other} is not known to tests/schema_sql.rs"),
    };
    format!(
        "{sql_type}{default}{}",
        if notnull { " NOT NULL" } else { "" }
    )
}

fn expected_table(dialect: &str, table: &Value) -> Table {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let mut indexes: Vec<_> = table["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let unique = i["unique"].as_bool().expect("unique");
            (name_of(i).to_string(), unique, strings(&i["columns"]))
        })
        .collect();
    indexes.sort();
    Table {
        columns: table["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (name_of(c).to_string(), column_sql(dialect, c)))
            .collect(),
        primary_key: strings(&table["pk"]),
        indexes,
    }
}

/// `(a, b)` at the start of `s` → ["a", "b"] and the rest after `)`.
fn paren_list(s: &str) -> (Vec<String>, &str) {
    let s = s.trim_start();
    let inner = s
        .strip_prefix('(')
        .unwrap_or_else(|| panic!("( expected: {s}"));
    let end = inner.find(')').unwrap_or_else(|| panic!(") expected: {s}"));
    let list = inner[..end]
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    (list, &inner[end + 1..])
}

/// Splits at the commas outside parentheses.
fn top_level_items(body: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, ch) in body.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(body[start..].trim());
    items
}

/// Table, column and definition of a patch's `ALTER TABLE ... ADD`.
type AddedColumn = (String, String, String);

/// The tables of one dialect's CREATE files, and the columns its patch files add.
fn parse_dialect(dialect: &str) -> (BTreeMap<String, Table>, Vec<AddedColumn>) {
    let (mut tables, mut added) = (BTreeMap::<String, Table>::new(), Vec::new());
    for (file, sql) in sql_files(dialect) {
        let mut created = Vec::new();
        for statement in statements(&sql) {
            let what = format!("sql/{dialect}/{file}: {statement}");
            if let Some(rest) = statement.strip_prefix("CREATE TABLE ") {
                let open = rest.find('(').expect("(");
                let close = rest.rfind(')').expect(")");
                let name = strip_prefix_marker(rest[..open].trim()).to_string();
                let options = rest[close + 1..].trim();
                let expected_options = if dialect == "mysql" {
                    "/*$wgDBTableOptions*/"
                } else {
                    ""
                };
                assert_eq!(options, expected_options, "{what}");
                let mut table = Table::default();
                for item in top_level_items(&rest[open + 1..close]) {
                    if let Some(cols) = item.strip_prefix("PRIMARY KEY") {
                        table.primary_key = paren_list(cols).0;
                    } else if let Some((unique, index)) = item
                        .strip_prefix("UNIQUE INDEX ")
                        .map(|i| (true, i))
                        .or_else(|| item.strip_prefix("INDEX ").map(|i| (false, i)))
                    {
                        let (index_name, cols) = index.split_once(' ').expect("index columns");
                        table
                            .indexes
                            .push((index_name.into(), unique, paren_list(cols).0));
                    } else {
                        let (column, def) = item.split_once(' ').expect("column definition");
                        if def.contains("PRIMARY KEY") {
                            table.primary_key = vec![column.to_string()];
                        }
                        table.columns.push((column.into(), def.into()));
                    }
                }
                created.push(name.clone());
                assert!(tables.insert(name, table).is_none(), "{what}: made twice");
            } else if let Some(rest) = statement
                .strip_prefix("CREATE UNIQUE INDEX ")
                .map(|r| (true, r))
                .or_else(|| statement.strip_prefix("CREATE INDEX ").map(|r| (false, r)))
            {
                let (unique, rest) = rest;
                let (index_name, rest) = rest.split_once(" ON ").expect("ON");
                let (table_name, cols) = rest.split_once(' ').expect("index columns");
                let table_name = strip_prefix_marker(table_name);
                // Indexes belong with their table's CREATE TABLE, as SchemaHooks runs them.
                assert!(
                    created.iter().any(|t| t == table_name),
                    "{what}: not after its table"
                );
                let table = tables.get_mut(table_name).unwrap();
                table
                    .indexes
                    .push((index_name.into(), unique, paren_list(cols).0));
            } else if let Some(rest) = statement.strip_prefix("ALTER TABLE ") {
                let (table_name, change) = rest.split_once(' ').expect("ALTER TABLE change");
                let change = change
                    .strip_prefix("ADD ")
                    .unwrap_or_else(|| panic!("{what}"));
                let change = change.strip_prefix("COLUMN ").unwrap_or(change);
                let (column, def) = change.split_once(' ').expect("column definition");
                added.push((
                    strip_prefix_marker(table_name).to_string(),
                    column.to_string(),
                    def.to_string(),
                ));
            } else {
                panic!("{what}: a statement tests/schema_sql.rs does not know");
            }
        }
    }
    for table in tables.values_mut() {
        table.indexes.sort();
    }
    (tables, added)
}

/// What differs, as "tables.json has ..., the SQL ...".
fn table_differences(want: &Table, have: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..want.columns.len().max(have.columns.len()) {
        let (w, h) = (want.columns.get(i), have.columns.get(i));
        if w != h {
            out.push(format!("column {}: tables.json {w:?}, SQL {h:?}", i + 1));
        }
    }
    if want.primary_key != have.primary_key {
        out.push(format!(
            "primary key: tables.json {:?}, SQL {:?}",
            want.primary_key, have.primary_key
        ));
    }
    if want.indexes != have.indexes {
        out.push(format!(
            "indexes (name, unique, columns): tables.json {:?}, SQL {:?}",
            want.indexes, have.indexes
        ));
    }
    out
}

#[test]
fn sql_files_match_tables_json() {
    let tables = tables_json();
    let layout = layout(&tables);
    let mut differences = Vec::new();
    for dialect in DIALECTS {
        let (have, added) = parse_dialect(dialect);
        for table in &tables {
            let name = name_of(table);
            let want = expected_table(dialect, table);
            match have.get(name) {
                Some(have) => differences.extend(
                    table_differences(&want, have)
                        .into_iter()
                        .map(|d| format!("{dialect} {name}: {d}")),
                ),
                None => differences.push(format!("{dialect} {name}: no CREATE TABLE")),
            }
        }
        let mut expected_added = Vec::new();
        for file in layout.keys() {
            if let Some(column) = patched_column(file) {
                let table = table_with_column(&tables, column);
                let def = table["columns"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| name_of(c) == column)
                    .map(|c| column_sql(dialect, c))
                    .unwrap();
                expected_added.push((name_of(table).to_string(), column.to_string(), def));
            }
        }
        if added != expected_added {
            differences.push(format!(
                "{dialect} patch-*.sql:\n  tables.json: {expected_added:?}\n  SQL files: {added:?}"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "sql/tables.json and the SQL files disagree:\n{}",
        differences.join("\n")
    );
}
