//! TokenAuthenticator on PostgreSQL: a real PostgreSQL server (Debian's
//! `postgresql`, run by the test as the `postgres` user on a free port of
//! 127.0.0.1, its data in a temporary directory) and one wiki on it,
//! installed by install.php; update.php creates the extension's tables from
//! `mediawiki-extension/sql/postgres/`. Then user tokens (single use under
//! concurrency), service keys and app tokens, JWT links and personal keys
//! over HTTP, each checked in the database with psql too.
//!
//! The server and the wiki are shared by the tests of this file (installing
//! on PostgreSQL takes seconds); each test uses accounts of its own. They
//! are kept in a static, so the watchdogs stop them when the process ends.

mod common;
use common::*;

use std::sync::{Arc, Barrier, OnceLock, RwLock, RwLockReadGuard};

const SALT: &str = "postgres-e2e-salt-0123456789";
const JWT_KEY: &str = "postgres-jwt-secret-0123456789abcdef";
const JWT_ISSUER: &str = "https://idp.example.org";
const JWT_AUDIENCE: &str = "wiki-postgres";
const PASSWORD: &str = "postgres-e2e-password-1";

/// The extension's tables, as `sql/postgres/*.sql` create them.
const TABLES: [&str; 7] = [
    "mws_app_token",
    "mws_auth_token",
    "mws_jwt_link",
    "mws_personal_key",
    "mws_service_account",
    "mws_service_key",
    "mws_service_key_use",
];

/// Held for reading by every test, for writing by the one that takes a
/// column away to see update.php put it back.
static SCHEMA: RwLock<()> = RwLock::new(());

fn schema_as_is() -> RwLockReadGuard<'static, ()> {
    SCHEMA.read().unwrap_or_else(|e| e.into_inner())
}

struct Fixture {
    // First: the wiki goes before its database server.
    wiki: Wiki,
    pg: PostgresServer,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let pg = PostgresServer::start();
        let wiki = Wiki::builder()
            .postgres(&pg)
            .setting(format!("$mwsgTokenAuthenticatorSalt = {};", php_str(SALT)))
            // The concurrency test fails dozens of verifies on purpose.
            .setting("$wgRateLimits['tokenauthenticator-verify-fail']['ip'] = [ 1000, 60 ];")
            .setting(format!(
                "$mwsgTokenAuthenticatorJWTAlgorithm = 'HS256';\n\
                 $mwsgTokenAuthenticatorJWTKey = '{JWT_KEY}';\n\
                 $mwsgTokenAuthenticatorJWTIssuer = '{JWT_ISSUER}';\n\
                 $mwsgTokenAuthenticatorJWTAudience = '{JWT_AUDIENCE}';"
            ))
            .start();
        Fixture { wiki, pg }
    })
}

impl Fixture {
    /// Rows of `sql` in the wiki's database (MediaWiki's schema first on
    /// the search path), one a line, `|` between columns.
    fn sql(&self, sql: &str) -> String {
        let db = self.wiki.postgres_database().expect("a wiki on PostgreSQL");
        self.pg
            .query(db, &format!("SET search_path TO mediawiki; {sql}"))
            .trim()
            .to_string()
    }

    fn user_id(&self, name: &str) -> String {
        self.sql(&format!(
            "SELECT user_id FROM \"user\" WHERE user_name = '{}'",
            name.replace('\'', "''")
        ))
    }
}

/// Prints the servers' logs when the test fails: statics are never dropped,
/// so the wiki's own Drop does not.
struct LogsOnPanic(&'static Fixture);

impl Drop for LogsOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let f = self.0;
            let log = f.wiki.server_log();
            let lines: Vec<&str> = log.lines().collect();
            eprintln!(
                "--- wiki server log (last lines) ---\n{}\n--- MediaWiki error log ---\n{}\n--- PostgreSQL log ---\n{}",
                lines[lines.len().saturating_sub(40)..].join("\n"),
                f.wiki.mw_error_log(),
                f.pg.log()
            );
        }
    }
}

fn verify(wiki: &Wiki, token: &str) -> HttpResponse {
    post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/user-token/verify"),
        &serde_json::json!({ "token": token }),
    )
}

