//! The hashes and keys the PHP side stores or looks things up by, each built
//! from its parts by exactly one function here, so that no PHP code joins
//! the parts itself. Their outputs are in databases and sessions, so each
//! is byte-identical to what PHP built before it moved here.
//!
//! Each refuses only what no caller passes: a separator inside a part, which
//! would let two different sets of parts give one output, and, where a hash
//! is expected, anything else (such as the secret itself).

use crate::digest::sha256_hex;
use crate::error::printable;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeriveError {
    /// A kind that is not a plain name, so that it could hold the separator
    /// after it.
    #[error("the {derivation} kind \"{}\" is not a kind name: use lower-case ASCII letters, digits, \"-\" and \"_\"", printable(.kind))]
    KindName {
        derivation: &'static str,
        kind: String,
    },
    /// A part that must be a hex SHA-256 (as `digest::sha256_hex` writes
    /// it) is something else, such as the secret itself.
    #[error("the {0} is not a hex SHA-256 (64 lower-case hex digits)")]
    NotSha256Hex(&'static str),
    /// An issuer with a NUL byte, the separator of a replay key's parts.
    #[error("the JWT issuer contains a NUL byte, which separates the parts of a replay key")]
    IssuerHasNul,
    /// A session seed whose subject has a ':' next to a credential that
    /// is not a hash: the seed would not say where the subject ends.
    #[error("a session seed's subject contains \":\", which only a hex SHA-256 credential leaves unambiguous")]
    SeedSubject,
    /// A session seed whose credential has a ':' and is not an address.
    #[error(
        "a session seed's credential contains \":\" and is neither a hex SHA-256 nor an IP address"
    )]
    SeedCredential,
}

type Result<T> = std::result::Result<T, DeriveError>;

/// A kind is a name: it never holds a separator (NUL or ':').
fn kind_name<'a>(derivation: &'static str, kind: &'a [u8]) -> Result<&'a [u8]> {
    if !kind.is_empty()
        && kind
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
    {
        Ok(kind)
    } else {
        Err(DeriveError::KindName {
            derivation,
            kind: String::from_utf8_lossy(kind).into_owned(),
        })
    }
}

