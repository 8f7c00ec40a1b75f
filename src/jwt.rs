//! JWT (JWS compact form) verification for HS256, RS256, PS256, ES256 and
//! EdDSA (Ed25519), with one configured key or a key set (JWKS, `jwks`).
//!
//! RS256 and PS256 are verified with RustCrypto's `rsa` 0.9 (PKCS#1 v1.5,
//! and RSASSA-PSS with MGF1 and a salt of 32 bytes checked exactly, both
//! with SHA-256; keys read by its `pkcs1`/`pkcs8` DER decoders), ES256 with
//! `p256` 0.13 (ECDSA verification only; the JOSE signature is r || s, not
//! DER) and EdDSA with `ed25519-dalek` 2 (`pkcs8` feature, `verify_strict`):
//! all pure Rust, widely used, and built on the same `sha2`/`digest` 0.10 as
//! the `hmac` crate that already does HS256, so neither OpenSSL nor `ring` is
//! linked, and without `jsonwebtoken` every policy decision stays in this
//! module. The open `rsa` timing advisory (RUSTSEC-2023-0071, "Marvin")
//! concerns private-key operations, and this module only ever uses public
//! keys. `rsa` 0.10, `p256` 0.14 and `ed25519-dalek` 3 move to `sha2` 0.11,
//! so they are left for a joint upgrade with `hmac`.
//!
//! What is checked, in order:
//! - the configuration: the algorithms are pinned by the caller (a
//!   non-empty list), never taken from the token; HS256 only alone and never
//!   with a key set (a public key must never double as an HMAC secret); a
//!   single key parses and fits every listed algorithm (a PEM key is refused
//!   as an HS256 secret, a private key as a public one); a key set is read
//!   by `jwks`;
//! - the token's form: at most [`MAX_TOKEN_BYTES`], exactly three unpadded
//!   base64url parts, a header that is a JSON object (no duplicate members,
//!   nesting at most [`MAX_JSON_DEPTH`]) whose `alg` is exactly one of the
//!   pinned algorithms (`none` in any case is refused on its own), with no
//!   `crit`, and a string `kid` if any;
//! - with a key set, the key: by `kid`, or the only one that fits `alg`
//!   (`jku`, `jwk`, `x5u` and `x5c` of a header are never used);
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
use crate::jwks::{self, JwksError, KeySet};
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
    /// A configured algorithm name other than the supported ones.
    #[error("unknown JWT algorithm \"{}\": use \"HS256\", \"RS256\", \"PS256\", \"ES256\" or \"EdDSA\"", printable(.0))]
    UnknownAlgorithm(String),
    /// An empty list of algorithms.
    #[error("no JWT algorithm is configured")]
    NoAlgorithm,
    /// An algorithm setting that is neither a string nor a list of strings.
    #[error("the JWT algorithm setting is neither a string nor a list of strings")]
    AlgorithmForm,
    /// HS256 listed with other algorithms: a public key of theirs could
    /// then be tried as an HMAC secret.
    #[error("HS256 must be the only configured JWT algorithm: with others, a public key could be used as an HMAC secret")]
    HmacNotAlone,
    /// HS256 with a key set: a key set is public.
    #[error(
        "HS256 cannot be used with a key set: HS256 takes a shared secret, and a key set is public"
    )]
    HmacWithKeySet,
    /// A listed algorithm that the configured key cannot verify.
    #[error("the configured algorithm {alg} does not fit the {key} key: RSA keys take RS256 or PS256, P-256 keys ES256, Ed25519 keys EdDSA")]
    AlgorithmNotForKey {
        alg: &'static str,
        key: &'static str,
    },
    /// An empty HS256 secret.
    #[error("the HS256 secret is empty")]
    EmptySecret,
    /// An HS256 secret that is a PEM key: a public key used as an HMAC
    /// secret lets anyone who has it forge tokens.
    #[error("the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA")]
    SecretIsPem,
    /// A public-key algorithm's key that is a private key.
    #[error("the {0} key is a private key: configure the public key only")]
    PrivateKey(&'static str),
    /// A key that does not parse as a public key for the algorithm.
    #[error("the {alg} key does not parse: it must be {forms}", alg = .0, forms = key_forms(.0))]
    BadKey(&'static str),
    /// An RSA public key shorter than the minimum.
    #[error("the {alg} key has {bits} bits: at least {min} are required")]
    RsaKeyTooSmall {
        alg: &'static str,
        bits: usize,
        min: usize,
    },
    /// A key set refused as a whole.
    #[error(transparent)]
    KeySet(#[from] JwksError),
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
    /// The header's `alg` is not a configured algorithm; `expected` lists
    /// them ("RS256", "RS256 or ES256").
    #[error("the JWT's alg \"{}\" is not the configured {expected}", printable(.got))]
    AlgMismatch { got: String, expected: String },
    /// The header has a `crit` parameter.
    #[error("the JWT's header has a \"crit\" parameter, and no critical extension is supported")]
    Crit,
    /// A header parameter (`typ`, `kid`) that is present but not a string.
    #[error("the JWT's header \"{0}\" is not a string")]
    HeaderNotString(&'static str),
    /// The key the `kid` names cannot verify the header's `alg`.
    #[error("the JWT's alg {alg} does not fit its key \"{}\"", printable(.kid))]
    KeyNotForAlg { alg: &'static str, kid: String },
    /// A `kid` that is not in the key set.
    #[error("the JWT's key \"{}\" is not in the key set", printable(.0))]
    UnknownKey(String),
    /// No `kid`, and not exactly one key of the set fits `alg`.
    #[error("the JWT names no key (\"kid\"), and {count} keys of the key set fit its alg {alg}")]
    NoKeyFits { alg: &'static str, count: usize },
    /// A `kid` of a key that was refused when the set was read.
    #[error("the JWT's key \"{}\" was refused when the key set was read", printable(.0))]
    KeyRefused(String),
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
    match alg {
        "RS256" | "PS256" => {
            "a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"
        }
        "ES256" => "a PEM P-256 public key (\"BEGIN PUBLIC KEY\")",
        _ => "a PEM Ed25519 public key (\"BEGIN PUBLIC KEY\")",
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
pub const MIN_RSA_BITS: usize = jwks::MIN_RSA_BITS;
/// Largest leeway accepted, in seconds.
pub const MAX_LEEWAY: i64 = 86_400;
/// Largest maximum lifetime (`exp - iat`) a caller may configure: ten years.
/// With `iat` no later than now plus the leeway, every accepted `exp` is then
/// within a few years of now, so times computed from it stay far inside
/// `i64` and MediaWiki's timestamps.
pub const MAX_MAX_LIFETIME: i64 = 10 * 366 * 86_400;

/// A signature algorithm, pinned by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Hs256,
    Rs256,
    Ps256,
    Es256,
    EdDsa,
}

impl Algorithm {
    /// Parses the JOSE name, exactly: "HS256", "RS256", "PS256", "ES256" or
    /// "EdDSA".
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "HS256" => Ok(Algorithm::Hs256),
            "RS256" => Ok(Algorithm::Rs256),
            "PS256" => Ok(Algorithm::Ps256),
            "ES256" => Ok(Algorithm::Es256),
            "EdDSA" => Ok(Algorithm::EdDsa),
            other => Err(Error::UnknownAlgorithm(other.to_string())),
        }
    }

    /// The JOSE name, as in a header's `alg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
        }
    }
}

/// The kind of public key an algorithm verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    P256,
    Ed25519,
}

impl KeyType {
    /// The public key type `alg` needs; `None` for HS256 (a shared secret).
    pub fn of(alg: Algorithm) -> Option<KeyType> {
        match alg {
            Algorithm::Hs256 => None,
            Algorithm::Rs256 | Algorithm::Ps256 => Some(KeyType::Rsa),
            Algorithm::Es256 => Some(KeyType::P256),
            Algorithm::EdDsa => Some(KeyType::Ed25519),
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::P256 => "P-256",
            KeyType::Ed25519 => "Ed25519",
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

/// A parsed key.
pub(crate) enum Key {
    Hmac(Vec<u8>),
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl Key {
    /// Its public key type; `None` for an HMAC secret.
    pub(crate) fn key_type(&self) -> Option<KeyType> {
        match self {
            Key::Hmac(_) => None,
            Key::Rsa(_) => Some(KeyType::Rsa),
            Key::P256(_) => Some(KeyType::P256),
            Key::Ed25519(_) => Some(KeyType::Ed25519),
        }
    }
}

/// Where a token's key comes from.
enum Keys {
    /// The one configured key: a token's `kid` is not looked at.
    Single(Key),
    /// A key set: the key is chosen by `kid` and `alg`.
    Set(KeySet),
}

/// Where a JWT is verified: built once from the configuration (the key
/// parsed, every setting checked, a bad one a configuration error), then
/// asked about each token.
pub struct Verifier {
    algs: Vec<Algorithm>,
    keys: Keys,
    issuer: String,
    audience: String,
    leeway: i64,
    max_lifetime: i64,
}

impl Verifier {
    /// One algorithm and its key.
    pub fn new(alg: Algorithm, key: &[u8], expect: &Expectations) -> Result<Verifier> {
        Verifier::with_algorithms(&[alg], key, expect)
    }

    /// A non-empty list of algorithms and one key (PEM, or an HS256 secret)
    /// that fits each of them.
    pub fn with_algorithms(
        algs: &[Algorithm],
        key: &[u8],
        expect: &Expectations,
    ) -> Result<Verifier> {
        check_expectations(expect)?;
        let algs = check_algorithms(algs)?;
        let key = parse_key(&algs, key)?;
        Ok(Verifier::build(algs, Keys::Single(key), expect))
    }

    /// A non-empty list of public-key algorithms and a key set (JWKS JSON).
    pub fn with_key_set(
        algs: &[Algorithm],
        key_set: &[u8],
        expect: &Expectations,
    ) -> Result<Verifier> {
        check_expectations(expect)?;
        let algs = check_algorithms(algs)?;
        if algs.contains(&Algorithm::Hs256) {
            return Err(Error::HmacWithKeySet);
        }
        let set = KeySet::parse(key_set, &algs)?;
        Ok(Verifier::build(algs, Keys::Set(set), expect))
    }

    fn build(algs: Vec<Algorithm>, keys: Keys, expect: &Expectations) -> Verifier {
        Verifier {
            algs,
            keys,
            issuer: expect.issuer.to_string(),
            audience: expect.audience.to_string(),
            leeway: expect.leeway,
            max_lifetime: expect.max_lifetime,
        }
    }

    /// The keys of the set that were refused (none for a single key).
    pub fn skipped_keys(&self) -> &[jwks::Skipped] {
        match &self.keys {
            Keys::Single(_) => &[],
            Keys::Set(set) => set.skipped(),
        }
    }

    /// The `kid`s of the set's usable keys (none for a single key).
    pub fn key_ids(&self) -> Vec<&str> {
        match &self.keys {
            Keys::Single(_) => Vec::new(),
            Keys::Set(set) => set.key_ids(),
        }
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
        let alg = check_header(&header, &self.algs)?;
        let key = match &self.keys {
            Keys::Single(key) => key,
            Keys::Set(set) => set.choose(alg, header.get("kid").and_then(Value::as_str))?,
        };

        // The signed bytes are the first two parts exactly as they were sent.
        let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];
        check_signature(key, alg, signing_input, &signature)?;

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

/// The configured algorithms, without repeats: not empty, and HS256 only
/// alone.
fn check_algorithms(algs: &[Algorithm]) -> Result<Vec<Algorithm>> {
    let mut out: Vec<Algorithm> = Vec::with_capacity(algs.len());
    for &alg in algs {
        if !out.contains(&alg) {
            out.push(alg);
        }
    }
    match out.as_slice() {
        [] => Err(Error::NoAlgorithm),
        [_, _, ..] if out.contains(&Algorithm::Hs256) => Err(Error::HmacNotAlone),
        _ => Ok(out),
    }
}

/// The one key of a configuration: an HS256 secret, or a PEM public key
/// that fits every listed algorithm.
fn parse_key(algs: &[Algorithm], key: &[u8]) -> Result<Key> {
    let Some(&first) = algs.first() else {
        return Err(Error::NoAlgorithm);
    };
    if first == Algorithm::Hs256 {
        if key.is_empty() {
            return Err(Error::EmptySecret);
        }
        if key.windows(11).any(|w| w == b"-----BEGIN ") {
            return Err(Error::SecretIsPem);
        }
        return Ok(Key::Hmac(key.to_vec()));
    }
    let name = first.as_str();
    let bad = || Error::BadKey(name);
    let text = std::str::from_utf8(key).map_err(|_| bad())?;
    if text.contains("PRIVATE KEY-----") {
        return Err(Error::PrivateKey(name));
    }
    let (label, der) = pem_decode(text).ok_or_else(bad)?;
    // The key is read as the type of the first listed algorithm that it
    // parses for; then every listed algorithm must fit that type.
    let (alg, parsed) = algs
        .iter()
        .find_map(|&alg| Some((alg, public_key_der(KeyType::of(alg)?, label, &der)?)))
        .ok_or_else(bad)?;
    if let Key::Rsa(public) = &parsed {
        let bits = public.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(Error::RsaKeyTooSmall {
                alg: alg.as_str(),
                bits,
                min: MIN_RSA_BITS,
            });
        }
    }
    let key_type = parsed.key_type();
    if let Some(&other) = algs.iter().find(|&&a| KeyType::of(a) != key_type) {
        return Err(Error::AlgorithmNotForKey {
            alg: other.as_str(),
            key: key_type.map_or("HMAC", KeyType::name),
        });
    }
    Ok(parsed)
}

/// A PEM block's DER as a public key of `key_type`, if it is one.
fn public_key_der(key_type: KeyType, label: &str, der: &[u8]) -> Option<Key> {
    match (key_type, label) {
        (KeyType::Rsa, "PUBLIC KEY") => rsa::RsaPublicKey::from_public_key_der(der)
            .ok()
            .map(Key::Rsa),
        (KeyType::Rsa, "RSA PUBLIC KEY") => {
            rsa::RsaPublicKey::from_pkcs1_der(der).ok().map(Key::Rsa)
        }
        (KeyType::P256, "PUBLIC KEY") => p256::ecdsa::VerifyingKey::from_public_key_der(der)
            .ok()
            .map(Key::P256),
        (KeyType::Ed25519, "PUBLIC KEY") => ed25519_dalek::VerifyingKey::from_public_key_der(der)
            .ok()
            .map(Key::Ed25519),
        _ => None,
    }
}

/// The listed algorithms for a message: "RS256", "RS256 or ES256",
/// "RS256, PS256 or ES256".
fn algorithm_list(algs: &[Algorithm]) -> String {
    let names: Vec<&str> = algs.iter().map(|a| a.as_str()).collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Checks the header and returns its algorithm, one of `algs`.
fn check_header(header: &Map<String, Value>, algs: &[Algorithm]) -> Result<Algorithm> {
    let Some(Value::String(got)) = header.get("alg") else {
        return Err(Error::NoAlg);
    };
    if got.eq_ignore_ascii_case("none") {
        return Err(Error::AlgNone);
    }
    let Some(&alg) = algs.iter().find(|a| a.as_str() == got) else {
        return Err(Error::AlgMismatch {
            got: got.clone(),
            expected: algorithm_list(algs),
        });
    };
    if header.contains_key("crit") {
        return Err(Error::Crit);
    }
    for name in ["typ", "kid"] {
        if matches!(header.get(name), Some(v) if !v.is_string()) {
            return Err(Error::HeaderNotString(name));
        }
    }
    Ok(alg)
}

fn check_signature(
    key: &Key,
    alg: Algorithm,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<()> {
    let ok = match (alg, key) {
        // Constant-time comparison, by the one HMAC of digest.rs.
        (Algorithm::Hs256, Key::Hmac(secret)) => {
            digest::hmac_sha256_verify(secret, signing_input, signature)
        }
        (Algorithm::Rs256, Key::Rsa(public)) => public
            .verify(
                rsa::Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing_input),
                signature,
            )
            .is_ok(),
        // Pss::new takes the salt length from the digest (32 bytes, RFC 7518
        // section 3.5), and verification insists on exactly that length.
        (Algorithm::Ps256, Key::Rsa(public)) => public
            .verify(
                rsa::pss::Pss::new::<Sha256>(),
                &Sha256::digest(signing_input),
                signature,
            )
            .is_ok(),
        // JOSE's ECDSA signature is r || s, 32 bytes each (not DER).
        (Algorithm::Es256, Key::P256(public)) => {
            use p256::ecdsa::signature::Verifier as _;
            match p256::ecdsa::Signature::from_slice(signature) {
                Ok(sig) => public.verify(signing_input, &sig).is_ok(),
                Err(_) => false,
            }
        }
        (Algorithm::EdDsa, Key::Ed25519(public)) => {
            match ed25519_dalek::Signature::from_slice(signature) {
                Ok(sig) => public.verify_strict(signing_input, &sig).is_ok(),
                Err(_) => false,
            }
        }
        // The configuration and the key choice rule this out; refuse anyway.
        _ => false,
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
pub(crate) mod tests {
    use super::*;
    use ed25519_dalek::Signer as _;
    use hmac::{Hmac, Mac};
    use rsa::pkcs8::DecodePrivateKey as _;
    use serde_json::json;

    // Fixed test keys, made once with `openssl genpkey -algorithm RSA
    // -pkeyopt rsa_keygen_bits:2048` (and 1024), `openssl pkey -pubout` and
    // `openssl rsa -RSAPublicKey_out`: generating 2048-bit keys in a debug
    // test build takes seconds. They protect nothing.
    pub(crate) const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
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
    pub(crate) const RSA_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqSWNlB6ZkbheS5+mKV4k
7r5W7ZBuK70Qp5nTKEDcD5lyo1mbtcrAishwK6wDS1hF7efl4MTemQL/oDRAP/5/
X5uX2zQop/WU/+lff8fvPISVcz/C/nTYhNM/aEyTb/2sB2BG3hvuOM/xCaAzwvLX
Xipxb3NsI448UwZCAjL6bAx88bbM5bJjDz1i0rQuOWy8fIDpeP8Ytnn6z5ug0CIw
9+E/Xxl9jA1c/I1Nha8pVH1AeouYs1qSuELugPZpesiO8CpbXi2fRu4QLRG5GWY8
1PgaaovyJtzRGcrdtdrMA7G9fIBhQbeRrASVWaE+jPA3mcVuFqnxmnCXrzB+z2uW
3QIDAQAB
-----END PUBLIC KEY-----
";
    pub(crate) const RSA_PUBLIC_PKCS1_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAqSWNlB6ZkbheS5+mKV4k7r5W7ZBuK70Qp5nTKEDcD5lyo1mbtcrA
ishwK6wDS1hF7efl4MTemQL/oDRAP/5/X5uX2zQop/WU/+lff8fvPISVcz/C/nTY
hNM/aEyTb/2sB2BG3hvuOM/xCaAzwvLXXipxb3NsI448UwZCAjL6bAx88bbM5bJj
Dz1i0rQuOWy8fIDpeP8Ytnn6z5ug0CIw9+E/Xxl9jA1c/I1Nha8pVH1AeouYs1qS
uELugPZpesiO8CpbXi2fRu4QLRG5GWY81PgaaovyJtzRGcrdtdrMA7G9fIBhQbeR
rASVWaE+jPA3mcVuFqnxmnCXrzB+z2uW3QIDAQAB
-----END RSA PUBLIC KEY-----
";
    pub(crate) const RSA_1024_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5UwG/yu0cnUCMbM6MJcHroNQL
JAj1KJy3XZgOTbv84Hqvldhtwc298P5OlSlmpestZrcD+bR5J8Xwr1LunpOzUZVK
K9MJyfNhp8uPbOc+ljjpDE8iBN+LXs8okA9+Uk+GDvD8aoB5hiEOQQ7pKidVaZKx
bh5TajqMG+qzGj8FqQIDAQAB
-----END PUBLIC KEY-----
";

    pub(crate) const ISS: &str = "https://idp.example.org";
    pub(crate) const AUD: &str = "mediawiki";
    pub(crate) const NOW: i64 = 1_700_000_000;
    const SECRET: &[u8] = b"a shared secret of at least thirty-two bytes";

    pub(crate) fn expect() -> Expectations<'static> {
        Expectations {
            issuer: ISS,
            audience: AUD,
            leeway: 30,
            max_lifetime: 86_400,
        }
    }

    pub(crate) fn claims() -> Value {
        json!({
            "iss": ISS,
            "aud": AUD,
            "sub": "alice",
            "iat": NOW - 10,
            "exp": NOW + 300,
        })
    }

    /// `claims()` with members replaced, or removed where the value is null.
    pub(crate) fn with(changes: Value) -> Value {
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

    pub(crate) fn header(alg: &str) -> Value {
        json!({ "alg": alg, "typ": "JWT" })
    }

    pub(crate) fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub(crate) fn input_raw(header: &[u8], payload: &[u8]) -> String {
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

    pub(crate) fn rs256_with(header: &Value, payload: &Value) -> String {
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

    pub(crate) fn ed_key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
    }

    /// SPKI PEM of an Ed25519 public key, built as the PHP tests build it.
    pub(crate) fn ed_public_pem(key: &ed25519_dalek::VerifyingKey) -> String {
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(key.as_bytes());
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    }

    pub(crate) fn ed_pem() -> String {
        ed_public_pem(&ed_key().verifying_key())
    }

    pub(crate) fn eddsa_with(header: &Value, payload: &Value) -> String {
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

    pub(crate) fn object(v: Value) -> Map<String, Value> {
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

    /// A deterministic RNG for PSS salts in tests (not for anything else).
    pub(crate) struct TestRng(u64);

    impl rsa::rand_core::RngCore for TestRng {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            // xorshift64
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                *b = self.next_u64() as u8;
            }
        }
        fn try_fill_bytes(
            &mut self,
            dest: &mut [u8],
        ) -> std::result::Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl rsa::rand_core::CryptoRng for TestRng {}

    pub(crate) fn rsa_private() -> rsa::RsaPrivateKey {
        let (_, der) = pem_decode(RSA_PRIVATE_PEM).unwrap();
        rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap()
    }

    /// A PS256 token with a salt of `salt_len` bytes (RFC 7518: 32).
    pub(crate) fn ps256_salted(header: &Value, payload: &Value, salt_len: usize) -> String {
        let input = input_raw(
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        );
        let sig = rsa_private()
            .sign_with_rng(
                &mut TestRng(0x9e37_79b9_7f4a_7c15),
                rsa::pss::Pss::new_with_salt::<Sha256>(salt_len),
                &Sha256::digest(input.as_bytes()),
            )
            .unwrap();
        format!("{input}.{}", b64(&sig))
    }

    pub(crate) fn ps256_with(header: &Value, payload: &Value) -> String {
        ps256_salted(header, payload, 32)
    }

    pub(crate) fn ec_key(seed: u8) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    /// SPKI PEM of a P-256 public key, built as the PHP tests could.
    pub(crate) fn ec_pem(seed: u8) -> String {
        let point = ec_key(seed).verifying_key().to_encoded_point(false);
        let mut der = hex_bytes("3059301306072a8648ce3d020106082a8648ce3d030107034200");
        der.extend_from_slice(point.as_bytes());
        let body = STANDARD.encode(der);
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
    }

    fn hex_bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    pub(crate) fn es256_seeded(seed: u8, header: &Value, payload: &Value) -> String {
        use p256::ecdsa::signature::Signer as _;
        let input = input_raw(
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        );
        let sig: p256::ecdsa::Signature = ec_key(seed).sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    }

    pub(crate) fn es256_with(header: &Value, payload: &Value) -> String {
        es256_seeded(7, header, payload)
    }

    pub(crate) fn eddsa_seeded(seed: u8, header: &Value, payload: &Value) -> String {
        let input = input_raw(
            header.to_string().as_bytes(),
            payload.to_string().as_bytes(),
        );
        let sig = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).sign(input.as_bytes());
        format!("{input}.{}", b64(&sig.to_bytes()))
    }

    fn check_with(algs: &[Algorithm], key: &str, token: &str) -> Result<Map<String, Value>> {
        Verifier::with_algorithms(algs, key.as_bytes(), &expect())?.verify(token.as_bytes(), NOW)
    }

    #[test]
    fn ps256_and_es256_with_a_single_key() {
        let want = object(claims());
        let ps = ps256_with(&header("PS256"), &claims());
        let es = es256_with(&header("ES256"), &claims());
        assert_eq!(
            check_with(&[Algorithm::Ps256], RSA_PUBLIC_PEM, &ps).unwrap(),
            want
        );
        assert_eq!(
            check_with(&[Algorithm::Ps256], RSA_PUBLIC_PKCS1_PEM, &ps).unwrap(),
            want
        );
        assert_eq!(
            check_with(&[Algorithm::Es256], &ec_pem(7), &es).unwrap(),
            want
        );
        // Another P-256 key does not verify it.
        assert_eq!(
            check_with(&[Algorithm::Es256], &ec_pem(8), &es),
            Err(Error::BadSignature)
        );
        // PSS salt length is exactly 32 bytes.
        for salt_len in [0, 20, 64] {
            let other = ps256_salted(&header("PS256"), &claims(), salt_len);
            assert_eq!(
                check_with(&[Algorithm::Ps256], RSA_PUBLIC_PEM, &other),
                Err(Error::BadSignature),
                "salt {salt_len}"
            );
        }
        // A PKCS#1 v1.5 signature relabelled PS256, and the reverse.
        let relabelled = rs256_with(&header("PS256"), &claims());
        assert_eq!(
            check_with(&[Algorithm::Ps256], RSA_PUBLIC_PEM, &relabelled),
            Err(Error::BadSignature)
        );
        let relabelled = ps256_with(&header("RS256"), &claims());
        assert_eq!(
            check_with(&[Algorithm::Rs256], RSA_PUBLIC_PEM, &relabelled),
            Err(Error::BadSignature)
        );
        // Tampering and truncation.
        assert_eq!(
            check_with(&[Algorithm::Es256], &ec_pem(7), &flip_signature_bit(&es)),
            Err(Error::BadSignature)
        );
        assert_eq!(
            check_with(
                &[Algorithm::Ps256],
                RSA_PUBLIC_PEM,
                &flip_signature_bit(&ps)
            ),
            Err(Error::BadSignature)
        );
        let sig = URL_SAFE_NO_PAD
            .decode(es.rsplit('.').next().unwrap())
            .unwrap();
        for bad in [
            &sig[..63],
            &[sig.as_slice(), &[0]].concat()[..],
            &[0u8; 64][..],
        ] {
            assert_eq!(
                check_with(
                    &[Algorithm::Es256],
                    &ec_pem(7),
                    &replace_part(&es, 2, &b64(bad))
                ),
                Err(Error::BadSignature)
            );
        }
    }

    #[test]
    fn es256_signatures_are_r_and_s_not_der_and_malleable() {
        let es = es256_with(&header("ES256"), &claims());
        let raw = URL_SAFE_NO_PAD
            .decode(es.rsplit('.').next().unwrap())
            .unwrap();
        let sig = p256::ecdsa::Signature::from_slice(&raw).unwrap();
        // The DER form of the same signature is refused.
        let der = sig.to_der();
        assert_eq!(
            check_with(
                &[Algorithm::Es256],
                &ec_pem(7),
                &replace_part(&es, 2, &b64(der.as_bytes()))
            ),
            Err(Error::BadSignature)
        );
        // (r, n - s) verifies too: why the replay key of a token without a
        // jti hashes the signing input only (derive::jwt_replay_key).
        let (r, s) = sig.split_scalars();
        let flipped = p256::ecdsa::Signature::from_scalars(r, -*s).unwrap();
        assert_ne!(flipped.to_bytes(), sig.to_bytes());
        let other = replace_part(&es, 2, &b64(&flipped.to_bytes()));
        assert!(check_with(&[Algorithm::Es256], &ec_pem(7), &other).is_ok());
        let key = |t: &str| crate::derive::jwt_replay_key(t.as_bytes(), ISS.as_bytes(), None);
        assert_eq!(key(&es), key(&other));
    }

    #[test]
    fn algorithm_lists() {
        let rs = rs256(&claims());
        let ps = ps256_with(&header("PS256"), &claims());
        let both = [Algorithm::Rs256, Algorithm::Ps256];
        assert!(check_with(&both, RSA_PUBLIC_PEM, &rs).is_ok());
        assert!(check_with(&both, RSA_PUBLIC_PEM, &ps).is_ok());
        // Repeats are harmless.
        assert!(check_with(&[Algorithm::Rs256, Algorithm::Rs256], RSA_PUBLIC_PEM, &rs).is_ok());
        // The header's alg must be listed.
        assert_eq!(
            check_with(
                &both,
                RSA_PUBLIC_PEM,
                &es256_with(&header("ES256"), &claims())
            ),
            Err(Error::AlgMismatch {
                got: "ES256".into(),
                expected: "RS256 or PS256".into()
            })
        );
        assert_eq!(
            check_with(
                &[Algorithm::Rs256, Algorithm::Ps256, Algorithm::EdDsa][..1],
                RSA_PUBLIC_PEM,
                &ps
            ),
            Err(Error::AlgMismatch {
                got: "PS256".into(),
                expected: "RS256".into()
            })
        );
        assert_eq!(
            algorithm_list(&[Algorithm::Rs256, Algorithm::Ps256, Algorithm::Es256]),
            "RS256, PS256 or ES256"
        );
        let build = |algs: &[Algorithm], key: &str| {
            Verifier::with_algorithms(algs, key.as_bytes(), &expect()).err()
        };
        assert_eq!(build(&[], RSA_PUBLIC_PEM), Some(Error::NoAlgorithm));
        // HS256 only alone.
        for algs in [
            &[Algorithm::Hs256, Algorithm::Rs256][..],
            &[Algorithm::Rs256, Algorithm::Hs256][..],
            &[Algorithm::EdDsa, Algorithm::Hs256][..],
        ] {
            assert_eq!(build(algs, RSA_PUBLIC_PEM), Some(Error::HmacNotAlone));
            assert_eq!(build(algs, "secret"), Some(Error::HmacNotAlone));
        }
        // Every listed algorithm must fit the one key, in any order.
        let mismatch = |alg, key| Some(Error::AlgorithmNotForKey { alg, key });
        assert_eq!(
            build(&[Algorithm::Rs256, Algorithm::Es256], RSA_PUBLIC_PEM),
            mismatch("ES256", "RSA")
        );
        assert_eq!(
            build(&[Algorithm::Es256, Algorithm::Rs256], RSA_PUBLIC_PEM),
            mismatch("ES256", "RSA")
        );
        assert_eq!(
            build(&[Algorithm::Es256, Algorithm::EdDsa], &ec_pem(7)),
            mismatch("EdDSA", "P-256")
        );
        assert_eq!(
            build(&[Algorithm::Ps256, Algorithm::EdDsa], &ed_pem()),
            mismatch("PS256", "Ed25519")
        );
        // A key of no listed type does not parse for the first one.
        assert_eq!(
            build(&[Algorithm::Es256], RSA_PUBLIC_PEM),
            Some(Error::BadKey("ES256"))
        );
        assert_eq!(
            build(&[Algorithm::Es256], &ed_pem()),
            Some(Error::BadKey("ES256"))
        );
        assert_eq!(
            build(&[Algorithm::EdDsa], &ec_pem(7)),
            Some(Error::BadKey("EdDSA"))
        );
        assert_eq!(
            build(&[Algorithm::Ps256], &ec_pem(7)),
            Some(Error::BadKey("PS256"))
        );
        assert_eq!(
            build(&[Algorithm::Es256], RSA_PUBLIC_PKCS1_PEM),
            Some(Error::BadKey("ES256"))
        );
        assert_eq!(
            build(&[Algorithm::Ps256], RSA_1024_PUBLIC_PEM),
            Some(Error::RsaKeyTooSmall {
                alg: "PS256",
                bits: 1024,
                min: MIN_RSA_BITS
            })
        );
        assert_eq!(
            build(&[Algorithm::Es256], RSA_PRIVATE_PEM),
            Some(Error::PrivateKey("ES256"))
        );
        // A single key never looks at the kid.
        let with_kid = es256_with(&json!({"alg": "ES256", "kid": "anything"}), &claims());
        assert!(check_with(&[Algorithm::Es256], &ec_pem(7), &with_kid).is_ok());
        let v = Verifier::with_algorithms(&[Algorithm::Es256], ec_pem(7).as_bytes(), &expect())
            .unwrap();
        assert!(v.skipped_keys().is_empty());
        assert!(v.key_ids().is_empty());
    }

    #[test]
    fn hs256_never_with_a_key_set() {
        let set = br#"{"keys":[]}"#;
        assert_eq!(
            Verifier::with_key_set(&[Algorithm::Hs256], set, &expect()).err(),
            Some(Error::HmacWithKeySet)
        );
        assert_eq!(
            Verifier::with_key_set(&[Algorithm::Rs256, Algorithm::Hs256], set, &expect()).err(),
            Some(Error::HmacNotAlone)
        );
        assert_eq!(
            Verifier::with_key_set(&[], set, &expect()).err(),
            Some(Error::NoAlgorithm)
        );
        // The settings are checked before the set is read.
        assert_eq!(
            Verifier::with_key_set(
                &[Algorithm::Rs256],
                b"nope",
                &Expectations {
                    issuer: "",
                    ..expect()
                }
            )
            .err(),
            Some(Error::NotConfigured("issuer"))
        );
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
        for alg in [
            Algorithm::Hs256,
            Algorithm::Rs256,
            Algorithm::Ps256,
            Algorithm::Es256,
            Algorithm::EdDsa,
        ] {
            assert_eq!(Algorithm::parse(alg.as_str()), Ok(alg));
        }
        for bad in [
            "hs256", "RS384", "EDDSA", "ES384", "ps256", "none", "", " HS256",
        ] {
            assert_eq!(
                Algorithm::parse(bad),
                Err(Error::UnknownAlgorithm(bad.to_string()))
            );
        }
        assert_eq!(
            Algorithm::parse("x").unwrap_err().to_string(),
            "unknown JWT algorithm \"x\": use \"HS256\", \"RS256\", \"PS256\", \"ES256\" or \"EdDSA\""
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
                expected: expected.to_string(),
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
                alg: "RS256",
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