/// The tables update.php names as it creates them (one SQL file may create more).
const CREATED_TABLES: [&str; 5] = [
    "mws_auth_token",
    "mws_jwt_link",
    "mws_service_key",
    "mws_service_account",
    "mws_personal_key",
];

#[test]
fn update_php_creates_the_tables_and_a_second_run_changes_nothing() {
    let _alone = SCHEMA.write().unwrap_or_else(|e| e.into_inner());
    let f = fixture();
    let _logs = LogsOnPanic(f);
    let wiki = &f.wiki;
    // install.php made a core-only wiki; the first update.php, with the
    // extension loaded, is what created its tables.
    let first = std::fs::read_to_string(wiki.dir().join("update.log")).expect("update.log");
    for table in CREATED_TABLES {
        assert!(
            first.contains(&format!("Creating {table} table...done.")),
            "the first update.php did not create {table}:\n{first}"
        );
    }
    assert!(
        first.contains("...have mat_binding field in mws_auth_token table."),
        "{first}"
    );

    let tables = || {
        f.sql(
            "SELECT tablename || ':' || tableowner FROM pg_tables \
             WHERE schemaname = 'mediawiki' AND tablename LIKE 'mws\\_%' ORDER BY 1",
        )
    };
    let owner = wiki.postgres_database().unwrap();
    let expected: Vec<String> = TABLES.iter().map(|t| format!("{t}:{owner}")).collect();
    let before = tables();
    assert_eq!(
        before,
        expected.join("\n"),
        "the extension's tables, owned by the wiki's user"
    );
    assert_eq!(
        f.sql(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'mediawiki' \
             AND table_name = 'mws_auth_token' AND column_name = 'mat_expires'"
        ),
        "timestamp with time zone"
    );

    let out = wiki.maintenance("update.php", &["--quick"]);
    let second = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the second update.php failed:\n{second}"
    );
    for table in CREATED_TABLES {
        assert!(
            second.contains(&format!("...{table} table already exists.")),
            "{table}:\n{second}"
        );
    }
    assert!(!second.contains("Creating mws_"), "{second}");
    assert!(!second.contains("Adding mat_binding"), "{second}");
    assert_eq!(tables(), before);

    // A wiki from before mat_binding: update.php adds it with
    // sql/postgres/patch-mat_binding.sql.
    f.sql("ALTER TABLE mws_auth_token DROP COLUMN mat_binding");
    let out = wiki.maintenance("update.php", &["--quick"]);
    let third = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{third}");
    assert!(
        third.contains("Adding mat_binding field to table mws_auth_token...done."),
        "{third}"
    );
    assert_eq!(
        f.sql(
            "SELECT data_type || ':' || is_nullable FROM information_schema.columns \
             WHERE table_schema = 'mediawiki' AND table_name = 'mws_auth_token' AND column_name = 'mat_binding'"
        ),
        "text:YES"
    );
}

