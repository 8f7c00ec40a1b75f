//! ApiKeys and app tokens of service accounts.

use super::encoding::base64_decode;
use super::http::{api_error, response, HttpResponse};
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