/// Whether `text` is a hex SHA-256 as `digest::sha256_hex` writes it.
fn is_sha256_hex(text: &[u8]) -> bool {
    text.len() == 64 && text.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn joined(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The hash a token-store claim (something used once: a JWT, a session
/// verification token) is recorded by: hex SHA-256 of `kind NUL key`. The
/// kind is a name, so the first NUL ends it; the key may hold anything.
pub fn claim_hash(kind: &[u8], key: &[u8]) -> Result<String> {
    let kind = kind_name("token-store claim", kind)?;
    Ok(sha256_hex(&joined(&[kind, b"\0", key])))
}

/// What ties an app token to the service key secret it was minted with:
/// hex SHA-256 of `mws-apptoken-binding NUL <hex SHA-256 of the secret>`,
/// so the table holds nothing a secret's stored hash could be matched with.
pub fn app_token_binding(secret_hash: &[u8]) -> Result<String> {
    if !is_sha256_hex(secret_hash) {
        return Err(DeriveError::NotSha256Hex("app-token binding's secret hash"));
    }
    Ok(sha256_hex(&joined(&[
        b"mws-apptoken-binding\0",
        secret_hash,
    ])))
}

/// The key a verified JWT is used up by (then hashed by [`claim_hash`]):
/// `jti NUL <issuer> NUL <jti>` when it has a non-empty `jti`, else
/// `jwt NUL <hex SHA-256 of the signing input>`. The issuer is the one
/// configured, and must hold no NUL, so the first NUL after it starts the
/// jti.
///
/// The signing input is the token up to its last '.' (header and payload),
/// not the whole token: ECDSA signatures are malleable ((r, s) and
/// (r, n - s) both verify), so a used ES256 token could come back with
/// another signature, and so another hash, but never with other signed
/// bytes.
pub fn jwt_replay_key(jwt: &[u8], issuer: &[u8], jti: Option<&[u8]>) -> Result<Vec<u8>> {
    if issuer.contains(&0) {
        return Err(DeriveError::IssuerHasNul);
    }
    Ok(match jti {
        Some(jti) if !jti.is_empty() => joined(&[b"jti\0", issuer, b"\0", jti]),
        _ => joined(&[b"jwt\0", sha256_hex(signing_input(jwt)).as_bytes()]),
    })
}

/// A token up to its last '.' (all of it when it has none): what a JWS
/// signs. Only verified tokens get here, so the form is not checked again.
fn signing_input(jwt: &[u8]) -> &[u8] {
    match jwt.iter().rposition(|&b| b == b'.') {
        Some(end) => &jwt[..end],
        None => jwt,
    }
}

/// The text a service session's ID is derived from (MediaWiki's
/// `SessionProvider::hashToSessionId()`): `<kind>:<subject>:<credential>`.
///
/// The kind is a name, so the first ':' ends it. What follows splits into
/// subject and credential in one way only, because either
/// - the credential is a hex SHA-256, so the last ':' starts it, and the
///   subject (a user name) may hold ':'; or
/// - the subject holds no ':', so the first ':' ends it, and the credential
///   holds no ':' or is an IP address (whose last group is never 64 hex
///   digits, so it cannot pass for the first case).
pub fn session_seed(kind: &[u8], subject: &[u8], credential: &[u8]) -> Result<Vec<u8>> {
    let kind = kind_name("session seed", kind)?;
    if !is_sha256_hex(credential) {
        if subject.contains(&b':') {
            return Err(DeriveError::SeedSubject);
        }
        if credential.contains(&b':') && !is_ip_address(credential) {
            return Err(DeriveError::SeedCredential);
        }
    }
    Ok(joined(&[kind, b":", subject, b":", credential]))
}

fn is_ip_address(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|s| s.parse::<IpAddr>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn claim_hash_is_the_sha256_of_kind_nul_key() {
        // PHP: hash( 'sha256', "jwt-seen\0" . $key )
        assert_eq!(
            claim_hash(b"jwt-seen", b"jwt\0abc").unwrap(),
            "384a7854fcc24e4b0338558871cfebadc36ea03762ab2058ed063dd9d35ac70b"
        );
        assert_eq!(
            claim_hash(b"sv-seen", b"v1.1.2.x").unwrap(),
            sha256_hex(b"sv-seen\0v1.1.2.x")
        );
        // Any key, binary included.
        assert_eq!(
            claim_hash(b"sv-seen", b"").unwrap(),
            sha256_hex(b"sv-seen\0")
        );
        assert_eq!(
            claim_hash(b"k", b"\0\xff:").unwrap(),
            sha256_hex(b"k\0\0\xff:")
        );
    }

    #[test]
    fn kinds_are_names() {
        for bad in [
            &b""[..],
            b"jwt\0seen",
            b"Jwt",
            b"a:b",
            b"a b",
            b"\xff",
            "é".as_bytes(),
        ] {
            assert_eq!(
                claim_hash(bad, b"k"),
                Err(DeriveError::KindName {
                    derivation: "token-store claim",
                    kind: String::from_utf8_lossy(bad).into_owned()
                }),
                "{bad:?}"
            );
            assert!(matches!(
                session_seed(bad, b"s", HASH.as_bytes()),
                Err(DeriveError::KindName {
                    derivation: "session seed",
                    ..
                })
            ));
        }
        for good in ["jwt-seen", "sv-seen", "apikey", "networksession", "a_1"] {
            assert!(claim_hash(good.as_bytes(), b"k").is_ok());
        }
    }

    #[test]
    fn app_token_binding_is_the_sha256_of_the_prefixed_hash() {
        // PHP: hash( 'sha256', "mws-apptoken-binding\0" . hash( 'sha256', 'test' ) )
        assert_eq!(
            app_token_binding(HASH.as_bytes()).unwrap(),
            "a95396a57cc1e53429f319b13b905f9e9446acceb53b518e039510ece1a0b6fe"
        );
        assert_eq!(
            app_token_binding(HASH.as_bytes()).unwrap(),
            sha256_hex(format!("mws-apptoken-binding\0{HASH}").as_bytes())
        );
        let upper = HASH.to_uppercase();
        for bad in [&b"test"[..], b"", upper.as_bytes(), &HASH.as_bytes()[..63]] {
            assert_eq!(
                app_token_binding(bad),
                Err(DeriveError::NotSha256Hex("app-token binding's secret hash"))
            );
        }
    }

    #[test]
    fn jwt_replay_key_by_jti_or_by_the_token() {
        assert_eq!(
            jwt_replay_key(b"a.b.c", b"https://idp", Some(b"id-1")).unwrap(),
            b"jti\0https://idp\0id-1"
        );
        // No jti, or an empty one: the hash of the signing input "a.b".
        let by_hash = [b"jwt\0".as_slice(), sha256_hex(b"a.b").as_bytes()].concat();
        assert_eq!(
            jwt_replay_key(b"a.b.c", b"https://idp", None).unwrap(),
            by_hash
        );
        assert_eq!(
            jwt_replay_key(b"a.b.c", b"https://idp", Some(b"")).unwrap(),
            by_hash
        );
        // PHP: 'jwt' . "\0" . hash( 'sha256', substr( $jwt, 0, strrpos( $jwt, '.' ) ) )
        assert_eq!(
            by_hash,
            b"jwt\x002e7336dc8eba87ef472df568c35482abf2575dc3e5eac0c5c62b8ffaeac2c934"
        );
        // Another signature over the same bytes (a malleable ES256
        // signature) is the same token for replay.
        assert_eq!(
            jwt_replay_key(b"a.b.other", b"https://idp", None).unwrap(),
            by_hash
        );
        assert_ne!(
            jwt_replay_key(b"a.c.c", b"https://idp", None).unwrap(),
            by_hash
        );
        // A jti may hold anything; the issuer no NUL.
        assert_eq!(
            jwt_replay_key(b"t", b"i", Some(b"a\0b")).unwrap(),
            b"jti\0i\0a\0b"
        );
        assert_eq!(
            jwt_replay_key(b"t", b"i\0j", Some(b"x")),
            Err(DeriveError::IssuerHasNul)
        );
        assert_eq!(
            jwt_replay_key(b"t", b"i\0j", None),
            Err(DeriveError::IssuerHasNul)
        );
    }

    #[test]
    fn session_seeds_of_the_three_callers() {
        // A service key or app token: "$kind:{$key->id}:$credentialHash".
        assert_eq!(
            session_seed(b"apikey", b"bot/0123abcd", HASH.as_bytes()).unwrap(),
            format!("apikey:bot/0123abcd:{HASH}").into_bytes()
        );
        // NetworkSession: a user name may hold ':' next to a hash.
        assert_eq!(
            session_seed(b"networksession", b"Ns:User", HASH.as_bytes()).unwrap(),
            format!("networksession:Ns:User:{HASH}").into_bytes()
        );
        // A refusal: a message key and the client address, IPv6 included.
        for ip in ["127.0.0.1", "2001:DB8::1", "::1", "::FFFF:1.2.3.4"] {
            assert_eq!(
                session_seed(b"refused", b"tokenauthenticator-error-x", ip.as_bytes()).unwrap(),
                format!("refused:tokenauthenticator-error-x:{ip}").into_bytes()
            );
        }
        // Empty parts and other bytes are kept as they are.
        assert_eq!(session_seed(b"k", b"", b"").unwrap(), b"k::");
        assert_eq!(
            session_seed(b"k", b"\0\xff", b"x\0").unwrap(),
            b"k:\0\xff:x\0"
        );
    }

    #[test]
    fn session_seeds_that_could_be_read_two_ways_are_refused() {
        // "a:b:1" would be ("a", "b:1") as well as ("a:b", "1").
        assert_eq!(
            session_seed(b"k", b"a:b", b"1"),
            Err(DeriveError::SeedSubject)
        );
        assert_eq!(
            session_seed(b"k", b"a:b", b"::1"),
            Err(DeriveError::SeedSubject)
        );
        assert_eq!(
            session_seed(b"k", b"a", b"b:1"),
            Err(DeriveError::SeedCredential)
        );
        // An upper-case hash is no hash here.
        assert_eq!(
            session_seed(b"k", b"a:b", HASH.to_uppercase().as_bytes()),
            Err(DeriveError::SeedSubject)
        );
        // A ':' in the subject before a hash is fine: the hash has none.
        assert_eq!(
            session_seed(b"k", b"a:b", HASH.as_bytes()).unwrap(),
            format!("k:a:b:{HASH}").into_bytes()
        );
    }
}