#[test]
fn user_tokens_are_verified_once_even_when_raced() {
    let _schema = schema_as_is();
    let f = fixture();
    let _logs = LogsOnPanic(f);
    let wiki: &'static Wiki = &f.wiki;
    wiki.create_user("Pg Alice", PASSWORD, &[]);
    let alice = wiki.login("Pg Alice", PASSWORD);

    let token = wiki.user_token(&alice);
    let hash = sha256_hex(token.as_bytes());
    let row = || {
        f.sql(&format!(
            "SELECT mat_kind || ':' || mat_user || ':' || mat_used || ':' || (mat_expires > now()) \
             FROM mws_auth_token WHERE mat_hash = '{hash}'"
        ))
    };
    let alice_id = f.user_id("Pg Alice");
    assert_eq!(
        row(),
        format!("user:{alice_id}:0:true"),
        "stored as its hash"
    );
    assert_eq!(
        f.sql(&format!(
            "SELECT count(*) FROM mws_auth_token WHERE mat_hash = '{token}' OR mat_user_text = '{token}'"
        )),
        "0",
        "the token itself is never stored"
    );
    let r = verify(wiki, &token);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["username"], "Pg Alice", "{r}");
    assert_eq!(row(), format!("user:{alice_id}:1:true"), "used");
    let r = verify(wiki, &token);
    assert_eq!(r.status, 400, "a replay: {r}");

    // A group change starts a new epoch of the account: a row written by
    // an upsert (an insert the first time, an update after), which the
    // verify reads in the same statement as the token (LPAD on PostgreSQL).
    let epoch = || {
        f.sql(&format!(
            "SELECT mat_binding FROM mws_auth_token WHERE mat_kind = 'account' AND mat_user = {alice_id}"
        ))
    };
    let mut epochs = vec![epoch()];
    for groups in [&["bot"][..], &["bot", "interface-admin"][..]] {
        wiki.create_user("Pg Alice", PASSWORD, groups);
        epochs.push(epoch());
        let alice = wiki.login("Pg Alice", PASSWORD);
        let r = verify(wiki, &wiki.user_token(&alice));
        assert_eq!(r.status, 200, "{r}");
        for group in groups {
            assert!(
                r.json()["groups"]
                    .as_array()
                    .unwrap()
                    .contains(&(*group).into()),
                "{group}: {r}"
            );
        }
    }
    assert!(
        epochs.iter().all(|e| e.len() > 8) && epochs[0] != epochs[1] && epochs[1] != epochs[2],
        "each change a new epoch: {epochs:?}"
    );

    // PostgreSQL's row lock under READ COMMITTED: the conditional UPDATE of
    // each racer waits for the first to commit, then finds the row used.
    for round in 0..2 {
        let token = Arc::new(wiki.user_token(&alice));
        let racers = 24;
        let barrier = Arc::new(Barrier::new(racers));
        let handles: Vec<_> = (0..racers)
            .map(|_| {
                let (token, barrier) = (token.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    verify(wiki, &token).status
                })
            })
            .collect();
        let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 400),
            "round {round}: {statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: exactly one verify succeeds: {statuses:?}"
        );
    }
}

/// Posts the form of Special:ServiceKeys/`sub`, with the form's CSRF token.
fn submit_service_keys(
    wiki: &Wiki,
    agent: &ureq::Agent,
    sub: &str,
    fields: &[(&str, &str)],
) -> HttpResponse {
    let url = wiki.url(&format!("/index.php?title=Special:ServiceKeys/{sub}"));
    let form = get(agent, &url);
    assert_eq!(form.status, 200, "{sub}: {form}");
    let token = form_field(&form.body, "wpEditToken").expect("a CSRF token in the form");
    let mut all = fields.to_vec();
    all.push(("wpEditToken", &token));
    post_form(agent, &url, &all)
}

fn as_key(wiki: &Wiki, auth: &str) -> HttpResponse {
    wiki.api(Some(auth), "action=query&meta=userinfo")
}

/// Runs one of the extension's maintenance scripts; panics unless it succeeds.
fn extension_script(wiki: &Wiki, name: &str, args: &[&str]) -> String {
    let out = wiki
        .php(true)
        .env("MW_INSTALL_PATH", MW_DIR)
        .arg(extension_dir().join("maintenance").join(name))
        .args(args)
        .output()
        .expect("php");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{name}: {said}");
    said
}

