//! The database queries of a user-token verify on the default 'database'
//! token store, counted from MediaWiki's query log (issue #16). Query
//! counts are deterministic, so the test asserts upper bounds: a change that
//! adds a query to the hot path fails here.

mod common;
use common::*;

use std::fs;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Logs every query of a request that asks for it (and of no other, so
/// minting and logging in stay out of the counts). MediaWiki 1.39 logs
/// queries to the channel DBQuery, 1.43 to rdbms (with its other messages).
const QUERY_LOG: &str = "if ( ( $_SERVER['HTTP_X_QUERY_LOG'] ?? '' ) === '1' ) {\n\
    \t$wgDebugDumpSql = true;\n\
    \t$wgDebugLogGroups['DBQuery'] = __DIR__ . '/queries.log';\n\
    \t$wgDebugLogGroups['rdbms'] = __DIR__ . '/queries.log';\n\
    }";

/// Whether a log line is a query: "{method} [{runtime}s] {server}: {sql}"
/// on 1.39, "[{runtime_ms}ms]" on 1.43.
fn is_query(line: &str) -> bool {
    line.split(" [").skip(1).any(|rest| {
        rest.split_once("] ").is_some_and(|(runtime, _)| {
            let number = runtime
                .strip_suffix("ms")
                .or_else(|| runtime.strip_suffix('s'))
                .unwrap_or("");
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
    })
}

/// A hook handler as an extension would write one, reading the user it gets.
const HOOK: &str = "$wgHooks['MWStakeTokenAuthenticatorGetAuthInfo'][] = static function ( $user, array &$meta ) {\n\
    \t$meta['checked_by'] = 'e2e:' . $user->getName();\n\
    };";

fn query_log(wiki: &Wiki) -> Vec<String> {
    fs::read_to_string(wiki.dir().join("queries.log"))
        .unwrap_or_default()
        .lines()
        .filter(|line| is_query(line))
        .map(str::to_string)
        .collect()
}

/// Sends `request` with the query log on and returns its answer and the
/// queries it logged, including those after the response was sent (deferred
/// updates, the commit): the log is read once it stopped growing.
fn with_queries(
    wiki: &Wiki,
    request: ureq::Request,
    body: Option<&Value>,
) -> (HttpResponse, Vec<String>) {
    with_queries_until(wiki, request, body, |_| true)
}

/// Like [`with_queries`], but reads the log only once `done` holds for the
/// request's queries (or after 5 s): post-send work may start well after
/// the response arrived (1.43 under `php -S`).
fn with_queries_until(
    wiki: &Wiki,
    request: ureq::Request,
    body: Option<&Value>,
    done: impl Fn(&[String]) -> bool,
) -> (HttpResponse, Vec<String>) {
    let before = query_log(wiki).len();
    let request = request.set("X-Query-Log", "1");
    let r = match body {
        Some(body) => response(request.send_json(body)),
        None => call(request),
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = usize::MAX;
    loop {
        sleep(Duration::from_millis(150));
        let log = query_log(wiki);
        let now = log.len();
        let finished = now == seen && done(&log[before.min(now)..]);
        if finished || Instant::now() > deadline {
            break;
        }
        seen = now;
    }
    let queries = query_log(wiki).split_off(before);
    (r, queries)
}

fn verify_post(wiki: &Wiki, token: &str) -> (HttpResponse, Vec<String>) {
    with_queries(
        wiki,
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/user-token/verify")),
        Some(&serde_json::json!({ "token": token })),
    )
}

fn verify_get(wiki: &Wiki, token: &str) -> (HttpResponse, Vec<String>) {
    with_queries(
        wiki,
        wiki.client()
            .get(&wiki.url(&format!("/rest.php/mws/v1/user-token/verify/{token}"))),
        None,
    )
}

fn show(queries: &[String]) -> String {
    queries.join("\n")
}

/// Asserts at most `max` queries, showing them all when there are more.
fn assert_at_most(what: &str, queries: &[String], max: usize) {
    eprintln!("{what}: {} queries\n{}\n", queries.len(), show(queries));
    // Every request counted here opens the database: none means no log.
    assert!(
        !queries.is_empty(),
        "{what}: no query logged, is the query log on?"
    );
    assert!(
        queries.len() <= max,
        "{what}: {} queries, expected at most {max}:\n{}",
        queries.len(),
        show(queries)
    );
}

fn assert_answer(r: &HttpResponse, name: &str) {
    assert_eq!(r.status, 200, "{r}");
    let v = r.json();
    assert_eq!(v["username"], name, "{r}");
    assert_eq!(v["meta"]["checked_by"], format!("e2e:{name}"), "{r}");
    let groups = v["groups"].as_array().expect("groups");
    assert!(groups.iter().any(|g| g == "user"), "{r}");
}

/// Secret of the service principal that verifies tokens.
const SERVICE_SECRET: &str = "verify-service-secret-0123456789abcdef";

/// The counts measured after issue #26 (on Debian 12's MediaWiki 1.39 and
/// Debian 13's 1.43, SQLite), exact: a valid single-use verify of an account
/// that did not change since the last verify runs 6: 2 PRAGMAs opening the
/// connection, BEGIN, the consuming UPDATE, one SELECT of the token with its
/// account's epoch, COMMIT; and on 1.39 core's pre-commit ping (a
/// transaction with writes), not counted here. It was 9 after issue #16 (the
/// account's row and groups read with the token, then the block check and
/// the options), 11 before.
const SINGLE_USE_VALID: usize = 6;
/// The first verify of an epoch reads the account as well: its row, the
/// block check, the options (lang_code) and the groups.
const SINGLE_USE_FIRST: usize = 11;
/// No write and so no ping: 2 PRAGMAs, BEGIN, the SELECT, COMMIT (was 7).
const REUSABLE_VALID: usize = 5;
/// A token that is not found: 2 PRAGMAs, BEGIN, the UPDATE, the ping,
/// COMMIT, and MediaWiki's message cache for the error message (2 queries,
/// when it has no cached copy).
const INVALID: usize = 8;

/// A service sending its ApiKey: the session provider loads the service
/// account with its service-account mark (one statement,
/// ServiceAccounts::find()) and its block, and the token store ends that
/// read transaction before it writes (COMMIT, BEGIN), see
/// DatabaseTokenStore::writer().
const SERVICE_VALID: usize = 13;

/// Asserts exactly `count` queries besides MediaWiki 1.39's pre-commit
/// ping, none of them of the account.
fn assert_exactly(what: &str, queries: &[String], count: usize) {
    let queries: Vec<String> = queries
        .iter()
        .filter(|q| !q.contains("Database::ping"))
        .cloned()
        .collect();
    let queries = &queries[..];
    assert_at_most(what, queries, count);
    assert_eq!(queries.len(), count, "{what}:\n{}", show(queries));
    assert!(
        account_queries(queries).is_empty(),
        "{what}: the account read again:\n{}",
        show(queries)
    );
}

#[test]
fn single_use_verify_queries() {
    let wiki = Wiki::builder()
        .setting(QUERY_LOG)
        .setting(HOOK)
        .setting(format!(
            "$mwsgTokenAuthenticatorServiceTokens = [ [ 'name' => 'verifier', 'user' => 'Verify bot', \
             'token' => {}, 'restPaths' => [ '/mws/v1/user-token/verify' ] ] ];",
            php_str(SERVICE_SECRET)
        ))
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");
    let alice_id = wiki.whoami_id(&alice);
    after_holdoff();

    let token = wiki.user_token(&alice);
    let (r, queries) = verify_post(&wiki, &token);
    assert_answer(&r, "Alice");
    assert_at_most(
        "POST verify, the first of the account's epoch",
        &queries,
        SINGLE_USE_FIRST,
    );
    let token = wiki.user_token(&alice);
    let (r, queries) = verify_post(&wiki, &token);
    assert_answer(&r, "Alice");
    assert_exactly(
        "POST verify, valid single-use token",
        &queries,
        SINGLE_USE_VALID,
    );
    // Used up.
    let (r, queries) = verify_post(&wiki, &token);
    assert_eq!(r.status, 400, "{r}");
    assert_at_most("POST verify, used token", &queries, INVALID);

    let (r, queries) = verify_post(&wiki, &random_hex(32));
    assert_eq!(r.status, 400, "{r}");
    assert_at_most("POST verify, unknown token", &queries, INVALID);

    let token = wiki.user_token(&alice);
    let (r, queries) = verify_get(&wiki, &token);
    assert_answer(&r, "Alice");
    assert_exactly(
        "GET verify, valid single-use token",
        &queries,
        SINGLE_USE_VALID,
    );

    // A service verifying with its ApiKey: what the session provider reads
    // for the service user comes on top, the token's part stays the same.
    let key_use_written = |queries: &[String]| {
        queries
            .iter()
            .any(|q| q.contains("KeyUse") && q.contains("COMMIT"))
    };
    let verify_as_service = |done: &dyn Fn(&[String]) -> bool| {
        let token = wiki.user_token(&alice);
        with_queries_until(
            &wiki,
            wiki.client()
                .post(&wiki.url("/rest.php/mws/v1/user-token/verify"))
                .set("Authorization", &format!("ApiKey {SERVICE_SECRET}")),
            Some(&serde_json::json!({ "token": token })),
            done,
        )
    };
    let (r, queries) = verify_as_service(&key_use_written);
    assert_answer(&r, "Alice");
    // The key's first use, for Special:ServiceKeys, is written after the
    // response (MediaWiki's pre-output COMMIT): at most BEGIN, UPDATE,
    // INSERT, COMMIT.
    let (key_use, queries): (Vec<String>, Vec<String>) =
        queries.into_iter().partition(|q| q.contains("KeyUse"));
    assert!(
        key_use_written(&key_use) && key_use.len() <= 4,
        "the key's first use is written once: {key_use:?}"
    );
    let sent_at = queries
        .iter()
        .position(|q| {
            // 1.39, 1.43.
            q.contains("MediaWiki::preOutputCommit")
                || q.contains("MediaWikiEntryPoint::commitMainTransaction")
        })
        .expect("the pre-output commit");
    assert_eq!(
        sent_at + 1,
        queries.len(),
        "queries after the response other than the key's last use: {}",
        show(&queries)
    );
    assert_at_most("POST verify with an ApiKey", &queries, SERVICE_VALID);
    let of_alice: Vec<String> = account_queries(&queries)
        .into_iter()
        .filter(|q| q.contains("Alice") || q.contains(&format!("= {alice_id} ")))
        .collect();
    assert!(
        of_alice.is_empty(),
        "POST verify with an ApiKey: Alice read again: {of_alice:?}"
    );

    // Within the minute: no write, not even after the response.
    let before = query_log(&wiki).len();
    let (r, queries) = verify_as_service(&|_| true);
    assert_answer(&r, "Alice");
    assert_at_most("POST verify with an ApiKey, again", &queries, SERVICE_VALID);
    sleep(Duration::from_secs(2));
    let later = query_log(&wiki).split_off(before);
    assert!(
        !later.iter().any(|q| q.contains("KeyUse")),
        "the last use written twice within a minute: {}",
        show(&later)
    );
}

#[test]
fn reusable_verify_queries() {
    let wiki = Wiki::builder()
        .setting(QUERY_LOG)
        .setting(HOOK)
        .setting("$mwsgTokenAuthenticatorSingleUse = false;")
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");
    after_holdoff();

    let token = wiki.user_token(&alice);
    let (r, _) = verify_post(&wiki, &token);
    assert_answer(&r, "Alice");
    for _ in 0..2 {
        let (r, queries) = verify_post(&wiki, &token);
        assert_answer(&r, "Alice");
        assert_exactly("POST verify, reusable token", &queries, REUSABLE_VALID);
    }
    let (r, queries) = verify_post(&wiki, &random_hex(32));
    assert_eq!(r.status, 400, "{r}");
    assert_at_most(
        "POST verify, reusable mode, unknown token",
        &queries,
        INVALID,
    );
}

/// The groups read with the token are the ones MediaWiki itself reports
/// (meta=userinfo), in its order: several memberships, one that has
/// expired (not counted), one that expires later (counted).
#[test]
fn groups_read_with_the_token_are_mediawikis() {
    let wiki = Wiki::builder()
        .setting(HOOK)
        .setting("$wgGroupPermissions['later']['read'] = true;\n$wgGroupPermissions['gone']['read'] = true;")
        .start();
    wiki.create_user(
        "Alice",
        "alice-password-123",
        &["sysop", "bureaucrat", "bot"],
    );
    wiki.maintenance_with_input(
        "eval.php",
        &[],
        "$u = MediaWiki\\MediaWikiServices::getInstance()->getUserFactory()->newFromName( 'Alice' );\n\
         MediaWiki\\MediaWikiServices::getInstance()->getUserGroupManager()->addUserToGroup( $u, 'later', '20991231000000' );\n\
         $u->setRealName( 'Alice Example' );\n\
         $u->saveSettings();\n\
         $options = MediaWiki\\MediaWikiServices::getInstance()->getUserOptionsManager();\n\
         $options->setOption( $u, 'language', 'de' );\n\
         $options->saveOptions( $u );\n\
         $db = wfGetDB( DB_PRIMARY );\n\
         $db->insert( 'user_groups', [ 'ug_user' => $u->getId(), 'ug_group' => 'gone', 'ug_expiry' => $db->timestamp( '20200101000000' ) ] );\n",
    );
    let alice = wiki.login("Alice", "alice-password-123");
    let expected = wiki.userinfo(&alice, "groups")["groups"].clone();
    let names: Vec<&str> = expected
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for group in ["sysop", "bureaucrat", "bot", "later", "user"] {
        assert!(names.contains(&group), "{group} missing: {expected}");
    }
    assert!(!names.contains(&"gone"), "{expected}");

    let (r, _) = verify_post(&wiki, &wiki.user_token(&alice));
    assert_answer(&r, "Alice");
    let v = r.json();
    assert_eq!(v["groups"], expected, "{r}");
    assert_eq!(v["real_name"], "Alice Example", "{r}");
    assert_eq!(v["lang_code"], "de", "{r}");
    assert_eq!(v["id"], wiki.whoami_id(&alice), "{r}");
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "groups",
            "id",
            "lang_code",
            "meta",
            "real_name",
            "username",
            "wiki_id"
        ],
        "{r}"
    );
}

/// The queries a verify makes of the account, as opposed to the token's
/// own: the account row, its groups, blocks and options.
fn account_queries(queries: &[String]) -> Vec<String> {
    queries
        .iter()
        .filter(|q| {
            [
                "FROM \"user\"",
                "FROM \"user_groups\"",
                "FROM \"ipblocks\"",
                "FROM \"block_target\"",
                "FROM \"user_properties\"",
            ]
            .iter()
            .any(|table| q.contains(table))
        })
        .cloned()
        .collect()
}

/// Lets AccountSnapshots keep what it reads: nothing read within
/// AccountSnapshots::HOLDOFF seconds of a change to the account is kept.
fn after_holdoff() {
    sleep(Duration::from_secs(11));
}

/// Whoever sends this header is locked, as CentralAuth would lock them: no
/// hook reports a lock, so the verify asks every time.
const LOCKS: &str = "$wgHooks['UserIsLocked'][] = static function ( $user, &$locked ) {\n\
    \tif ( is_file( __DIR__ . '/locked-' . $user->getId() ) ) { $locked = true; }\n\
    };\n\
    if ( !is_file( \"$IP/maintenance/renameUser.php\" ) ) { wfLoadExtension( 'Renameuser' ); }";

/// Issue #26: a verify of an account that did not change reads nothing of
/// it from the database (on the cache stores, no query at all), and a
/// block, a group change, a rename, a new language or a lock placed between
/// mint and verify is honoured by that verify, on every store.
fn account_changes_are_honoured_at_once(store: Store) {
    let (server, store_settings) = store.start();
    // Core's user cache off: in APCu, a maintenance script could not clear
    // it for the web server (a rename by script would leave the old name
    // there, and no login as the new one).
    let wiki = Wiki::builder()
        .setting(QUERY_LOG)
        .setting(HOOK)
        .setting(LOCKS)
        .setting("$wgMainCacheType = CACHE_NONE;\n$wgSessionCacheType = CACHE_DB;")
        .setting(store_settings)
        .start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let id = wiki.whoami_id(&wiki.login("Alice", "alice-password-123"));
    let eval = |php: &str| {
        wiki.maintenance_with_input(
            "eval.php",
            &[],
            &format!(
                "$services = MediaWiki\\MediaWikiServices::getInstance();\n\
                 $u = $services->getUserFactory()->newFromId( {id} );\n{php}\n"
            ),
        );
    };
    // Mints, lets `change` happen, then verifies.
    // A new session each time: some changes end the ones before.
    let verify_after = |name: &str, change: &dyn Fn()| {
        let token = wiki.user_token(&wiki.login(name, "alice-password-123"));
        change();
        verify_post(&wiki, &token)
    };
    let warm = |name: &str| {
        let agent = wiki.login(name, "alice-password-123");
        after_holdoff();
        let (r, _) = verify_post(&wiki, &wiki.user_token(&agent));
        assert_answer(&r, name);
        let (r, queries) = verify_post(&wiki, &wiki.user_token(&agent));
        assert_answer(&r, name);
        let of_account = account_queries(&queries);
        assert!(
            of_account.is_empty(),
            "{store:?}: an unchanged account read again:\n{}",
            show(&queries)
        );
        if matches!(store, Store::Redis | Store::Memcached) {
            assert!(
                queries.is_empty(),
                "{store:?}: a verify on a cache store queried the database:\n{}",
                show(&queries)
            );
        }
    };

    warm("Alice");
    let (r, _) = verify_after("Alice", &|| {
        eval("$services->getUserGroupManager()->addUserToGroup( $u, 'bot' );")
    });
    assert_answer(&r, "Alice");
    assert!(
        r.json()["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "bot"),
        "{store:?}: group change missed: {r}"
    );

    warm("Alice");
    let (r, _) = verify_after("Alice", &|| {
        eval(
            "$o = $services->getUserOptionsManager(); $o->setOption( $u, 'language', 'de' ); \
             $o->saveOptions( $u );",
        )
    });
    assert_eq!(
        r.json()["lang_code"],
        "de",
        "{store:?}: language missed: {r}"
    );

    warm("Alice");
    let (r, _) = verify_after("Alice", &|| {
        eval("$u->setRealName( 'Alice Example' ); $u->saveSettings();")
    });
    assert_eq!(
        r.json()["real_name"],
        "Alice Example",
        "{store:?}: real name missed: {r}"
    );

    warm("Alice");
    let (r, _) = verify_after("Alice", &|| {
        let core = format!("{MW_DIR}/maintenance/renameUser.php");
        if std::path::Path::new(&core).is_file() {
            wiki.maintenance("renameUser.php", &["Alice", "Alicia"]);
        } else {
            wiki.maintenance(
                "../extensions/Renameuser/maintenance/renameUser.php",
                &["--oldname", "Alice", "--newname", "Alicia"],
            );
        }
        // The rename's jobs end the user's sessions: before the next login.
        wiki.maintenance("runJobs.php", &[]);
    });
    assert_answer(&r, "Alicia");

    warm("Alicia");
    let lock = wiki.dir().join(format!("locked-{id}"));
    let (r, _) = verify_after("Alicia", &|| fs::write(&lock, "").expect("lock file"));
    assert_eq!(r.status, 403, "{store:?}: lock missed: {r}");
    fs::remove_file(&lock).expect("unlock");

    warm("Alicia");
    let (r, _) = verify_after("Alicia", &|| wiki.block_user("Alicia"));
    assert_eq!(r.status, 403, "{store:?}: block missed: {r}");
    assert_eq!(
        r.json()["errorKey"],
        "tokenauthenticator-error-token-user-blocked",
        "{r}"
    );
    drop(server);
}

/// The four stores at once: each scenario mostly waits out the hold-off
/// after a change, so running them side by side takes the time of one
/// (clean-clone CI has 25 minutes on two cores).
#[test]
fn account_changes_on_every_store() {
    std::thread::scope(|scope| {
        let runs: Vec<_> = [
            Store::Database,
            Store::Stash,
            Store::Redis,
            Store::Memcached,
        ]
        .into_iter()
        .map(|store| {
            (
                store,
                scope.spawn(move || account_changes_are_honoured_at_once(store)),
            )
        })
        .collect();
        let failed: Vec<String> = runs
            .into_iter()
            .filter_map(|(store, run)| run.join().err().map(|_| format!("{store:?}")))
            .collect();
        assert!(
            failed.is_empty(),
            "account changes missed on: {}",
            failed.join(", ")
        );
    });
}

/// A group membership that runs out changes the groups without any hook:
/// what a verify keeps of the account ends with it.
#[test]
fn an_expiring_membership_ends_in_the_answer() {
    let wiki = Wiki::builder().setting(HOOK).start();
    wiki.create_user("Alice", "alice-password-123", &[]);
    let alice = wiki.login("Alice", "alice-password-123");
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 20;
    wiki.maintenance_with_input(
        "eval.php",
        &[],
        &format!(
            "$u = MediaWiki\\MediaWikiServices::getInstance()->getUserFactory()->newFromName( 'Alice' );\n\
             MediaWiki\\MediaWikiServices::getInstance()->getUserGroupManager()->addUserToGroup( $u, 'bot', \
             wfTimestamp( TS_MW, {expires} ) );\n"
        ),
    );
    let has_bot = |r: &HttpResponse| {
        assert_answer(r, "Alice");
        r.json()["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .any(|g| g == "bot")
    };
    after_holdoff();
    // Read, then kept.
    for _ in 0..2 {
        let (r, _) = verify_post(&wiki, &wiki.user_token(&alice));
        assert!(has_bot(&r), "{r}");
    }
    while std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        <= expires
    {
        sleep(Duration::from_millis(250));
    }
    let (r, _) = verify_post(&wiki, &wiki.user_token(&alice));
    assert!(!has_bot(&r), "an expired membership answered: {r}");
}
