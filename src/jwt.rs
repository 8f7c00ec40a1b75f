//! JWT (JWS compact form) verification for HS256, RS256 and EdDSA (Ed25519).
//!
//! RS256 is verified with RustCrypto's `rsa` 0.9 (PKCS#1 v1.5 with SHA-256, keys
//! read by its `pkcs1`/`pkcs8` DER decoders) and EdDSA with `ed25519-dalek` 2
//! (`pkcs8` feature, `verify_strict`): both are pure Rust, widely used, and built
//! on the same `sha2`/`digest` 0.10 as the `hmac` crate that already does HS256,
//! so neither OpenSSL nor `ring` is linked, and without `jsonwebtoken` every
//! policy decision stays in this module. The open `rsa` timing advisory
//! (RUSTSEC-2023-0071, "Marvin") concerns private-key operations, and this
//! module only ever uses public keys. `rsa` 0.10 and `ed25519-dalek` 3 move to
//! `sha2` 0.11, so they are left for a joint upgrade with `hmac`.
//!
//! What is checked, in order:
//! - the configuration: the algorithm is pinned by the caller, never taken
//!   from the token; the key parses for that algorithm (a PEM key is refused as
//!   an HS256 secret, a private key as an RS256/EdDSA key);
//! - the token's form: at most [`MAX_TOKEN_BYTES`], exactly three unpadded
//!   base64url parts, a header that is a JSON object (no duplicate members,
//!   nesting at most [`MAX_JSON_DEPTH`]) whose `alg` is exactly the pinned
//!   algorithm (`none` in any case is refused on its own), with no `crit`;
//! - the signature (HS256 compared in constant time), before anything in the
//!   payload is looked at;
//! - the claims: `exp` and `iat` required, `nbf` optional (NumericDates,
//!   integer or not, with a leeway), `iss` equal to the configured issuer,
//!   `aud` equal to or containing the configured audience, `sub` a non-empty
//!   string.
//!
//! No error message quotes the token or the key; claim values are quoted only
//! through `error::printable`.