#[test]
fn service_keys_and_app_tokens() {
    let _schema = schema_as_is();
    let f = fixture();
    let _logs = LogsOnPanic(f);
    let wiki = &f.wiki;

    // A key of Special:ServiceKeys: stored as its hash, its account a
    // service account.
    let admin = wiki.login_admin();
    let r = submit_service_keys(
        wiki,
        &admin,
        "create",
        &[
            ("wpname", "pg-page-bot"),
            ("wpuser", "Pg page bot"),
            ("wpcreateuser", "1"),
            ("wpcidr", "127.0.0.1/32\n::1/128"),
            ("wpapimodules", "ApiQuery"),
            ("wprestpaths", "/v1/page"),
            ("wprights", "read"),
            ("wpapptokens", "1"),
            ("wpexpires", ""),
        ],
    );
    let secret = form_field(&r.body, "secret").unwrap_or_else(|| panic!("no secret shown: {r}"));
    let bot_id = f.user_id("Pg page bot");
    assert_eq!(
        f.sql(&format!(
            "SELECT sk_user || ':' || (sk_secret_hash = '{}') || ':' || sk_app_tokens || ':' || (sk_revoked IS NULL) \
             FROM mws_service_key WHERE sk_name = 'pg-page-bot'",
            sha256_hex(secret.as_bytes())
        )),
        format!("{bot_id}:true:1:true")
    );
    assert_eq!(
        f.sql(&format!(
            "SELECT count(*) FROM mws_service_account WHERE sa_user = {bot_id}"
        )),
        "1"
    );
    let r = as_key(wiki, &format!("ApiKey {secret}"));
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Pg page bot", "{r}");

    // An app token minted with it, listed in mws_app_token, acts as the key's account.
    let app = format!("AppToken {}", mint_app_token(wiki, &secret));
    let r = as_key(wiki, &app);
    assert_eq!(r.status, 200, "{r}");
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Pg page bot", "{r}");
    assert_eq!(
        f.sql("SELECT count(*) FROM mws_app_token WHERE at_principal = 'pg-page-bot' AND at_expires > now()"),
        "1"
    );

    // Rotation with an overlap: both secrets work until it ends.
    let until = f.sql(
        "SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 hour', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    );
    let r = submit_service_keys(wiki, &admin, "rotate/pg-page-bot", &[("wpuntil", &until)]);
    let rotated = form_field(&r.body, "secret").unwrap_or_else(|| panic!("no secret shown: {r}"));
    assert_ne!(rotated, secret);
    for s in [&secret, &rotated] {
        let r = as_key(wiki, &format!("ApiKey {s}"));
        assert_eq!(r.json()["query"]["userinfo"]["name"], "Pg page bot", "{r}");
    }
    assert_eq!(
        f.sql(
            "SELECT sk_previous_until > now() + interval '50 minutes' FROM mws_service_key \
             WHERE sk_name = 'pg-page-bot'"
        ),
        "t"
    );

    // A key of createServiceKey.php; its last use is read back by listServiceKeys.php.
    let said = extension_script(
        wiki,
        "createServiceKey.php",
        &[
            "--name",
            "pg-script-bot",
            "--user",
            "Pg script bot",
            "--create-user",
            "--api-module",
            "ApiQuery",
        ],
    );
    let script_secret = said
        .lines()
        .find_map(|l| l.trim().strip_prefix("Send it as:  Authorization: ApiKey "))
        .unwrap_or_else(|| panic!("no secret printed: {said}"))
        .to_string();
    let r = as_key(wiki, &format!("ApiKey {script_secret}"));
    assert_eq!(
        r.json()["query"]["userinfo"]["name"],
        "Pg script bot",
        "{r}"
    );
    let listed = extension_script(wiki, "listServiceKeys.php", &["--json"]);
    let list: Value = serde_json::from_str(&listed).unwrap_or_else(|e| panic!("{e}: {listed}"));
    let key = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "pg-script-bot")
        .unwrap_or_else(|| panic!("not listed: {listed}"));
    assert_eq!(key["lastAddress"], "127.0.0.1", "{listed}");
    assert_eq!(
        f.sql("SELECT sku_ip || ':' || (sku_time > now() - interval '5 minutes') FROM mws_service_key_use WHERE sku_principal = 'pg-script-bot'"),
        "127.0.0.1:true"
    );

    // Revoked: the key, its previous secret and its app token stop at once.
    extension_script(wiki, "revokeServiceKey.php", &["--name", "pg-page-bot"]);
    for auth in [format!("ApiKey {secret}"), format!("ApiKey {rotated}"), app] {
        let r = as_key(wiki, &auth);
        assert_eq!(r.status, 401, "{auth}: {r}");
    }
    assert_eq!(
        f.sql("SELECT sk_revoked > now() - interval '5 minutes' FROM mws_service_key WHERE sk_name = 'pg-page-bot'"),
        "t"
    );
}

fn jwt(user: &str, extra: Value) -> String {
    hs256_jwt(JWT_KEY, JWT_ISSUER, JWT_AUDIENCE, user, extra)
}

/// Logs in with a JWT; returns the account's id, as the wiki says.
fn jwt_login_id(wiki: &Wiki, token: &str) -> i64 {
    let agent = wiki.client_no_redirects();
    let r = post_form(
        &agent,
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("returnto", "Main_Page"),
        ],
    );
    assert_eq!(r.status, 302, "{r}");
    wiki.whoami_id(&agent)
}

