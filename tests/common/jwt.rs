//! JWTs of an identity provider, and Special:JWTLogin.

use serde_json::Value;

use super::encoding::random_hex;
use super::http::{post_form, HttpResponse};
use super::wiki::Wiki;

/// An HS256 JWT of an identity provider for `user`: `sub` is
/// "sub-<user>", `preferred_username` the user, a fresh `jti`, valid for
/// five minutes; `extra` claims are added (e.g. an `email`).
pub fn hs256_jwt(secret: &str, issuer: &str, audience: &str, user: &str, extra: Value) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut claims = serde_json::json!({
        "iss": issuer, "aud": audience, "sub": format!("sub-{user}"), "preferred_username": user,
        "iat": t, "nbf": t, "exp": t + 300, "jti": random_hex(8),
    });
    if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
        claims.extend(extra.clone());
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("jsonwebtoken")
}

/// Posts `token` to Special:JWTLogin as an identity provider's form does;
/// the redirect of a login is not followed.
pub fn jwt_login(wiki: &Wiki, token: &str) -> HttpResponse {
    post_form(
        &wiki.client_no_redirects(),
        &wiki.url("/index.php?title=Special:JWTLogin"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("returnto", "Main_Page"),
        ],
    )
}