use crate::digest;
use crate::error::printable;
use crate::json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ed25519_dalek::pkcs8::DecodePublicKey as _;
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    // --- configuration ---
    /// A configured algorithm name other than HS256, RS256 or EdDSA.
    #[error("unknown JWT algorithm \"{}\": use \"HS256\", \"RS256\" or \"EdDSA\"", printable(.0))]
    UnknownAlgorithm(String),
    /// An empty HS256 secret.
    #[error("the HS256 secret is empty")]
    EmptySecret,
    /// An HS256 secret that is a PEM key: a public key used as an HMAC
    /// secret lets anyone who has it forge tokens.
    #[error("the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA")]
    SecretIsPem,
    /// An RS256 or EdDSA key that is a private key.
    #[error("the {0} key is a private key: configure the public key only")]
    PrivateKey(&'static str),
    /// An RS256 or EdDSA key that does not parse as a public key.
    #[error("the {alg} key does not parse: it must be {forms}", alg = .0, forms = key_forms(.0))]
    BadKey(&'static str),
    /// An RSA public key shorter than the minimum.
    #[error("the RS256 key has {bits} bits: at least {min} are required")]
    RsaKeyTooSmall { bits: usize, min: usize },
    /// An empty configured issuer or audience.
    #[error("no JWT {0} is configured")]
    NotConfigured(&'static str),
    /// A leeway outside the accepted range.
    #[error("the JWT leeway {leeway} is out of range: use 0 to {max} seconds")]
    Leeway { leeway: i64, max: i64 },
    /// A configured maximum lifetime outside the accepted range.
    #[error("the JWT maximum lifetime {value} is out of range: use 1 to {max} seconds")]
    MaxLifetime { value: i64, max: i64 },

    // --- the token's form ---
    /// A token longer than the cap.
    #[error("the JWT is longer than {max} bytes")]
    TooLong { max: usize },
    /// Not three unpadded base64url parts.
    #[error("the JWT is not three base64url parts")]
    Malformed,
    /// The header or payload is not JSON.
    #[error("the JWT's {part} is not valid JSON (error at column {column})")]
    NotJson { part: &'static str, column: usize },
    /// The header or payload is JSON, but not an object.
    #[error("the JWT's {0} is not a JSON object")]
    NotObject(&'static str),
    /// The header or payload nests deeper than the cap.
    #[error("the JWT's {part} nests more than {max} levels deep")]
    TooDeep { part: &'static str, max: usize },
    /// The header or payload has the same member twice.
    #[error("the JWT's {part} has \"{}\" more than once", printable(.name))]
    DuplicateMember { part: &'static str, name: String },
    /// The header has no string `alg`.
    #[error("the JWT's header has no \"alg\" string")]
    NoAlg,
    /// `alg: "none"`, in any case.
    #[error("alg \"none\" is never accepted")]
    AlgNone,
    /// The header's `alg` is not the configured algorithm.
    #[error("the JWT's alg \"{}\" is not the configured {expected}", printable(.got))]
    AlgMismatch { got: String, expected: &'static str },
    /// The header has a `crit` parameter.
    #[error("the JWT's header has a \"crit\" parameter, and no critical extension is supported")]
    Crit,
    /// A header parameter (`typ`, `kid`) that is present but not a string.
    #[error("the JWT's header \"{0}\" is not a string")]
    HeaderNotString(&'static str),
    /// The signature does not verify.
    #[error("the JWT's signature does not match")]
    BadSignature,

    // --- the claims ---
    /// A required claim is absent.
    #[error("the JWT has no \"{0}\" claim")]
    ClaimMissing(&'static str),
    /// A NumericDate claim that is not a number.
    #[error("the JWT's \"{0}\" claim is not a number")]
    ClaimNotNumber(&'static str),
    /// A claim that must be a string is not one.
    #[error("the JWT's \"{0}\" claim is not a string")]
    ClaimNotString(&'static str),
    /// `now` is past `exp` plus the leeway.
    #[error("the JWT has expired")]
    Expired,
    /// `now` plus the leeway is before `nbf`.
    #[error("the JWT is not valid yet (\"nbf\")")]
    NotYetValid,
    /// `iat` is after `now` plus the leeway.
    #[error("the JWT was issued in the future (\"iat\")")]
    IssuedInFuture,
    /// `iss` is not the configured issuer.
    #[error("the JWT's issuer \"{}\" is not the configured one", printable(.0))]
    IssuerMismatch(String),
    /// `aud` neither is nor contains the configured audience.
    #[error("the JWT's audience does not include \"{}\"", printable(.0))]
    AudienceMismatch(String),
    /// `aud` is neither a string nor an array of strings.
    #[error("the JWT's \"aud\" claim is not a string or an array of strings")]
    AudienceNotStrings,
    /// `sub` is an empty string.
    #[error("the JWT's \"sub\" claim is empty")]
    SubjectEmpty,
    /// `exp - iat` is longer than the configured maximum lifetime.
    #[error("the JWT's lifetime (exp - iat) is longer than the allowed {max} seconds")]
    LifetimeTooLong { max: i64 },
}

/// How a key for `alg` must look (for the error message).
fn key_forms(alg: &str) -> &'static str {
    if alg == "RS256" {
        "a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"
    } else {
        "a PEM Ed25519 public key (\"BEGIN PUBLIC KEY\")"
    }
}

use JwtError as Error;
type Result<T> = std::result::Result<T, Error>;

/// Longest token accepted, in bytes.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Deepest nesting of arrays and objects accepted in the header or payload
/// (the top-level object is level 1).
pub const MAX_JSON_DEPTH: usize = json::MAX_DEPTH;
/// Shortest RSA modulus accepted (RFC 7518, section 3.3).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest leeway accepted, in seconds.
pub const MAX_LEEWAY: i64 = 86_400;
/// Largest maximum lifetime (`exp - iat`) a caller may configure: ten years.
/// With `iat` no later than now plus the leeway, every accepted `exp` is then
/// within a few years of now, so times computed from it stay far inside
/// `i64` and MediaWiki's timestamps.
pub const MAX_MAX_LIFETIME: i64 = 10 * 366 * 86_400;

/// The signature algorithm, pinned by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Hs256,
    Rs256,
    EdDsa,
}

impl Algorithm {
    /// Parses the JOSE name, exactly: "HS256", "RS256" or "EdDSA".
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "HS256" => Ok(Algorithm::Hs256),
            "RS256" => Ok(Algorithm::Rs256),
            "EdDSA" => Ok(Algorithm::EdDsa),
            other => Err(Error::UnknownAlgorithm(other.to_string())),
        }
    }

    /// The JOSE name, as in a header's `alg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Rs256 => "RS256",
            Algorithm::EdDsa => "EdDSA",
        }
    }
}

/// What the claims must say: the configuration of a [`Verifier`]. The clock
/// is an argument of each verification.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The one accepted `iss`.
    pub issuer: &'a str,
    /// An `aud` must be this, or an array containing it.
    pub audience: &'a str,
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    pub leeway: i64,
    /// Longest accepted lifetime, `exp - iat`, in seconds (1 to
    /// [`MAX_MAX_LIFETIME`]).
    pub max_lifetime: i64,
}

/// A key, parsed for its algorithm.
enum Key {
    Hmac(Vec<u8>),
    Rsa(rsa::RsaPublicKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Where a JWT is verified: built once from the configuration (the key
/// parsed, every setting checked, a bad one a configuration error), then
/// asked about each token.
pub struct Verifier {
    alg: Algorithm,
    key: Key,
    issuer: String,
    audience: String,
    leeway: i64,
    max_lifetime: i64,
}

impl Verifier {
    /// Checks the configuration and parses the key.
    pub fn new(alg: Algorithm, key: &[u8], expect: &Expectations) -> Result<Verifier> {
        check_expectations(expect)?;
        Ok(Verifier {
            alg,
            key: parse_key(alg, key)?,
            issuer: expect.issuer.to_string(),
            audience: expect.audience.to_string(),
            leeway: expect.leeway,
            max_lifetime: expect.max_lifetime,
        })
    }

    /// Verifies `token` at `now` (seconds since the epoch) and returns its claims.
    pub fn verify(&self, token: &[u8], now: i64) -> Result<Map<String, Value>> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Error::TooLong {
                max: MAX_TOKEN_BYTES,
            });
        }
        let mut parts = token.split(|&b| b == b'.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::Malformed);
        };
        if header_b64.is_empty() || payload_b64.is_empty() {
            return Err(Error::Malformed);
        }
        // Unpadded, and canonical: no stray bits in a last partial group.
        let decode = |part: &[u8]| URL_SAFE_NO_PAD.decode(part).map_err(|_| Error::Malformed);
        let header_json = decode(header_b64)?;
        let payload_json = decode(payload_b64)?;
        let signature = decode(signature_b64)?;

        let header = parse_object(&header_json, "header")?;
        check_header(&header, self.alg)?;

        // The signed bytes are the first two parts exactly as they were sent.
        let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
        check_signature(&self.key, signing_input, &signature)?;

        let claims = parse_object(&payload_json, "payload")?;
        self.check_claims(&claims, now)?;
        Ok(claims)
    }

    fn check_claims(&self, claims: &Map<String, Value>, now: i64) -> Result<()> {
        // NumericDates may be fractional; f64 is exact for every integer time
        // before the year 285 million.
        let now = now as f64;
        let leeway = self.leeway as f64;

        let exp = numeric_date(claims, "exp")?.ok_or(Error::ClaimMissing("exp"))?;
        if now > exp + leeway {
            return Err(Error::Expired);
        }
        if let Some(nbf) = numeric_date(claims, "nbf")? {
            if now + leeway < nbf {
                return Err(Error::NotYetValid);
            }
        }
        let iat = numeric_date(claims, "iat")?.ok_or(Error::ClaimMissing("iat"))?;
        if iat > now + leeway {
            return Err(Error::IssuedInFuture);
        }
        // Bounds exp (iat is at most now + leeway), so that nothing computed
        // from it later (a replay record's expiry) can overflow.
        if exp - iat > self.max_lifetime as f64 {
            return Err(Error::LifetimeTooLong {
                max: self.max_lifetime,
            });
        }

        let iss = string_claim(claims, "iss")?;
        if iss != self.issuer {
            return Err(Error::IssuerMismatch(iss.to_string()));
        }

        let audience_ok = match claims.get("aud") {
            None => return Err(Error::ClaimMissing("aud")),
            Some(Value::String(aud)) => *aud == self.audience,
            Some(Value::Array(list)) => {
                if !list.iter().all(Value::is_string) {
                    return Err(Error::AudienceNotStrings);
                }
                list.iter()
                    .any(|a| a.as_str() == Some(self.audience.as_str()))
            }
            Some(_) => return Err(Error::AudienceNotStrings),
        };
        if !audience_ok {
            return Err(Error::AudienceMismatch(self.audience.clone()));
        }

        if string_claim(claims, "sub")?.is_empty() {
            return Err(Error::SubjectEmpty);
        }
        Ok(())
    }
}

/// Verifies `token` at `now` under `key` with the pinned `alg` and returns
/// its claims (a [`Verifier`] for one token).
pub fn verify(
    token: &[u8],
    alg: Algorithm,
    key: &[u8],
    expect: &Expectations,
    now: i64,
) -> Result<Map<String, Value>> {
    Verifier::new(alg, key, expect)?.verify(token, now)
}

fn check_expectations(expect: &Expectations) -> Result<()> {
    if expect.issuer.is_empty() {
        return Err(Error::NotConfigured("issuer"));
    }
    if expect.audience.is_empty() {
        return Err(Error::NotConfigured("audience"));
    }
    if !(0..=MAX_LEEWAY).contains(&expect.leeway) {
        return Err(Error::Leeway {
            leeway: expect.leeway,
            max: MAX_LEEWAY,
        });
    }
    if !(1..=MAX_MAX_LIFETIME).contains(&expect.max_lifetime) {
        return Err(Error::MaxLifetime {
            value: expect.max_lifetime,
            max: MAX_MAX_LIFETIME,
        });
    }
    Ok(())
}

/// Unarmors a PEM block: `(label, DER)`. Lines of any width, CRLF and
/// surrounding whitespace are accepted (configuration files get re-wrapped);
/// anything else around the one block, or inside it, is not.
fn pem_decode(text: &str) -> Option<(&str, Vec<u8>)> {
    let text = text.trim();
    let rest = text.strip_prefix("-----BEGIN ")?;
    let (label, rest) = rest.split_once("-----")?;
    let end = format!("-----END {label}-----");
    let body = rest.strip_suffix(end.as_str())?;
    let b64: String = body.split_ascii_whitespace().collect();
    Some((label, STANDARD.decode(b64).ok()?))
}

fn parse_key(alg: Algorithm, key: &[u8]) -> Result<Key> {
    if alg == Algorithm::Hs256 {
        if key.is_empty() {
            return Err(Error::EmptySecret);
        }
        if key.windows(11).any(|w| w == b"-----BEGIN ") {
            return Err(Error::SecretIsPem);
        }
        return Ok(Key::Hmac(key.to_vec()));
    }
    let name = alg.as_str();
    let bad = || Error::BadKey(name);
    let text = std::str::from_utf8(key).map_err(|_| bad())?;
    if text.contains("PRIVATE KEY-----") {
        return Err(Error::PrivateKey(name));
    }
    let (label, der) = pem_decode(text).ok_or_else(bad)?;
    match (alg, label) {
        (Algorithm::Rs256, "PUBLIC KEY" | "RSA PUBLIC KEY") => {
            let parsed = if label == "PUBLIC KEY" {
                rsa::RsaPublicKey::from_public_key_der(&der)
            } else {
                rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(Into::into)
            };
            let public = parsed.map_err(|_| bad())?;
            let bits = public.n().bits();
            if bits < MIN_RSA_BITS {
                return Err(Error::RsaKeyTooSmall {
                    bits,
                    min: MIN_RSA_BITS,
                });
            }
            Ok(Key::Rsa(public))
        }
        (Algorithm::EdDsa, "PUBLIC KEY") => ed25519_dalek::VerifyingKey::from_public_key_der(&der)
            .map(Key::Ed25519)
            .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

fn check_header(header: &Map<String, Value>, alg: Algorithm) -> Result<()> {
    let Some(Value::String(got)) = header.get("alg") else {
        return Err(Error::NoAlg);
    };
    if got.eq_ignore_ascii_case("none") {
        return Err(Error::AlgNone);
    }
    if got != alg.as_str() {
        return Err(Error::AlgMismatch {
            got: got.clone(),
            expected: alg.as_str(),
        });
    }
    if header.contains_key("crit") {
        return Err(Error::Crit);
    }
    for name in ["typ", "kid"] {
        if matches!(header.get(name), Some(v) if !v.is_string()) {
            return Err(Error::HeaderNotString(name));
        }
    }
    Ok(())
}

fn check_signature(key: &Key, signing_input: &[u8], signature: &[u8]) -> Result<()> {
    let ok = match key {
        // Constant-time comparison, by the one HMAC of digest.rs.
        Key::Hmac(secret) => digest::hmac_sha256_verify(secret, signing_input, signature),
        Key::Rsa(public) => public
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing_input),
                signature,
            )
            .is_ok(),
        Key::Ed25519(public) => match ed25519_dalek::Signature::from_slice(signature) {
            Ok(sig) => public.verify_strict(signing_input, &sig).is_ok(),
            Err(_) => false,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(Error::BadSignature)
    }
}

/// A NumericDate claim as seconds; `Ok(None)` when absent.
fn numeric_date(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(Error::ClaimNotNumber(name)),
        Some(_) => Err(Error::ClaimNotNumber(name)),
    }
}

fn string_claim<'c>(claims: &'c Map<String, Value>, name: &'static str) -> Result<&'c str> {
    match claims.get(name) {
        None => Err(Error::ClaimMissing(name)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Error::ClaimNotString(name)),
    }
}

/// A JWT part as a JSON object, read by the one strict reader.
fn parse_object(bytes: &[u8], part: &'static str) -> Result<Map<String, Value>> {
    json::object(bytes).map_err(|p| match p {
        json::Problem::NotJson { column } => Error::NotJson { part, column },
        json::Problem::NotObject => Error::NotObject(part),
        json::Problem::TooDeep => Error::TooDeep {
            part,
            max: MAX_JSON_DEPTH,
        },
        json::Problem::Duplicate(name) => Error::DuplicateMember { part, name },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Signer as _;
    use hmac::{Hmac, Mac};
    use rsa::pkcs8::DecodePrivateKey as _;
    use serde_json::json;

    // Fixed test keys, made once with `openssl genpkey -algorithm RSA
    // -pkeyopt rsa_keygen_bits:2048` (and 1024), `openssl pkey -pubout` and
    // `openssl rsa -RSAPublicKey_out`: generating 2048-bit keys in a debug
    // test build takes seconds. They protect nothing.
    const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEuwIBADANBgkqhkiG9w0BAQEFAASCBKUwggShAgEAAoIBAQCpJY2UHpmRuF5L
n6YpXiTuvlbtkG4rvRCnmdMoQNwPmXKjWZu1ysCKyHArrANLWEXt5+XgxN6ZAv+g
NEA//n9fm5fbNCin9ZT/6V9/x+88hJVzP8L+dNiE0z9oTJNv/awHYEbeG+44z/EJ
oDPC8tdeKnFvc2wjjjxTBkICMvpsDHzxtszlsmMPPWLStC45bLx8gOl4/xi2efrP
m6DQIjD34T9fGX2MDVz8jU2FrylUfUB6i5izWpK4Qu6A9ml6yI7wKlteLZ9G7hAt
EbkZZjzU+Bpqi/Im3NEZyt212swDsb18gGFBt5GsBJVZoT6M8DeZxW4WqfGacJev
MH7Pa5bdAgMBAAECggEAFsYFWKDBFO9RlNV/KfkwuEs8yXoFd1KalDJADZ6j8l66
4lbtgc21XEot3hdoDyQosCYlm3xuKwROFgwK7YLOs/jvOnZ8ldaZE9agQsRQx+Fi
/NQkJR3mzAVkN17+B9lL6OdTy1JP4erPXXgqF/CZwiYtRS/xap0bLqN8Ti7+a/8O
9GY8OVasgNK1fYpDchUxXDRXfK6IN9iPgM06YiHFxRPqO045bTcXWxT5ZHUQTDZ0
3v5HZLSZzZcenCSS4z/WV0uqAK3DkDjUS5ZiHvssuibWjPhpgxhji3agUjKIjWNi
E6sSHzlkj7AciDK+HjsJ6jWc74VNF2xQgXI3AzkFWQKBgQDsMjdubRwvkYv/MrRU
pJqknjaTLGdKY84to8VCzRiSVXwRjmIqyD434jbWlTpDmuRMdRhDE6AridNLiOtv
U2x4VMtiYEB7P1iSFfUfddtchARs7wM0vHMsBQYYEaf96YOXqKTcnHKeqO3OnD1f
nCSDz5o4fr+ZZAeTmWCjRAQTyQKBgQC3VCrJVF/sUrnyL4vjDvPWKGH6EUL7tZ4l
7MAAGiQ/s8Lb5E0HZFImONtQZ8AgfUBJypCpiT5YStlS3ztVQisIWcJCdrDaTxpn
8uYYCx+YmEcIQuU1+jO4idKCLX2G7eqI7uK9ugFzTbCb+xH5Pcavp81zbg7PZ4Jw
uPypWOgsdQJ/O/iEGoWZonpSEXnOT697lFCXisa7cyfkMbJjY5KvqngKCGsegb5W
DdpiEhnRsViinsccYeuZv3Q/Me6R2LJV2DevbEsEFEcBNhZdJp/GErdyaDZHmhw/
Ie4knffdr5qazucC9QDEGYTK3KrO6ne6zbzoa2/DNi8vvUo0P0AFyQKBgQCJHemW
hYXtIn6zFj7BR7i2T6PgPjLkQpWTdfyw1tyPzKqMfrfiNHWA4vudqsu3QRbpWhlS
xDSeIvVil1YwUXoQF9pEjbN+xLVSVAkmqIMsRZCzLB11frpaZrLM7Ks7VQ0a99kc
4FcfX1cdgu6RhVPqo0317LYlCB02pBVNsBKO1QKBgAypsaMm2TEo1zFBz6LTHaeA
e+XYElNao6nm1ahphXLgNSonPm4q97LybANJGTaUt1ScsWqH47V+omt6xZeFX8nf
8eF+ihuQVbHwYSl3Y+5GsqLTjZ7eR5BPYVnB/x5LP/HYTLmXWR7yWF0iPsgrfP7K
1MUWiyTQIt2qSUsD4T3U
-----END PRIVATE KEY-----
";
    const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqSWNlB6ZkbheS5+mKV4k
7r5W7ZBuK70Qp5nTKEDcD5lyo1mbtcrAishwK6wDS1hF7efl4MTemQL/oDRAP/5/
X5uX2zQop/WU/+lff8fvPISVcz/C/nTYhNM/aEyTb/2sB2BG3hvuOM/xCaAzwvLX
Xipxb3NsI448UwZCAjL6bAx88bbM5bJjDz1i0rQuOWy8fIDpeP8Ytnn6z5ug0CIw
9+E/Xxl9jA1c/I1Nha8pVH1AeouYs1qSuELugPZpesiO8CpbXi2fRu4QLRG5GWY8
1PgaaovyJtzRGcrdtdrMA7G9fIBhQbeRrASVWaE+jPA3mcVuFqnxmnCXrzB+z2uW
3QIDAQAB
-----END PUBLIC KEY-----
";
    const RSA_PUBLIC_PKCS1_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAqSWNlB6ZkbheS5+mKV4k7r5W7ZBuK70Qp5nTKEDcD5lyo1mbtcrA
ishwK6wDS1hF7efl4MTemQL/oDRAP/5/X5uX2zQop/WU/+lff8fvPISVcz/C/nTY
hNM/aEyTb/2sB2BG3hvuOM/xCaAzwvLXXipxb3NsI448UwZCAjL6bAx88bbM5bJj
Dz1i0rQuOWy8fIDpeP8Ytnn6z5ug0CIw9+E/Xxl9jA1c/I1Nha8pVH1AeouYs1qS
uELugPZpesiO8CpbXi2fRu4QLRG5GWY81PgaaovyJtzRGcrdtdrMA7G9fIBhQbeR
rASVWaE+jPA3mcVuFqnxmnCXrzB+z2uW3QIDAQAB
-----END RSA PUBLIC KEY-----
";
    const RSA_1024_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5UwG/yu0cnUCMbM6MJcHroNQL
JAj1KJy3XZgOTbv84Hqvldhtwc298P5OlSlmpestZrcD+bR5J8Xwr1LunpOzUZVK
K9MJyfNhp8uPbOc+ljjpDE8iBN+LXs8okA9+Uk+GDvD8aoB5hiEOQQ7pKidVaZKx
bh5TajqMG+qzGj8FqQIDAQAB
-----END PUBLIC KEY-----
";

    const ISS: &str = "https://idp.example.org";
    const AUD: &str = "mediawiki";
    const NOW: i64 = 1_700_000_000;
    const SECRET: &[u8] = b"a shared secret of at least thirty-two bytes";

    fn expect() -> Expectations<'static> {
        Expectations {
            issuer: ISS,
            audience: AUD,
            leeway: 30,
            max_lifetime: 86_400,
        }
    }

    fn claims() -> Value {
        json!({
            "iss": ISS,
            "aud": AUD,
            "sub": "alice",
            "iat": NOW - 10,
            "exp": NOW + 300,
        })
    }

    /// `claims()` with members replaced, or removed where the value is null.
    fn with(changes: Value) -> Value {
        let mut c = claims();
        let map = c.as_object_mut().unwrap();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                map.remove(k);
            } else {
                map.insert(k.clone(), v.clone());
            }
        }
        c
    }

    fn header(alg: &str) -> Value {
        json!({ "alg": alg, "typ": "JWT" })
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn input_raw(header: &[u8], payload: &[u8]) -> String {
        format!("{}.{}", b64(header), b64(payload))
    }

    fn hs256_raw(secret: &[u8], header: &[u8], payload: &[u8]) -> String {
        let input = input_raw(header, payload);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    }

    fn hs256_with(secret: &[u8], header: &Value, payload: &Value) -> String {
        hs256_raw(
            secret,
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        )
    }

    fn hs256(payload: &Value) -> String {
        hs256_with(SECRET, &header("HS256"), payload)
    }

    fn rs256_with(header: &Value, payload: &Value) -> String {
        let (_, der) = pem_decode(RSA_PRIVATE_PEM).unwrap();
        let private = rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap();
        let input = input_raw(
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        );
        let sig = private
            .sign(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(input.as_bytes()),
            )
            .unwrap();
        format!("{input}.{}", b64(&sig))
    }

    fn rs256(payload: &Value) -> String {
        rs256_with(&header("RS256"), payload)
    }

    fn ed_key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
    }

    /// SPKI PEM of an Ed25519 public key, built as the PHP tests build it.
    fn ed_public_pem(key: &ed25519_dalek::VerifyingKey) -> String {
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(key.as_bytes());
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    }

    fn ed_pem() -> String {
        ed_public_pem(&ed_key().verifying_key())
    }

    fn eddsa_with(header: &Value, payload: &Value) -> String {
        let input = input_raw(
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        );
        let sig = ed_key().sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    }

    fn eddsa(payload: &Value) -> String {
        eddsa_with(&header("EdDSA"), payload)
    }

    fn check_hs(token: &str) -> Result<Map<String, Value>> {
        verify(token.as_bytes(), Algorithm::Hs256, SECRET, &expect(), NOW)
    }

    fn check_rs(token: &str) -> Result<Map<String, Value>> {
        verify(
            token.as_bytes(),
            Algorithm::Rs256,
            RSA_PUBLIC_PEM.as_bytes(),
            &expect(),
            NOW,
        )
    }

    fn check_ed(token: &str) -> Result<Map<String, Value>> {
        verify(
            token.as_bytes(),
            Algorithm::EdDsa,
            ed_pem().as_bytes(),
            &expect(),
            NOW,
        )
    }

    /// HS256 with the given claims: the quickest way to test claim rules.
    fn claims_result(payload: Value) -> Result<Map<String, Value>> {
        check_hs(&hs256(&payload))
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    /// Replaces part `index` (0, 1 or 2) of a token.
    fn replace_part(token: &str, index: usize, part: &str) -> String {
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[index] = part;
        parts.join(".")
    }

    /// Flips one bit in the decoded signature.
    fn flip_signature_bit(token: &str) -> String {
        let sig = token.rsplit('.').next().unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
        bytes[5] ^= 0x01;
        replace_part(token, 2, &b64(&bytes))
    }

    #[test]
    fn valid_tokens_of_each_algorithm() {
        let want = object(claims());
        assert_eq!(check_hs(&hs256(&claims())).unwrap(), want);
        assert_eq!(check_rs(&rs256(&claims())).unwrap(), want);
        assert_eq!(check_ed(&eddsa(&claims())).unwrap(), want);
        // PKCS#1 "BEGIN RSA PUBLIC KEY" works as well as SPKI.
        assert_eq!(
            verify(
                rs256(&claims()).as_bytes(),
                Algorithm::Rs256,
                RSA_PUBLIC_PKCS1_PEM.as_bytes(),
                &expect(),
                NOW
            )
            .unwrap(),
            want
        );
    }

    #[test]
    fn every_claim_comes_back() {
        let payload = with(json!({
            "groups": ["sysop", "bureaucrat"],
            "name": "Älice \u{1F600}",
            "nested": {"a": [1, 2.5, null, true]},
            "exp": (NOW as f64) + 0.5,
        }));
        assert_eq!(claims_result(payload.clone()).unwrap(), object(payload));
    }

    #[test]
    fn algorithm_names_are_exact() {
        for alg in [Algorithm::Hs256, Algorithm::Rs256, Algorithm::EdDsa] {
            assert_eq!(Algorithm::parse(alg.as_str()), Ok(alg));
        }
        for bad in ["hs256", "RS384", "EDDSA", "ES256", "none", "", " HS256"] {
            assert_eq!(
                Algorithm::parse(bad),
                Err(Error::UnknownAlgorithm(bad.to_string()))
            );
        }
        assert_eq!(
            Algorithm::parse("x").unwrap_err().to_string(),
            "unknown JWT algorithm \"x\": use \"HS256\", \"RS256\" or \"EdDSA\""
        );
    }

    #[test]
    fn lifetime_is_capped_so_exp_stays_in_range() {
        // exp - iat at the cap is accepted, one second more is not.
        assert!(claims_result(with(json!({"iat": NOW - 10, "exp": NOW - 10 + 86_400}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"iat": NOW - 10, "exp": NOW - 9 + 86_400}))),
            Err(Error::LifetimeTooLong { max: 86_400 })
        );
        // Far futures and values beyond i64 are refused, never wrapped.
        for exp in [json!(1e19), json!(1e23), json!(9.3e18), json!(i64::MAX)] {
            assert_eq!(
                claims_result(with(json!({ "exp": exp }))),
                Err(Error::LifetimeTooLong { max: 86_400 }),
                "{exp}"
            );
        }
        // A very old iat cannot stretch the window either.
        assert_eq!(
            claims_result(with(json!({"iat": -1e19}))),
            Err(Error::LifetimeTooLong { max: 86_400 })
        );
        for max_lifetime in [0, -1, MAX_MAX_LIFETIME + 1, i64::MIN, i64::MAX] {
            assert_eq!(
                verify(
                    hs256(&claims()).as_bytes(),
                    Algorithm::Hs256,
                    SECRET,
                    &Expectations {
                        max_lifetime,
                        ..expect()
                    },
                    NOW
                ),
                Err(Error::MaxLifetime {
                    value: max_lifetime,
                    max: MAX_MAX_LIFETIME
                })
            );
        }
    }

    #[test]
    fn exp_with_leeway_boundaries() {
        // now > exp + leeway is expired; equal is still valid.
        assert!(claims_result(with(json!({"exp": NOW - 30}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"exp": NOW - 31}))),
            Err(Error::Expired)
        );
        assert!(claims_result(with(json!({"exp": (NOW as f64) - 29.5}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"exp": (NOW as f64) - 30.5}))),
            Err(Error::Expired)
        );
        let strict = Expectations {
            leeway: 0,
            ..expect()
        };
        let at = |exp: i64| {
            verify(
                hs256(&with(json!({"exp": exp}))).as_bytes(),
                Algorithm::Hs256,
                SECRET,
                &strict,
                NOW,
            )
        };
        assert!(at(NOW).is_ok());
        assert_eq!(at(NOW - 1), Err(Error::Expired));
        assert_eq!(Error::Expired.to_string(), "the JWT has expired");
    }

    #[test]
    fn nbf_with_leeway_boundaries() {
        assert!(claims_result(with(json!({"nbf": NOW + 30}))).is_ok());
        assert!(claims_result(with(json!({"nbf": NOW - 1000}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"nbf": NOW + 31}))),
            Err(Error::NotYetValid)
        );
        assert_eq!(
            claims_result(with(json!({"nbf": (NOW as f64) + 30.25}))),
            Err(Error::NotYetValid)
        );
    }

    #[test]
    fn iat_with_leeway_boundaries() {
        assert!(claims_result(with(json!({"iat": NOW + 30}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"iat": NOW + 31}))),
            Err(Error::IssuedInFuture)
        );
        // Any time in the past will do, within the lifetime cap.
        assert!(claims_result(with(json!({"iat": NOW - 86_000}))).is_ok());
        assert_eq!(
            claims_result(with(json!({"iat": 0}))),
            Err(Error::LifetimeTooLong { max: 86_400 })
        );
    }

    #[test]
    fn time_claims_must_be_numbers() {
        assert_eq!(
            claims_result(with(json!({"exp": null}))),
            Err(Error::ClaimMissing("exp"))
        );
        assert_eq!(
            claims_result(with(json!({"iat": null}))),
            Err(Error::ClaimMissing("iat"))
        );
        for bad in [json!("1800000000"), json!(true), json!([NOW]), json!({})] {
            for name in ["exp", "nbf", "iat"] {
                assert_eq!(
                    claims_result(with(json!({ name: bad.clone() }))),
                    Err(Error::ClaimNotNumber(name)),
                    "{name} = {bad}"
                );
            }
        }
        // A JSON null is not a number either (and not "absent").
        let mut c = claims();
        c["nbf"] = Value::Null;
        assert_eq!(claims_result(c), Err(Error::ClaimNotNumber("nbf")));
        assert_eq!(
            Error::ClaimMissing("sub").to_string(),
            "the JWT has no \"sub\" claim"
        );
    }

    #[test]
    fn issuer_must_match_exactly() {
        for other in [
            "https://idp.example.org/",
            "https://IDP.example.org",
            "",
            "x",
        ] {
            assert_eq!(
                claims_result(with(json!({ "iss": other }))),
                Err(Error::IssuerMismatch(other.to_string()))
            );
        }
        assert_eq!(
            claims_result(with(json!({"iss": null}))),
            Err(Error::ClaimMissing("iss"))
        );
        assert_eq!(
            claims_result(with(json!({"iss": [ISS]}))),
            Err(Error::ClaimNotString("iss"))
        );
        assert_eq!(
            Error::IssuerMismatch("x".into()).to_string(),
            "the JWT's issuer \"x\" is not the configured one"
        );
        // Claim values are quoted safely.
        assert_eq!(
            Error::IssuerMismatch("a\nb".into()).to_string(),
            "the JWT's issuer \"a\\nb\" is not the configured one"
        );
    }

    #[test]
    fn audience_string_or_array() {
        assert!(claims_result(with(json!({"aud": [AUD]}))).is_ok());
        assert!(claims_result(with(json!({"aud": ["other", AUD]}))).is_ok());
        let mismatch = Err(Error::AudienceMismatch(AUD.to_string()));
        assert_eq!(claims_result(with(json!({"aud": "other"}))), mismatch);
        assert_eq!(claims_result(with(json!({"aud": "MEDIAWIKI"}))), mismatch);
        assert_eq!(claims_result(with(json!({"aud": ["a", "b"]}))), mismatch);
        assert_eq!(claims_result(with(json!({"aud": []}))), mismatch);
        assert_eq!(
            claims_result(with(json!({"aud": null}))),
            Err(Error::ClaimMissing("aud"))
        );
        for bad in [
            json!(5),
            json!({"aud": AUD}),
            json!([AUD, 5]),
            json!([[AUD]]),
        ] {
            assert_eq!(
                claims_result(with(json!({ "aud": bad }))),
                Err(Error::AudienceNotStrings)
            );
        }
        assert_eq!(
            Error::AudienceMismatch("y".into()).to_string(),
            "the JWT's audience does not include \"y\""
        );
    }

    #[test]
    fn subject_required_non_empty_string() {
        assert_eq!(
            claims_result(with(json!({"sub": null}))),
            Err(Error::ClaimMissing("sub"))
        );
        assert_eq!(
            claims_result(with(json!({"sub": ""}))),
            Err(Error::SubjectEmpty)
        );
        assert_eq!(
            claims_result(with(json!({"sub": 42}))),
            Err(Error::ClaimNotString("sub"))
        );
    }

    #[test]
    fn alg_must_be_the_pinned_one() {
        let mismatch = |got: &str, expected: &'static str| {
            Err(Error::AlgMismatch {
                got: got.to_string(),
                expected,
            })
        };
        assert_eq!(check_rs(&hs256(&claims())), mismatch("HS256", "RS256"));
        assert_eq!(check_ed(&hs256(&claims())), mismatch("HS256", "EdDSA"));
        assert_eq!(check_hs(&rs256(&claims())), mismatch("RS256", "HS256"));
        assert_eq!(check_rs(&eddsa(&claims())), mismatch("EdDSA", "RS256"));
        assert_eq!(check_ed(&rs256(&claims())), mismatch("RS256", "EdDSA"));
        // Case matters.
        let lower = hs256_with(SECRET, &header("hs256"), &claims());
        assert_eq!(check_hs(&lower), mismatch("hs256", "HS256"));
        assert_eq!(
            mismatch("HS256", "RS256").unwrap_err().to_string(),
            "the JWT's alg \"HS256\" is not the configured RS256"
        );
    }

    #[test]
    fn key_confusion_is_refused() {
        // The classic attack: an HS256 token whose HMAC secret is the RS256
        // public key, sent to a verifier configured for RS256.
        let forged = hs256_with(RSA_PUBLIC_PEM.as_bytes(), &header("HS256"), &claims());
        assert!(matches!(check_rs(&forged), Err(Error::AlgMismatch { .. })));
        let forged_pkcs1 = hs256_with(RSA_PUBLIC_PKCS1_PEM.as_bytes(), &header("HS256"), &claims());
        assert!(matches!(
            verify(
                forged_pkcs1.as_bytes(),
                Algorithm::Rs256,
                RSA_PUBLIC_PKCS1_PEM.as_bytes(),
                &expect(),
                NOW
            ),
            Err(Error::AlgMismatch { .. })
        ));
        // The same with the header claiming RS256: the HMAC is no RSA signature.
        let relabelled = hs256_with(RSA_PUBLIC_PEM.as_bytes(), &header("RS256"), &claims());
        assert_eq!(check_rs(&relabelled), Err(Error::BadSignature));
        let ed_pem = ed_pem();
        let relabelled = hs256_with(ed_pem.as_bytes(), &header("EdDSA"), &claims());
        assert_eq!(check_ed(&relabelled), Err(Error::BadSignature));
        // And a verifier misconfigured with a public key as HS256 secret
        // refuses to run at all.
        assert_eq!(
            verify(
                forged.as_bytes(),
                Algorithm::Hs256,
                RSA_PUBLIC_PEM.as_bytes(),
                &expect(),
                NOW
            ),
            Err(Error::SecretIsPem)
        );
    }

    #[test]
    fn alg_none_is_always_refused() {
        for none in ["none", "None", "NONE", "nOnE"] {
            let header = json!({ "alg": none });
            let unsigned = format!(
                "{}.",
                input_raw(
                    header.to_string().as_bytes(),
                    claims().to_string().as_bytes()
                )
            );
            assert_eq!(check_hs(&unsigned), Err(Error::AlgNone));
            assert_eq!(check_rs(&unsigned), Err(Error::AlgNone));
            assert_eq!(check_ed(&unsigned), Err(Error::AlgNone));
            // Even with a valid HMAC over it.
            assert_eq!(
                check_hs(&hs256_with(SECRET, &header, &claims())),
                Err(Error::AlgNone)
            );
        }
        assert_eq!(Error::AlgNone.to_string(), "alg \"none\" is never accepted");
    }

    #[test]
    fn header_rules() {
        for h in [
            json!({}),
            json!({"alg": 256}),
            json!({"alg": null}),
            json!({"typ": "JWT"}),
        ] {
            assert_eq!(
                check_hs(&hs256_with(SECRET, &h, &claims())),
                Err(Error::NoAlg)
            );
        }
        let crit = json!({"alg": "HS256", "crit": ["exp"], "exp": 1});
        assert_eq!(
            check_hs(&hs256_with(SECRET, &crit, &claims())),
            Err(Error::Crit)
        );
        let ok = json!({"alg": "HS256", "kid": "key-1", "typ": "at+jwt"});
        assert!(check_hs(&hs256_with(SECRET, &ok, &claims())).is_ok());
        let ok = json!({"alg": "HS256"});
        assert!(check_hs(&hs256_with(SECRET, &ok, &claims())).is_ok());
        for name in ["typ", "kid"] {
            let h = json!({"alg": "HS256", name: 1});
            assert_eq!(
                check_hs(&hs256_with(SECRET, &h, &claims())),
                Err(Error::HeaderNotString(name))
            );
        }
    }

    #[test]
    fn tampered_payload_is_refused() {
        let evil = with(json!({"sub": "admin"}));
        let evil_b64 = b64(evil.to_string().as_bytes());
        for (token, check) in [
            (
                hs256(&claims()),
                check_hs as fn(&str) -> Result<Map<String, Value>>,
            ),
            (rs256(&claims()), check_rs),
            (eddsa(&claims()), check_ed),
        ] {
            let tampered = replace_part(&token, 1, &evil_b64);
            assert_eq!(check(&tampered), Err(Error::BadSignature));
            // Tampering with the header counts too.
            let h = b64(json!({"alg": token_alg(&token), "kid": "x"})
                .to_string()
                .as_bytes());
            assert_eq!(
                check(&replace_part(&token, 0, &h)),
                Err(Error::BadSignature)
            );
        }
        assert_eq!(
            Error::BadSignature.to_string(),
            "the JWT's signature does not match"
        );
    }

    fn token_alg(token: &str) -> String {
        let h = URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap();
        let v: Value = serde_json::from_slice(&h).unwrap();
        v["alg"].as_str().unwrap().to_string()
    }

    #[test]
    fn tampered_signature_is_refused() {
        for (token, check) in [
            (
                hs256(&claims()),
                check_hs as fn(&str) -> Result<Map<String, Value>>,
            ),
            (rs256(&claims()), check_rs),
            (eddsa(&claims()), check_ed),
        ] {
            assert!(check(&token).is_ok());
            assert_eq!(check(&flip_signature_bit(&token)), Err(Error::BadSignature));
            let sig = token.rsplit('.').next().unwrap();
            let bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
            let short = &b64(&bytes[..bytes.len() - 3]);
            assert_eq!(
                check(&replace_part(&token, 2, short)),
                Err(Error::BadSignature)
            );
            assert_eq!(
                check(&replace_part(&token, 2, "")),
                Err(Error::BadSignature)
            );
            let long = format!("{sig}AAAA");
            assert_eq!(
                check(&replace_part(&token, 2, &long)),
                Err(Error::BadSignature)
            );
        }
        // A token signed by another secret or key.
        let other = hs256_with(b"another secret", &header("HS256"), &claims());
        assert_eq!(check_hs(&other), Err(Error::BadSignature));
        let other_ed = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
        let input = input_raw(
            header("EdDSA").to_string().as_bytes(),
            claims().to_string().as_bytes(),
        );
        let forged = format!(
            "{input}.{}",
            b64(&other_ed.sign(input.as_bytes()).to_bytes())
        );
        assert_eq!(check_ed(&forged), Err(Error::BadSignature));
    }

    #[test]
    fn claims_are_not_read_before_the_signature_is_checked() {
        // An expired token with a bad signature reports the signature.
        let token = flip_signature_bit(&hs256(&with(json!({"exp": 1}))));
        assert_eq!(check_hs(&token), Err(Error::BadSignature));
        // A payload that is not JSON, unsigned by us: the signature first.
        let bad = format!(
            "{}.{}.{}",
            b64(br#"{"alg":"HS256"}"#),
            b64(b"nope"),
            b64(b"x")
        );
        assert_eq!(check_hs(&bad), Err(Error::BadSignature));
    }

    #[test]
    fn garbage_is_not_three_base64url_parts() {
        let good = hs256(&claims());
        let padded = replace_part(&good, 1, &format!("{}==", good.split('.').nth(1).unwrap()));
        let inputs: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"garbage".to_vec(),
            b"a.b".to_vec(),
            b"..".to_vec(),
            b"a.b.c.d".to_vec(),
            format!("{good}.").into_bytes(),
            format!(" {good}").into_bytes(),
            format!("{good}\n").into_bytes(),
            good.replace('.', ". ").into_bytes(),
            padded.into_bytes(),
            b"eyJ+.eyJ/.abc".to_vec(),
            b"\xff\xfe.\x00.\xc3\x28".to_vec(),
            format!("Bearer {good}").into_bytes(),
        ];
        for input in inputs {
            assert_eq!(
                verify(&input, Algorithm::Hs256, SECRET, &expect(), NOW),
                Err(Error::Malformed),
                "{}",
                String::from_utf8_lossy(&input)
            );
        }
        // Non-canonical base64url: the 32-byte HS256 signature is 43
        // characters, whose last one carries 2 unused bits. Setting one
        // decodes to the same bytes in a lax decoder; here it is malformed.
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let sig = good.rsplit('.').next().unwrap();
        assert_eq!(sig.len(), 43);
        let last = sig.as_bytes()[42];
        let index = ALPHABET.iter().position(|&c| c == last).unwrap();
        let lax = format!("{}{}", &sig[..42], ALPHABET[index ^ 1] as char);
        assert_eq!(
            check_hs(&replace_part(&good, 2, &lax)),
            Err(Error::Malformed)
        );
        // A single base64url character encodes nothing.
        assert_eq!(
            check_hs(&replace_part(&good, 0, "e")),
            Err(Error::Malformed)
        );
        assert_eq!(
            Error::Malformed.to_string(),
            "the JWT is not three base64url parts"
        );
    }

    #[test]
    fn header_and_payload_must_be_json_objects() {
        let sign = |h: &[u8], p: &[u8]| hs256_raw(SECRET, h, p);
        let claims_json = claims().to_string();
        assert_eq!(
            check_hs(&sign(b"not json", claims_json.as_bytes())),
            Err(Error::NotJson {
                part: "header",
                column: 2
            })
        );
        // An empty part is no base64url part at all.
        assert_eq!(
            check_hs(&sign(b"", claims_json.as_bytes())),
            Err(Error::Malformed)
        );
        assert_eq!(
            check_hs(&sign(b" ", claims_json.as_bytes())),
            Err(Error::NotJson {
                part: "header",
                column: 1
            })
        );
        assert_eq!(
            check_hs(&sign(br#"["HS256"]"#, claims_json.as_bytes())),
            Err(Error::NotObject("header"))
        );
        let h = br#"{"alg":"HS256"}"#;
        assert!(matches!(
            check_hs(&sign(h, b"{\"sub\":")),
            Err(Error::NotJson {
                part: "payload",
                ..
            })
        ));
        assert!(matches!(
            check_hs(&sign(h, b"{\"sub\":\"\xff\"}")),
            Err(Error::NotJson {
                part: "payload",
                ..
            })
        ));
        assert!(matches!(
            check_hs(&sign(h, format!("{claims_json} x").as_bytes())),
            Err(Error::NotJson {
                part: "payload",
                ..
            })
        ));
        assert_eq!(
            check_hs(&sign(h, b"\"a string\"")),
            Err(Error::NotObject("payload"))
        );
        // Whitespace around the JSON is fine.
        assert!(check_hs(&sign(b" {\"alg\":\"HS256\"}\n", claims_json.as_bytes())).is_ok());
    }

    #[test]
    fn duplicate_members_are_refused() {
        // A parser that keeps the last (or first) member would see another alg.
        let h = br#"{"alg":"HS256","alg":"none"}"#;
        let p = claims().to_string();
        assert_eq!(
            check_hs(&hs256_raw(SECRET, h, p.as_bytes())),
            Err(Error::DuplicateMember {
                part: "header",
                name: "alg".into()
            })
        );
        let p = format!("{},\"sub\":\"admin\"}}", p.trim_end_matches('}'));
        assert_eq!(
            check_hs(&hs256_raw(SECRET, br#"{"alg":"HS256"}"#, p.as_bytes())),
            Err(Error::DuplicateMember {
                part: "payload",
                name: "sub".into()
            })
        );
        // Nested objects too, and the same name at different levels is fine.
        let p = with(json!({"x": {"sub": 1, "y": {"a": 1}}})).to_string();
        assert!(check_hs(&hs256_raw(SECRET, br#"{"alg":"HS256"}"#, p.as_bytes())).is_ok());
        let p = format!(
            "{},\"x\":{{\"a\":1,\"a\":2}}}}",
            claims().to_string().trim_end_matches('}')
        );
        assert!(matches!(
            check_hs(&hs256_raw(SECRET, br#"{"alg":"HS256"}"#, p.as_bytes())),
            Err(Error::DuplicateMember {
                part: "payload",
                ..
            })
        ));
    }

    #[test]
    fn nesting_is_bounded() {
        let nest = |depth: usize| {
            let inner = format!("{}1{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
            format!(
                "{},\"deep\":{inner}}}",
                claims().to_string().trim_end_matches('}')
            )
        };
        let h = br#"{"alg":"HS256"}"#;
        assert!(check_hs(&hs256_raw(SECRET, h, nest(MAX_JSON_DEPTH).as_bytes())).is_ok());
        assert_eq!(
            check_hs(&hs256_raw(SECRET, h, nest(MAX_JSON_DEPTH + 1).as_bytes())),
            Err(Error::TooDeep {
                part: "payload",
                max: MAX_JSON_DEPTH
            })
        );
        // Far beyond serde_json's own limit, still our error.
        let deep = format!("{{\"alg\":\"HS256\",\"x\":{}}}", "[".repeat(5000));
        assert!(matches!(
            check_hs(&hs256_raw(SECRET, deep.as_bytes(), b"{}")),
            Err(Error::TooLong { .. }) | Err(Error::TooDeep { part: "header", .. })
        ));
        let deep = format!("{{\"alg\":\"HS256\",\"x\":{}}}", "[".repeat(1000));
        assert!(matches!(
            check_hs(&hs256_raw(SECRET, deep.as_bytes(), b"{}")),
            Err(Error::TooDeep { part: "header", .. })
        ));
    }

    #[test]
    fn length_is_capped() {
        let padding = "x".repeat(MAX_TOKEN_BYTES);
        let token = hs256(&with(json!({ "pad": padding })));
        assert_eq!(
            check_hs(&token),
            Err(Error::TooLong {
                max: MAX_TOKEN_BYTES
            })
        );
        let big = vec![b'a'; 10 * MAX_TOKEN_BYTES];
        assert_eq!(
            verify(&big, Algorithm::Hs256, SECRET, &expect(), NOW),
            Err(Error::TooLong {
                max: MAX_TOKEN_BYTES
            })
        );
        // Just under the cap is fine.
        let base = hs256(&claims()).len();
        let room = (MAX_TOKEN_BYTES - base) * 3 / 4 - 20;
        let token = hs256(&with(json!({ "pad": "x".repeat(room) })));
        assert!(token.len() <= MAX_TOKEN_BYTES);
        assert!(check_hs(&token).is_ok());
    }

    #[test]
    fn keys_that_do_not_fit_are_refused() {
        let token = hs256(&claims());
        let run = |alg, key: &[u8]| verify(token.as_bytes(), alg, key, &expect(), NOW);
        assert_eq!(run(Algorithm::Hs256, b""), Err(Error::EmptySecret));
        assert_eq!(run(Algorithm::Rs256, b""), Err(Error::BadKey("RS256")));
        assert_eq!(run(Algorithm::EdDsa, b""), Err(Error::BadKey("EdDSA")));
        assert_eq!(run(Algorithm::Rs256, SECRET), Err(Error::BadKey("RS256")));
        assert_eq!(
            run(Algorithm::Rs256, b"\xff-----BEGIN PUBLIC KEY-----"),
            Err(Error::BadKey("RS256"))
        );
        assert_eq!(
            run(
                Algorithm::Rs256,
                b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            ),
            Err(Error::BadKey("RS256"))
        );
        // The other algorithm's key.
        assert_eq!(
            run(Algorithm::Rs256, ed_pem().as_bytes()),
            Err(Error::BadKey("RS256"))
        );
        assert_eq!(
            run(Algorithm::EdDsa, RSA_PUBLIC_PEM.as_bytes()),
            Err(Error::BadKey("EdDSA"))
        );
        assert_eq!(
            run(Algorithm::EdDsa, RSA_PUBLIC_PKCS1_PEM.as_bytes()),
            Err(Error::BadKey("EdDSA"))
        );
        // A private key is never configured where a public key belongs.
        assert_eq!(
            run(Algorithm::Rs256, RSA_PRIVATE_PEM.as_bytes()),
            Err(Error::PrivateKey("RS256"))
        );
        assert_eq!(
            run(Algorithm::Hs256, RSA_PRIVATE_PEM.as_bytes()),
            Err(Error::SecretIsPem)
        );
        // One PEM block, with matching labels, and nothing else.
        let body = RSA_PUBLIC_PEM
            .trim()
            .strip_prefix("-----BEGIN PUBLIC KEY-----")
            .unwrap()
            .strip_suffix("-----END PUBLIC KEY-----")
            .unwrap();
        for pem in [
            format!("-----BEGIN PUBLIC KEY-----{body}-----END RSA PUBLIC KEY-----"),
            format!("-----BEGIN RSA PUBLIC KEY-----{body}-----END RSA PUBLIC KEY-----"),
            format!("-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----"),
            format!("-----BEGIN PUBLIC KEY-----\nX: y\n{body}-----END PUBLIC KEY-----"),
            format!("key: {RSA_PUBLIC_PEM}"),
            format!("{RSA_PUBLIC_PEM}{RSA_PUBLIC_PEM}"),
            format!("-----BEGIN PUBLIC KEY-----{body}"),
            RSA_PUBLIC_PEM.replace("Q", "*"),
        ] {
            assert_eq!(
                run(Algorithm::Rs256, pem.as_bytes()),
                Err(Error::BadKey("RS256")),
                "{pem}"
            );
        }
        // A public key with a private key after it is still a private key
        // in the configuration.
        let both = format!("{RSA_PUBLIC_PEM}{RSA_PRIVATE_PEM}");
        assert_eq!(
            run(Algorithm::Rs256, both.as_bytes()),
            Err(Error::PrivateKey("RS256"))
        );
        // Too short an RSA key.
        assert_eq!(
            run(Algorithm::Rs256, RSA_1024_PUBLIC_PEM.as_bytes()),
            Err(Error::RsaKeyTooSmall {
                bits: 1024,
                min: MIN_RSA_BITS
            })
        );
        // Messages name the problem and never quote the key.
        for e in [
            run(Algorithm::Rs256, SECRET).unwrap_err(),
            run(Algorithm::Rs256, RSA_PRIVATE_PEM.as_bytes()).unwrap_err(),
        ] {
            let m = e.to_string();
            assert!(m.contains("RS256 key"), "{m}");
            assert!(!m.contains("MII"), "{m}");
        }
    }

    #[test]
    fn pem_layout_is_tolerated() {
        let token = rs256(&claims());
        let body: String = RSA_PUBLIC_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let wrapped = |width: usize| {
            let lines: Vec<&str> = body
                .as_bytes()
                .chunks(width)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                lines.join("\n")
            )
        };
        let variants = [
            RSA_PUBLIC_PEM.replace('\n', "\r\n"),
            format!("\n\n  {RSA_PUBLIC_PEM}  \n"),
            RSA_PUBLIC_PEM.trim_end().to_string(),
            wrapped(64),
            wrapped(76),
            wrapped(10_000),
        ];
        for pem in &variants {
            assert!(
                verify(
                    token.as_bytes(),
                    Algorithm::Rs256,
                    pem.as_bytes(),
                    &expect(),
                    NOW
                )
                .is_ok(),
                "{pem:?}"
            );
        }
    }

    #[test]
    fn configuration_is_checked() {
        let token = hs256(&claims());
        let run = |e: Expectations| verify(token.as_bytes(), Algorithm::Hs256, SECRET, &e, NOW);
        assert_eq!(
            run(Expectations {
                issuer: "",
                ..expect()
            }),
            Err(Error::NotConfigured("issuer"))
        );
        assert_eq!(
            run(Expectations {
                audience: "",
                ..expect()
            }),
            Err(Error::NotConfigured("audience"))
        );
        for leeway in [-1, MAX_LEEWAY + 1, i64::MIN, i64::MAX] {
            assert_eq!(
                run(Expectations { leeway, ..expect() }),
                Err(Error::Leeway {
                    leeway,
                    max: MAX_LEEWAY
                })
            );
        }
        assert!(run(Expectations {
            leeway: MAX_LEEWAY,
            ..expect()
        })
        .is_ok());
        // Extreme clocks neither panic nor wrap.
        for now in [i64::MIN, i64::MAX] {
            assert!(verify(token.as_bytes(), Algorithm::Hs256, SECRET, &expect(), now).is_err());
        }
    }

    #[test]
    fn messages_never_quote_the_token_or_key() {
        let good = hs256(&claims());
        let payload_part = good.split('.').nth(1).unwrap().to_string();
        let sig_part = good.rsplit('.').next().unwrap().to_string();
        let cases = [
            check_hs(&flip_signature_bit(&good)),
            check_hs(&format!("{good}x")),
            check_hs(&replace_part(&good, 0, &b64(b"{\"alg\":\"HS256\""))),
            claims_result(with(json!({"exp": 1}))),
            verify(
                good.as_bytes(),
                Algorithm::Hs256,
                b"-----BEGIN x",
                &expect(),
                NOW,
            ),
        ];
        for r in cases {
            let m = r.unwrap_err().to_string();
            assert!(!m.contains(&payload_part[..12]), "{m}");
            assert!(!m.contains(&sig_part[..12]), "{m}");
            assert!(!m.contains("thirty-two"), "{m}");
        }
    }
}
