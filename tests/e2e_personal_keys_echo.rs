//! Personal keys' Echo notifications end to end: a key revoked as leaked,
//! and the reminder a week before a key expires, sent once, seen by the
//! owner through Echo's own API. Needs Echo's source, which Debian does not
//! package, so the test is ignored unless asked for (`--ignored`), with
//! MWS_TA_ECHO_DIR naming a checkout of Echo's branch for the wiki's
//! MediaWiki (REL1_43 for the 1.43 lane).

mod common;
use common::*;

use serde_json::json;

const PASSWORD: &str = "echo-keys-password-1";

fn echo_dir() -> String {
    let dir = std::env::var("MWS_TA_ECHO_DIR")
        .expect("MWS_TA_ECHO_DIR: a checkout of Echo's branch for this MediaWiki");
    assert!(
        std::path::Path::new(&dir).join("extension.json").is_file(),
        "MWS_TA_ECHO_DIR={dir} holds no extension.json"
    );
    dir
}

fn make_key(wiki: &Wiki, user: &str, name: &str, lifetime: i64) -> String {
    make_personal_key(wiki, user, name, &["basic"], &[], lifetime)
}

/// The owner's alerts, as Echo's API gives them: (type, header HTML).
fn alerts(wiki: &Wiki, owner: &ureq::Agent) -> Vec<(String, String)> {
    // Echo delivers through the job queue.
    wiki.maintenance("runJobs.php", &[]);
    let r = get(
        owner,
        &wiki.url(
            "/api.php?action=query&meta=notifications&notsections=alert&notformat=model\
             &notlimit=50&format=json",
        ),
    );
    r.json()["query"]["notifications"]["list"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|n| {
            (
                n["type"].as_str().unwrap_or_default().to_string(),
                n["*"]["header"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn of_type(alerts: &[(String, String)], kind: &str) -> Vec<String> {
    alerts
        .iter()
        .filter(|(t, _)| t == kind)
        .map(|(_, h)| h.clone())
        .collect()
}

fn remind_script(wiki: &Wiki) -> String {
    let out = wiki
        .php(true)
        .arg(extension_dir().join("maintenance/remindPersonalKeys.php"))
        .output()
        .expect("php");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
#[ignore = "needs Echo, which Debian does not package: MWS_TA_ECHO_DIR=... cargo test -- --ignored"]
fn leaked_keys_and_expiring_keys_are_told_to_their_owner() {
    let echo = echo_dir();
    let wiki = Wiki::builder()
        .setting(format!(
            "wfLoadExtension( 'Echo', {} );",
            php_str(&format!("{echo}/extension.json"))
        ))
        .start();
    let out = wiki.maintenance("update.php", &["--quick"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wiki.create_user("Bob", PASSWORD, &[]);
    let bob = wiki.login("Bob", PASSWORD);

    // A key used in its last week: its owner is reminded once. Its name is
    // the owner's text, shown as text, never as wikitext or HTML.
    let name = "'''deploy''' <i>bot</i>";
    let soon = make_key(&wiki, "Bob", name, 3 * 86400);
    let used = call(
        ureq::AgentBuilder::new()
            .build()
            .get(&wiki.url("/api.php?action=query&meta=userinfo&format=json"))
            .set("Authorization", &format!("Bearer {soon}")),
    );
    assert_eq!(used.json()["query"]["userinfo"]["name"], "Bob", "{used}");
    let seen = alerts(&wiki, &bob);
    let expiring = of_type(&seen, "tokenauthenticator-personalkey-expiring");
    assert_eq!(expiring.len(), 1, "{seen:?}");
    assert!(
        expiring[0].contains("&#039;&#039;&#039;deploy&#039;&#039;&#039; &lt;i&gt;bot&lt;/i&gt;")
            || expiring[0].contains("'''deploy''' &lt;i&gt;bot&lt;/i&gt;"),
        "the name as plain text: {}",
        expiring[0]
    );

    // Keys nobody uses are reached by the daily script, once; a key with
    // more than a week left is not due.
    make_key(&wiki, "Bob", "quiet", 2 * 86400);
    let later = make_key(&wiki, "Bob", "later", 30 * 86400);
    assert!(
        remind_script(&wiki).contains("Reminders sent: 1"),
        "the quiet key only"
    );
    assert!(remind_script(&wiki).contains("Reminders sent: 0"));
    assert_eq!(
        of_type(
            &alerts(&wiki, &bob),
            "tokenauthenticator-personalkey-expiring"
        )
        .len(),
        2
    );

    // Whoever holds a leaked key revokes it; its owner is told.
    let r = post_json(
        &ureq::AgentBuilder::new().build(),
        &wiki.url("/rest.php/mws/v1/personal-key/revoke"),
        &json!({ "key": later }),
    );
    assert_eq!(r.status, 200, "{r}");
    let seen = alerts(&wiki, &bob);
    let leaked = of_type(&seen, "tokenauthenticator-personalkey-leaked");
    assert_eq!(leaked.len(), 1, "{seen:?}");
    assert!(leaked[0].contains("later"), "{}", leaked[0]);
}
