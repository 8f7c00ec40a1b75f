//! ApiKeys and app tokens of service accounts.

use super::encoding::base64_decode;
use super::http::{api_error, response, HttpResponse};
use super::php::php_str;
use super::wiki::Wiki;

/// Mints an app token with an ApiKey; returns the token inside the envelope.
pub fn mint_app_token(wiki: &Wiki, secret: &str) -> String {
    let minted = app_token_response(wiki, secret);
    assert_eq!(minted.status, 200, "{minted}");
    token_in_envelope(minted.json()["value"].as_str().unwrap())
}

/// The answer of the app-token mint route to an ApiKey, whatever it is.
pub fn app_token_response(wiki: &Wiki, secret: &str) -> HttpResponse {
    response(
        wiki.client()
            .post(&wiki.url("/rest.php/mws/v1/app-token/generate"))
            .set("Authorization", &format!("ApiKey {secret}"))
            .set("Content-Type", "application/json")
            .send_string(""),
    )
}

/// The token inside a salted envelope (base64 JSON).
pub fn token_in_envelope(envelope: &str) -> String {
    let envelope: serde_json::Value =
        serde_json::from_slice(&base64_decode(envelope)).expect("envelope JSON");
    envelope["token"].as_str().expect("token").to_string()
}

/// An ApiKey allowed only some modules is refused `action=parse`.
pub fn assert_api_key_may_not_parse(wiki: &Wiki, secret: &str) {
    let denied = wiki.api(
        Some(&format!("ApiKey {secret}")),
        "action=parse&text=x&contentmodel=wikitext",
    );
    assert_eq!(
        api_error(&denied),
        "tokenauthenticator-error-module-denied",
        "{denied}"
    );
}

/// Edits `title` with Debian's mwclient (python3-mwclient), a third-party
/// API client, sending `Authorization: Bearer <key>` and never logging in;
/// returns the user mwclient's session is, as the wiki answers.
pub fn mwclient_edit(wiki: &Wiki, key: &str, title: &str, text: &str, summary: &str) -> String {
    let script = format!(
        "import mwclient, sys\n\
         site = mwclient.Site('127.0.0.1:{port}', path='{path}/', scheme='http', force_login=False,\n\
             custom_headers={{'Authorization': 'Bearer ' + sys.argv[1]}})\n\
         site.pages[sys.argv[2]].edit(sys.argv[3], summary=sys.argv[4])\n\
         print('USER=' + site.api('query', meta='userinfo')['query']['userinfo']['name'])\n",
        port = wiki.port(),
        path = wiki.script_path(),
    );
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(&script)
        .args([key, title, text, summary])
        .output()
        .expect("python3 (Debian package python3-mwclient)");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mwclient: {said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    said.lines()
        .find_map(|l| l.strip_prefix("USER="))
        .unwrap_or_else(|| panic!("mwclient said: {said}"))
        .to_string()
}

/// Makes a personal key for `user` through the service Special:PersonalKeys
/// uses, with `grants`, address `ranges` and `lifetime` seconds; returns the
/// secret.
pub fn make_personal_key(
    wiki: &Wiki,
    user: &str,
    name: &str,
    grants: &[&str],
    ranges: &[&str],
    lifetime: i64,
) -> String {
    let list = |items: &[&str]| {
        format!(
            "[ {} ]",
            items
                .iter()
                .map(|i| php_str(i))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let php = format!(
        "$u = MediaWiki\\MediaWikiServices::getInstance()->getUserFactory()->newFromName( {user} ); \
         [ $k, $s ] = MediaWiki\\Extension\\TokenAuthenticator\\Setup\\Services::getPersonalKeys()->create( \
         $u, {name}, {grants}, {ranges}, time() + {lifetime} ); echo \"SECRET=$s\\n\";\n",
        user = php_str(user),
        name = php_str(name),
        grants = list(grants),
        ranges = list(ranges),
    );
    let out = wiki.maintenance_with_input("eval.php", &[], &php);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    said.lines()
        .find_map(|l| l.strip_prefix("SECRET="))
        .unwrap_or_else(|| {
            panic!(
                "no key made: {said} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .trim()
        .to_string()
}