#[test]
fn jwt_logins_find_the_account_by_its_link() {
    let _schema = schema_as_is();
    let f = fixture();
    let _logs = LogsOnPanic(f);
    let wiki = &f.wiki;
    let first = jwt_login_id(wiki, &jwt("Pg Jwt", serde_json::json!({})));
    assert!(first > 0);
    assert_eq!(
        f.sql(
            "SELECT jl_issuer || '|' || jl_user FROM mws_jwt_link WHERE jl_subject = 'sub-Pg Jwt'"
        ),
        format!("{JWT_ISSUER}|{first}")
    );
    assert_eq!(f.user_id("Pg Jwt"), first.to_string());
    // The same subject under another name: the same account, by the link.
    let again = jwt_login_id(
        wiki,
        &jwt(
            "Pg Jwt",
            serde_json::json!({ "preferred_username": "Pg Renamed" }),
        ),
    );
    assert_eq!(
        again, first,
        "a second login of the subject is the same account"
    );
    assert_eq!(
        f.sql("SELECT count(*) FROM mws_jwt_link WHERE jl_subject = 'sub-Pg Jwt'"),
        "1"
    );
    assert_eq!(
        f.sql("SELECT count(*) FROM \"user\" WHERE user_name = 'Pg Renamed'"),
        "0"
    );

    // A JWT is single use: its replay record is claimed once (INSERT ... ON CONFLICT).
    let token = jwt("Pg Jwt", serde_json::json!({}));
    assert_eq!(jwt_login_id(wiki, &token), first);
    let r = jwt_login(wiki, &token);
    assert_eq!(r.status, 401, "{r}");
    assert!(r.body.contains("already used"), "{r}");
}

fn with_bearer(wiki: &Wiki, key: &str) -> HttpResponse {
    wiki.api(
        Some(&format!("Bearer {key}")),
        "action=query&meta=userinfo&uiprop=rights",
    )
}

#[test]
fn personal_keys_act_as_their_user() {
    let _schema = schema_as_is();
    let f = fixture();
    let _logs = LogsOnPanic(f);
    let wiki = &f.wiki;
    wiki.create_user("Pg Bob", PASSWORD, &[]);
    let key = make_personal_key(
        wiki,
        "Pg Bob",
        "pg editor",
        &["editpage", "createeditmovepage"],
        &[],
        3600,
    );
    assert!(key.starts_with("mwpk_"), "{key}");
    let r = with_bearer(wiki, &key);
    assert_eq!(r.json()["query"]["userinfo"]["name"], "Pg Bob", "{r}");
    assert!(
        r.json()["query"]["userinfo"]["rights"]
            .to_string()
            .contains("\"edit\""),
        "{r}"
    );
    let user = mwclient_edit(
        wiki,
        &key,
        "Edited on PostgreSQL",
        "by a key",
        "personal key",
    );
    assert_eq!(user, "Pg Bob");
    let bob = f.user_id("Pg Bob");
    assert_eq!(
        f.sql(&format!(
            "SELECT pk_name || '|' || pk_last_ip || '|' || (pk_last_used > now() - interval '5 minutes') \
             || '|' || (pk_expires > now() + interval '50 minutes') FROM mws_personal_key WHERE pk_user = {bob}"
        )),
        "pg editor|127.0.0.1|true|true"
    );

    // Its expiry is the database's: once past, the key is refused.
    let second = make_personal_key(wiki, "Pg Bob", "pg reader", &[], &[], 3600);
    assert_eq!(
        with_bearer(wiki, &second).json()["query"]["userinfo"]["name"],
        "Pg Bob"
    );
    f.sql(&format!(
        "UPDATE mws_personal_key SET pk_expires = now() - interval '1 minute' \
         WHERE pk_user = {bob} AND pk_name = 'pg reader'"
    ));
    let r = with_bearer(wiki, &second);
    assert_eq!(r.status, 401, "{r}");
    assert!(r.body.contains("expired"), "{r}");

    // Revoked by whoever holds it: the row goes.
    let r = post_json(
        &wiki.client(),
        &wiki.url("/rest.php/mws/v1/personal-key/revoke"),
        &serde_json::json!({ "key": key }),
    );
    assert_eq!(r.status, 200, "{r}");
    let r = with_bearer(wiki, &key);
    assert_eq!(r.status, 401, "{r}");
    assert_eq!(
        f.sql(&format!(
            "SELECT pk_name FROM mws_personal_key WHERE pk_user = {bob}"
        )),
        "pg reader"
    );
}
