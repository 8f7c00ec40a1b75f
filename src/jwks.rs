//! The one reader of JWT key sets (JWKS, RFC 7517, with the key types of
//! RFC 7518 section 6 and RFC 8037), and the choice of a key for a token.
//!
//! A set is read once, when the verifier is built. Problems of the whole set
//! (too big, not one strict JSON object, no `keys` array of objects) refuse
//! it: a [`JwksError`], a configuration error. A problem of one key refuses
//! that key only, recorded as a [`Skipped`] with its [`KeyProblem`]: real
//! providers publish keys we never use (Keycloak's RSA-OAEP encryption key,
//! keys of curves we do not support), and those must not take the usable
//! keys down with them. A set left with no usable key is refused.
//!
//! Accepted keys: RSA (2048 to 4096 bits; RS256, PS256), EC P-256 (ES256)
//! and OKP Ed25519 (EdDSA). Never accepted: symmetric (`oct`) keys, since a
//! key set is public, and any key that publishes private members. A key's
//! `alg`, `use` and `key_ops` narrow what it may do; `x5c` and the other
//! members are ignored (no certificate is ever read).
//!
//! Messages never quote key material; names (`kid`, `kty`, `crv`, `alg`,
//! `use`) are quoted through `error::printable`.

use crate::error::printable;
use crate::json;
use crate::jwt::{Algorithm, JwtError, Key, KeyType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};
use std::fmt;

/// Longest key set accepted, in bytes.
pub const MAX_KEY_SET_BYTES: usize = 256 * 1024;
/// Most entries accepted in `keys`.
pub const MAX_KEYS: usize = 100;
/// RSA modulus sizes accepted, in bits (RFC 7518 section 3.3 sets the
/// minimum; the maximum bounds the work one token can cost).
pub const MIN_RSA_BITS: usize = 2048;
pub const MAX_RSA_BITS: usize = 4096;
/// Refused keys named in the message of a set without a usable key.
const SUMMARY_KEYS: usize = 5;

/// A problem of the whole key set: the set is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    #[error("the JWT key set is longer than {max} bytes")]
    TooBig { max: usize },
    #[error("the JWT key set is not valid JSON (error at column {column})")]
    NotJson { column: usize },
    #[error("the JWT key set has \"{}\" more than once in one object", printable(.0))]
    DuplicateMember(String),
    #[error("the JWT key set nests more than {max} levels deep")]
    TooDeep { max: usize },
    #[error("the JWT key set is not a JSON object")]
    NotObject,
    #[error("the JWT key set has no \"keys\" array")]
    NoKeys,
    #[error("the JWT key set has {count} keys: at most {max} are accepted")]
    TooManyKeys { count: usize, max: usize },
    #[error("entry #{index} of the JWT key set's \"keys\" is not an object")]
    KeyNotObject { index: usize },
    /// Every key was refused (or there was none); the summary says why.
    #[error("the JWT key set has no usable key: {summary}")]
    NoUsableKey { summary: String },
}

/// Why one key of a set is refused (the rest of the set stays usable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error("it has no \"{0}\" member")]
    MemberMissing(&'static str),
    #[error("its \"{0}\" member is not a string")]
    MemberNotString(&'static str),
    #[error("its \"{0}\" member is not unpadded base64url")]
    MemberNotBase64url(&'static str),
    #[error("its key type \"{}\" is not supported: use \"RSA\", \"EC\" or \"OKP\"", printable(.0))]
    UnsupportedType(String),
    #[error("it is a symmetric (\"oct\") key, which a key set must never hold")]
    Symmetric,
    #[error("it publishes private key material (\"{0}\")")]
    Private(&'static str),
    #[error("its RSA modulus has {bits} bits: use {min} to {max}")]
    RsaSize { bits: usize, min: usize, max: usize },
    #[error("its RSA exponent is not an odd number greater than 1 that fits in 64 bits")]
    RsaExponent,
    #[error("it is not a valid RSA public key")]
    RsaInvalid,
    #[error("its curve \"{}\" is not supported: use \"P-256\" (EC) or \"Ed25519\" (OKP)", printable(.0))]
    UnsupportedCurve(String),
    /// A coordinate of another curve's size: a mislabelled curve.
    #[error("its \"{name}\" coordinate has {len} bytes, not the 32 of P-256")]
    CoordinateLength { name: &'static str, len: usize },
    #[error("its point is not on the P-256 curve")]
    NotOnCurve,
    #[error("its Ed25519 \"x\" has {0} bytes, not 32")]
    Ed25519Length(usize),
    #[error("its \"x\" is not a valid Ed25519 public key")]
    Ed25519Invalid,
    #[error("its \"use\" is \"{}\", not \"sig\"", printable(.0))]
    Use(String),
    #[error("its \"key_ops\" does not include \"verify\"")]
    KeyOps,
    #[error("its \"key_ops\" is not an array of strings")]
    KeyOpsForm,
    #[error("its \"alg\" \"{}\" is not a supported algorithm", printable(.0))]
    AlgUnknown(String),
    #[error("its \"alg\" {alg} does not fit its key type {key}")]
    AlgNotForType {
        alg: &'static str,
        key: &'static str,
    },
    #[error("its \"alg\" {0} is not one of the configured algorithms")]
    AlgNotConfigured(&'static str),
    #[error("its key type {0} fits none of the configured algorithms")]
    NoConfiguredAlg(&'static str),
    #[error("another usable key of the set has the same \"kid\"")]
    DuplicateId,
}

/// A key of the set that was refused, for the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its position in `keys`.
    pub index: usize,
    /// Its `kid`, when it has a string one.
    pub kid: Option<String>,
    pub problem: KeyProblem,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "key #{}", self.index)?;
        if let Some(kid) = &self.kid {
            write!(f, " (kid \"{}\")", printable(kid))?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// A usable key of the set.
pub(crate) struct SetKey {
    index: usize,
    kid: Option<String>,
    /// The key's own `alg`, which then is the only one it verifies.
    alg: Option<Algorithm>,
    key: Key,
}

impl SetKey {
    fn fits(&self, alg: Algorithm) -> bool {
        self.key.key_type() == KeyType::of(alg) && self.alg.is_none_or(|own| own == alg)
    }
}

/// A parsed key set: its usable keys, and the ones refused.
pub struct KeySet {
    keys: Vec<SetKey>,
    skipped: Vec<Skipped>,
}

impl KeySet {
    /// Reads `bytes` as a JWKS for the configured `algs` (which never hold
    /// HS256: the caller refuses that first).
    pub fn parse(bytes: &[u8], algs: &[Algorithm]) -> Result<KeySet, JwksError> {
        if bytes.len() > MAX_KEY_SET_BYTES {
            return Err(JwksError::TooBig {
                max: MAX_KEY_SET_BYTES,
            });
        }
        let top = json::object(bytes).map_err(|p| match p {
            json::Problem::NotJson { column } => JwksError::NotJson { column },
            json::Problem::NotObject => JwksError::NotObject,
            json::Problem::TooDeep => JwksError::TooDeep {
                max: json::MAX_DEPTH,
            },
            json::Problem::Duplicate(name) => JwksError::DuplicateMember(name),
        })?;
        let Some(Value::Array(entries)) = top.get("keys") else {
            return Err(JwksError::NoKeys);
        };
        if entries.len() > MAX_KEYS {
            return Err(JwksError::TooManyKeys {
                count: entries.len(),
                max: MAX_KEYS,
            });
        }
        let mut keys = Vec::new();
        let mut skipped = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let Value::Object(members) = entry else {
                return Err(JwksError::KeyNotObject { index });
            };
            match read_key(members, algs) {
                Ok((alg, key)) => keys.push(SetKey {
                    index,
                    kid: string_member(members, "kid"),
                    alg,
                    key,
                }),
                Err(problem) => skipped.push(Skipped {
                    index,
                    kid: string_member(members, "kid"),
                    problem,
                }),
            }
        }
        refuse_duplicate_ids(&mut keys, &mut skipped);
        skipped.sort_by_key(|s| s.index);
        if keys.is_empty() {
            return Err(JwksError::NoUsableKey {
                summary: summary(entries.len(), &skipped),
            });
        }
        Ok(KeySet { keys, skipped })
    }

    /// The keys that were refused, in set order.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The `kid`s of the usable keys (keys without one are left out).
    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.iter().filter_map(|k| k.kid.as_deref()).collect()
    }

    /// The key that verifies a token with header `alg` and `kid`.
    ///
    /// With a `kid`, the usable key of that id, which must fit `alg`; a kid
    /// of a refused key, or of none, is refused with its own reason (PHP
    /// refetches the set on an unknown one). Without a `kid`, the one usable
    /// key that fits `alg`, when there is exactly one.
    pub(crate) fn choose(&self, alg: Algorithm, kid: Option<&str>) -> Result<&Key, JwtError> {
        let Some(kid) = kid else {
            let mut fitting = self.keys.iter().filter(|k| k.fits(alg));
            return match (fitting.next(), fitting.next()) {
                (Some(only), None) => Ok(&only.key),
                (None, _) => Err(JwtError::NoKeyFits {
                    alg: alg.as_str(),
                    count: 0,
                }),
                (Some(_), Some(_)) => Err(JwtError::NoKeyFits {
                    alg: alg.as_str(),
                    count: 2 + fitting.count(),
                }),
            };
        };
        if let Some(key) = self.keys.iter().find(|k| k.kid.as_deref() == Some(kid)) {
            return if key.fits(alg) {
                Ok(&key.key)
            } else {
                Err(JwtError::KeyNotForAlg {
                    alg: alg.as_str(),
                    kid: kid.to_string(),
                })
            };
        }
        if self.skipped.iter().any(|s| s.kid.as_deref() == Some(kid)) {
            return Err(JwtError::KeyRefused(kid.to_string()));
        }
        Err(JwtError::UnknownKey(kid.to_string()))
    }
}

/// Reads one key: its own `alg` (if any) and the parsed key.
fn read_key(
    m: &Map<String, Value>,
    algs: &[Algorithm],
) -> Result<(Option<Algorithm>, Key), KeyProblem> {
    if matches!(m.get("kid"), Some(v) if !v.is_string()) {
        return Err(KeyProblem::MemberNotString("kid"));
    }
    let kty = required_string(m, "kty")?;
    if kty == "oct" {
        return Err(KeyProblem::Symmetric);
    }
    // Whatever else it is, a key set that publishes a private key is
    // published wrongly: refuse it before reading anything else.
    if let Some(name) = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
        .into_iter()
        .find(|n| m.contains_key(*n))
    {
        return Err(KeyProblem::Private(name));
    }
    if !matches!(kty, "RSA" | "EC" | "OKP") {
        return Err(KeyProblem::UnsupportedType(kty.to_string()));
    }
    check_use(m)?;
    let key = match kty {
        "RSA" => rsa_key(m)?,
        "EC" => p256_key(m)?,
        _ => ed25519_key(m)?,
    };
    let key_type = key.key_type();
    let own = own_alg(m, key_type, algs)?;
    if own.is_none() && !algs.iter().any(|&a| KeyType::of(a) == key_type) {
        return Err(KeyProblem::NoConfiguredAlg(key_type_name(key_type)));
    }
    Ok((own, key))
}

fn key_type_name(key_type: Option<KeyType>) -> &'static str {
    key_type.map_or("HMAC", KeyType::name)
}

/// `use` must be "sig" and `key_ops` must include "verify", where present.
fn check_use(m: &Map<String, Value>) -> Result<(), KeyProblem> {
    match m.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(Value::String(u)) => return Err(KeyProblem::Use(u.clone())),
        Some(_) => return Err(KeyProblem::MemberNotString("use")),
    }
    match m.get("key_ops") {
        None => Ok(()),
        Some(Value::Array(ops)) if ops.iter().all(Value::is_string) => {
            if ops.iter().any(|op| op == "verify") {
                Ok(())
            } else {
                Err(KeyProblem::KeyOps)
            }
        }
        Some(_) => Err(KeyProblem::KeyOpsForm),
    }
}

/// The key's own `alg`: supported, of its key type, and configured.
fn own_alg(
    m: &Map<String, Value>,
    key_type: Option<KeyType>,
    algs: &[Algorithm],
) -> Result<Option<Algorithm>, KeyProblem> {
    let Some(value) = m.get("alg") else {
        return Ok(None);
    };
    let Value::String(name) = value else {
        return Err(KeyProblem::MemberNotString("alg"));
    };
    let alg = Algorithm::parse(name).map_err(|_| KeyProblem::AlgUnknown(name.clone()))?;
    if KeyType::of(alg) != key_type {
        return Err(KeyProblem::AlgNotForType {
            alg: alg.as_str(),
            key: key_type_name(key_type),
        });
    }
    if !algs.contains(&alg) {
        return Err(KeyProblem::AlgNotConfigured(alg.as_str()));
    }
    Ok(Some(alg))
}

fn string_member(m: &Map<String, Value>, name: &str) -> Option<String> {
    m.get(name).and_then(Value::as_str).map(str::to_string)
}

fn required_string<'m>(
    m: &'m Map<String, Value>,
    name: &'static str,
) -> Result<&'m str, KeyProblem> {
    match m.get(name) {
        None => Err(KeyProblem::MemberMissing(name)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(KeyProblem::MemberNotString(name)),
    }
}

/// A member that is unpadded, canonical base64url (RFC 7515 section 2).
fn base64url_member(m: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, KeyProblem> {
    URL_SAFE_NO_PAD
        .decode(required_string(m, name)?)
        .map_err(|_| KeyProblem::MemberNotBase64url(name))
}

/// The bytes of a big-endian unsigned integer without its leading zeros.
fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

fn bit_length(magnitude: &[u8]) -> usize {
    match magnitude.first() {
        None => 0,
        Some(&top) => (magnitude.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

fn rsa_key(m: &Map<String, Value>) -> Result<Key, KeyProblem> {
    let n = base64url_member(m, "n")?;
    let e = base64url_member(m, "e")?;
    // Some encoders keep a sign byte: leading zeros are not bits.
    let n = strip_zeros(&n);
    let bits = bit_length(n);
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(KeyProblem::RsaSize {
            bits,
            min: MIN_RSA_BITS,
            max: MAX_RSA_BITS,
        });
    }
    let e = strip_zeros(&e);
    let exponent_ok = e.len() <= 8 && e.last().is_some_and(|low| low & 1 == 1) && e != [1];
    if !exponent_ok {
        return Err(KeyProblem::RsaExponent);
    }
    // `new` adds rsa's own checks (an exponent within its bounds).
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(n),
        rsa::BigUint::from_bytes_be(e),
    )
    .map(Key::Rsa)
    .map_err(|_| KeyProblem::RsaInvalid)
}

fn p256_key(m: &Map<String, Value>) -> Result<Key, KeyProblem> {
    let crv = required_string(m, "crv")?;
    if crv != "P-256" {
        return Err(KeyProblem::UnsupportedCurve(crv.to_string()));
    }
    let coordinate = |name: &'static str| -> Result<p256::FieldBytes, KeyProblem> {
        let bytes = base64url_member(m, name)?;
        let fixed: [u8; 32] =
            bytes
                .as_slice()
                .try_into()
                .map_err(|_| KeyProblem::CoordinateLength {
                    name,
                    len: bytes.len(),
                })?;
        Ok(fixed.into())
    };
    let (x, y) = (coordinate("x")?, coordinate("y")?);
    let point = p256::EncodedPoint::from_affine_coordinates(&x, &y, false);
    p256::ecdsa::VerifyingKey::from_encoded_point(&point)
        .map(Key::P256)
        .map_err(|_| KeyProblem::NotOnCurve)
}

fn ed25519_key(m: &Map<String, Value>) -> Result<Key, KeyProblem> {
    let crv = required_string(m, "crv")?;
    if crv != "Ed25519" {
        return Err(KeyProblem::UnsupportedCurve(crv.to_string()));
    }
    let x = base64url_member(m, "x")?;
    let x: [u8; 32] = x
        .as_slice()
        .try_into()
        .map_err(|_| KeyProblem::Ed25519Length(x.len()))?;
    match ed25519_dalek::VerifyingKey::from_bytes(&x) {
        // A small-order key would "verify" forged signatures in lax verifiers.
        Ok(key) if !key.is_weak() => Ok(Key::Ed25519(key)),
        _ => Err(KeyProblem::Ed25519Invalid),
    }
}

/// Two usable keys with one `kid` leave a token's key ambiguous: both are
/// refused.
fn refuse_duplicate_ids(keys: &mut Vec<SetKey>, skipped: &mut Vec<Skipped>) {
    let shared: Vec<bool> = keys
        .iter()
        .map(|k| k.kid.is_some() && keys.iter().filter(|o| o.kid == k.kid).count() > 1)
        .collect();
    for (key, shared) in std::mem::take(keys).into_iter().zip(shared) {
        if shared {
            skipped.push(Skipped {
                index: key.index,
                kid: key.kid,
                problem: KeyProblem::DuplicateId,
            });
        } else {
            keys.push(key);
        }
    }
}

/// Why no key is usable, in a line for the log.
fn summary(entries: usize, skipped: &[Skipped]) -> String {
    if entries == 0 {
        return "its \"keys\" array is empty".to_string();
    }
    let mut out = format!("{} of {entries} refused: ", skipped.len());
    let shown: Vec<String> = skipped
        .iter()
        .take(SUMMARY_KEYS)
        .map(Skipped::to_string)
        .collect();
    out.push_str(&shown.join("; "));
    if skipped.len() > SUMMARY_KEYS {
        out.push_str(&format!("; and {} more", skipped.len() - SUMMARY_KEYS));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Classify as _, Reason};
    use crate::jwt::tests::{
        b64, claims, ec_key, ed_key, eddsa_seeded, eddsa_with, es256_seeded, es256_with, expect,
        header, object, ps256_with, rs256_with, with, NOW, RSA_1024_PUBLIC_PEM, RSA_PUBLIC_PEM,
    };
    use crate::jwt::{Expectations, Verifier};
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;
    use serde_json::json;

    const ALL: &[Algorithm] = &[
        Algorithm::Rs256,
        Algorithm::Ps256,
        Algorithm::Es256,
        Algorithm::EdDsa,
    ];

    fn der_of(pem: &str) -> Vec<u8> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    }

    fn rsa_parts(pem: &str) -> (Vec<u8>, Vec<u8>) {
        let key = rsa::RsaPublicKey::from_public_key_der(&der_of(pem)).unwrap();
        (key.n().to_bytes_be(), key.e().to_bytes_be())
    }

    fn rsa_jwk(kid: &str) -> Value {
        let (n, e) = rsa_parts(RSA_PUBLIC_PEM);
        json!({"kty": "RSA", "kid": kid, "n": b64(&n), "e": b64(&e)})
    }

    fn ec_jwk(kid: &str, seed: u8) -> Value {
        let point = ec_key(seed).verifying_key().to_encoded_point(false);
        json!({
            "kty": "EC", "crv": "P-256", "kid": kid,
            "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap()),
        })
    }

    fn ed_jwk(kid: &str, seed: u8) -> Value {
        let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
        json!({"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64(key.as_bytes())})
    }

    /// `jwk` with members replaced, or removed where the value is null.
    fn changed(jwk: Value, changes: Value) -> Value {
        let mut jwk = jwk;
        let map = jwk.as_object_mut().unwrap();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                map.remove(k);
            } else {
                map.insert(k.clone(), v.clone());
            }
        }
        jwk
    }

    fn set(keys: &[Value]) -> Vec<u8> {
        json!({ "keys": keys }).to_string().into_bytes()
    }

    fn verifier(algs: &[Algorithm], keys: &[Value]) -> Verifier {
        Verifier::with_key_set(algs, &set(keys), &expect()).unwrap()
    }

    /// The one problem of `jwk` in a set with a usable key.
    fn problem_of(algs: &[Algorithm], jwk: Value) -> (KeyProblem, Reason) {
        let usable = match KeyType::of(algs[0]) {
            Some(KeyType::P256) => ec_jwk("usable", 9),
            Some(KeyType::Ed25519) => ed_jwk("usable", 9),
            _ => rsa_jwk("usable"),
        };
        let keys = KeySet::parse(&set(&[usable, jwk]), algs).unwrap();
        assert_eq!(keys.skipped().len(), 1, "{:?}", keys.skipped());
        let problem = keys.skipped()[0].problem.clone();
        let reason = problem.classify().1;
        (problem, reason)
    }

    fn hdr(alg: &str, kid: Option<&str>) -> Value {
        match kid {
            Some(kid) => json!({"alg": alg, "kid": kid}),
            None => json!({"alg": alg}),
        }
    }

    #[test]
    fn each_algorithm_by_kid() {
        let v = verifier(ALL, &[rsa_jwk("rsa"), ec_jwk("ec", 7), ed_jwk("ed", 7)]);
        let want = object(claims());
        for token in [
            rs256_with(&hdr("RS256", Some("rsa")), &claims()),
            ps256_with(&hdr("PS256", Some("rsa")), &claims()),
            es256_with(&hdr("ES256", Some("ec")), &claims()),
            eddsa_with(&hdr("EdDSA", Some("ed")), &claims()),
        ] {
            assert_eq!(v.verify(token.as_bytes(), NOW).unwrap(), want);
        }
        assert_eq!(v.key_ids(), ["rsa", "ec", "ed"]);
        assert!(v.skipped_keys().is_empty());
        // Claims are still checked after the key is chosen.
        let expired = es256_with(&hdr("ES256", Some("ec")), &with(json!({"exp": 1})));
        assert_eq!(v.verify(expired.as_bytes(), NOW), Err(JwtError::Expired));
    }

    #[test]
    fn rotation_picks_the_key_the_kid_names() {
        let v = verifier(
            &[Algorithm::Es256, Algorithm::EdDsa],
            &[
                ec_jwk("2024", 7),
                ec_jwk("2025", 8),
                ed_jwk("ed-old", 7),
                ed_jwk("ed-new", 8),
            ],
        );
        let old = es256_seeded(7, &hdr("ES256", Some("2024")), &claims());
        let new = es256_seeded(8, &hdr("ES256", Some("2025")), &claims());
        assert!(v.verify(old.as_bytes(), NOW).is_ok());
        assert!(v.verify(new.as_bytes(), NOW).is_ok());
        // Signed by the new key but naming the old one: the old key is used.
        let wrong = es256_seeded(8, &hdr("ES256", Some("2024")), &claims());
        assert_eq!(v.verify(wrong.as_bytes(), NOW), Err(JwtError::BadSignature));
        let ed = eddsa_seeded(8, &hdr("EdDSA", Some("ed-new")), &claims());
        assert!(v.verify(ed.as_bytes(), NOW).is_ok());
        let ed = eddsa_seeded(8, &hdr("EdDSA", Some("ed-old")), &claims());
        assert_eq!(v.verify(ed.as_bytes(), NOW), Err(JwtError::BadSignature));
    }

    #[test]
    fn without_kid_only_one_fitting_key() {
        let v = verifier(ALL, &[rsa_jwk("rsa"), ec_jwk("ec", 7), ed_jwk("ed", 7)]);
        // One key of each type: the one that fits the alg.
        for token in [
            rs256_with(&hdr("RS256", None), &claims()),
            ps256_with(&hdr("PS256", None), &claims()),
            es256_with(&hdr("ES256", None), &claims()),
            eddsa_with(&hdr("EdDSA", None), &claims()),
        ] {
            assert!(v.verify(token.as_bytes(), NOW).is_ok(), "{token}");
        }
        // Two P-256 keys: ambiguous, for PHP as an unknown key.
        let v = verifier(ALL, &[rsa_jwk("rsa"), ec_jwk("a", 7), ec_jwk("b", 8)]);
        let es = es256_with(&hdr("ES256", None), &claims());
        let e = v.verify(es.as_bytes(), NOW).unwrap_err();
        assert_eq!(
            e,
            JwtError::NoKeyFits {
                alg: "ES256",
                count: 2
            }
        );
        assert_eq!(e.classify().1, Reason::JwtUnknownKey);
        // None fits (an EdDSA token, no OKP key).
        let ed = eddsa_with(&hdr("EdDSA", None), &claims());
        assert_eq!(
            v.verify(ed.as_bytes(), NOW),
            Err(JwtError::NoKeyFits {
                alg: "EdDSA",
                count: 0
            })
        );
        // A key restricted to RS256 does not count for PS256.
        let v = verifier(ALL, &[changed(rsa_jwk("rsa"), json!({"alg": "RS256"}))]);
        let ps = ps256_with(&hdr("PS256", None), &claims());
        assert_eq!(
            v.verify(ps.as_bytes(), NOW),
            Err(JwtError::NoKeyFits {
                alg: "PS256",
                count: 0
            })
        );
        // A key without kid is found without one.
        let v = verifier(ALL, &[changed(ec_jwk("x", 7), json!({"kid": null}))]);
        assert!(v
            .verify(es256_with(&hdr("ES256", None), &claims()).as_bytes(), NOW)
            .is_ok());
        assert!(v.key_ids().is_empty());
    }

    #[test]
    fn unknown_and_refused_kids() {
        let v = verifier(
            ALL,
            &[
                rsa_jwk("rsa"),
                json!({"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}),
                changed(rsa_jwk("enc"), json!({"use": "enc", "alg": "RSA-OAEP"})),
            ],
        );
        let rs = |kid| rs256_with(&hdr("RS256", Some(kid)), &claims());
        let e = v.verify(rs("nope").as_bytes(), NOW).unwrap_err();
        assert_eq!(e, JwtError::UnknownKey("nope".into()));
        assert_eq!(e.classify().1, Reason::JwtUnknownKey);
        for kid in ["hmac", "enc"] {
            let e = v.verify(rs(kid).as_bytes(), NOW).unwrap_err();
            assert_eq!(e, JwtError::KeyRefused(kid.into()));
            assert_eq!(e.classify().1, Reason::JwtKeyRefused);
        }
        // A kid that must be a string.
        let numeric = rs256_with(&json!({"alg": "RS256", "kid": 5}), &claims());
        assert_eq!(
            v.verify(numeric.as_bytes(), NOW),
            Err(JwtError::HeaderNotString("kid"))
        );
        // Nothing in the payload is read before the key is chosen and the
        // signature checked.
        let garbage = format!(
            "{}.{}.{}",
            b64(hdr("RS256", Some("nope")).to_string().as_bytes()),
            b64(b"not json"),
            b64(b"sig")
        );
        assert_eq!(
            v.verify(garbage.as_bytes(), NOW),
            Err(JwtError::UnknownKey("nope".into()))
        );
    }

    #[test]
    fn the_key_a_kid_names_must_fit_the_alg() {
        let v = verifier(
            ALL,
            &[
                rsa_jwk("rsa"),
                ec_jwk("ec", 7),
                changed(rsa_jwk("rs-only"), json!({"alg": "RS256"})),
            ],
        );
        // An ES256 token naming the RSA key, and a PS256 one naming a key
        // whose own alg is RS256.
        let es = es256_with(&hdr("ES256", Some("rsa")), &claims());
        let e = v.verify(es.as_bytes(), NOW).unwrap_err();
        assert_eq!(
            e,
            JwtError::KeyNotForAlg {
                alg: "ES256",
                kid: "rsa".into()
            }
        );
        assert_eq!(e.classify().1, Reason::JwtAlgorithm);
        let ps = ps256_with(&hdr("PS256", Some("rs-only")), &claims());
        assert_eq!(
            v.verify(ps.as_bytes(), NOW),
            Err(JwtError::KeyNotForAlg {
                alg: "PS256",
                kid: "rs-only".into()
            })
        );
        let rs = rs256_with(&hdr("RS256", Some("rs-only")), &claims());
        assert!(v.verify(rs.as_bytes(), NOW).is_ok());
        // The header's alg must still be a configured one.
        let v = verifier(&[Algorithm::Rs256], &[rsa_jwk("rsa")]);
        let ps = ps256_with(&hdr("PS256", Some("rsa")), &claims());
        assert!(matches!(
            v.verify(ps.as_bytes(), NOW),
            Err(JwtError::AlgMismatch { .. })
        ));
    }

    #[test]
    fn header_keys_are_never_used() {
        // A token naming a known kid, but carrying its own key (jwk), a key
        // URL (jku, x5u) and a certificate (x5c), signed by that other key.
        let v = verifier(ALL, &[ec_jwk("ec", 7)]);
        let h = json!({
            "alg": "ES256", "kid": "ec",
            "jwk": ec_jwk("ec", 8), "jku": "https://evil.example/jwks",
            "x5u": "https://evil.example/cert", "x5c": ["MIIB"],
        });
        let forged = es256_seeded(8, &h, &claims());
        assert_eq!(
            v.verify(forged.as_bytes(), NOW),
            Err(JwtError::BadSignature)
        );
        // The same header signed by the set's key is fine: they are ignored.
        assert!(v
            .verify(es256_seeded(7, &h, &claims()).as_bytes(), NOW)
            .is_ok());
    }

    #[test]
    fn rsa_keys() {
        let algs = &[Algorithm::Rs256];
        let (n, _) = rsa_parts(RSA_PUBLIC_PEM);
        // Leading zero bytes of n are tolerated and not counted.
        let padded = [&[0u8, 0][..], &n].concat();
        let v = verifier(algs, &[changed(rsa_jwk("k"), json!({"n": b64(&padded)}))]);
        assert!(v
            .verify(
                rs256_with(&hdr("RS256", Some("k")), &claims()).as_bytes(),
                NOW
            )
            .is_ok());
        // Too small and too big.
        let (small, _) = rsa_parts(RSA_1024_PUBLIC_PEM);
        let size = |bits| KeyProblem::RsaSize {
            bits,
            min: 2048,
            max: 4096,
        };
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("s"), json!({"n": b64(&small)}))),
            (size(1024), Reason::KeySize)
        );
        let mut huge = vec![0xffu8; 513];
        huge[0] = 0x01;
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("h"), json!({"n": b64(&huge)}))),
            (size(4097), Reason::KeySize)
        );
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("z"), json!({"n": "AAAA"}))),
            (size(0), Reason::KeySize)
        );
        // Exponents: even, 1, empty, too long.
        for bad in [vec![2u8], vec![1], vec![], vec![0], vec![1; 9]] {
            assert_eq!(
                problem_of(algs, changed(rsa_jwk("e"), json!({"e": b64(&bad)}))),
                (KeyProblem::RsaExponent, Reason::KeyMember),
                "{bad:?}"
            );
        }
        // An odd exponent beyond rsa's bound.
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("e"), json!({"e": b64(&[0xff; 8])}))),
            (KeyProblem::RsaInvalid, Reason::KeyMember)
        );
        // Members missing, not strings, not canonical unpadded base64url.
        let member = |p| (p, Reason::KeyMember);
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("m"), json!({"n": null}))),
            member(KeyProblem::MemberMissing("n"))
        );
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("m"), json!({"e": 65537}))),
            member(KeyProblem::MemberNotString("e"))
        );
        // Padded, standard alphabet, whitespace, stray bits in the last
        // character.
        for bad_e in ["AQAB=", "AQA+", "AQ B", "AQAB\n", "AR"] {
            let (p, r) = problem_of(algs, changed(rsa_jwk("m"), json!({ "e": bad_e })));
            assert_eq!(r, Reason::KeyMember, "{bad_e}: {p}");
        }
        let padded_n = format!("{}=", b64(&n[..n.len() - 1]));
        assert_eq!(
            problem_of(algs, changed(rsa_jwk("m"), json!({ "n": padded_n }))),
            member(KeyProblem::MemberNotBase64url("n"))
        );
    }

    #[test]
    fn ec_keys() {
        let algs = &[Algorithm::Es256];
        let curve = |p| (p, Reason::KeyCurve);
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"crv": "P-384"}))),
            curve(KeyProblem::UnsupportedCurve("P-384".into()))
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"crv": "secp256k1"}))),
            curve(KeyProblem::UnsupportedCurve("secp256k1".into()))
        );
        // P-384-sized coordinates labelled P-256.
        let c48 = b64(&[3u8; 48]);
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"x": c48, "y": c48}))),
            curve(KeyProblem::CoordinateLength { name: "x", len: 48 })
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"y": b64(&[3u8; 31])}))),
            curve(KeyProblem::CoordinateLength { name: "y", len: 31 })
        );
        // A point off the curve.
        let point = ec_key(7).verifying_key().to_encoded_point(false);
        let mut y = point.y().unwrap().to_vec();
        y[31] ^= 1;
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"y": b64(&y)}))),
            curve(KeyProblem::NotOnCurve)
        );
        assert_eq!(
            problem_of(
                algs,
                changed(
                    ec_jwk("k", 7),
                    json!({"x": b64(&[0; 32]), "y": b64(&[0; 32])})
                )
            ),
            curve(KeyProblem::NotOnCurve)
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"crv": null}))),
            (KeyProblem::MemberMissing("crv"), Reason::KeyMember)
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("k", 7), json!({"y": null}))),
            (KeyProblem::MemberMissing("y"), Reason::KeyMember)
        );
    }

    #[test]
    fn okp_keys() {
        let algs = &[Algorithm::EdDsa];
        assert_eq!(
            problem_of(algs, changed(ed_jwk("k", 7), json!({"crv": "X25519"}))),
            (
                KeyProblem::UnsupportedCurve("X25519".into()),
                Reason::KeyCurve
            )
        );
        assert_eq!(
            problem_of(
                algs,
                changed(ed_jwk("k", 7), json!({"crv": "Ed448", "x": b64(&[1; 57])}))
            ),
            (
                KeyProblem::UnsupportedCurve("Ed448".into()),
                Reason::KeyCurve
            )
        );
        assert_eq!(
            problem_of(algs, changed(ed_jwk("k", 7), json!({"x": b64(&[1; 31])}))),
            (KeyProblem::Ed25519Length(31), Reason::KeySize)
        );
        // The identity point (small order) and a y with no point.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            problem_of(algs, changed(ed_jwk("k", 7), json!({"x": b64(&identity)}))),
            (KeyProblem::Ed25519Invalid, Reason::KeyCurve)
        );
        let mut no_point = [0u8; 32];
        no_point[0] = 2;
        assert_eq!(
            problem_of(algs, changed(ed_jwk("k", 7), json!({"x": b64(&no_point)}))),
            (KeyProblem::Ed25519Invalid, Reason::KeyCurve)
        );
        assert_eq!(ed_key().verifying_key().as_bytes().len(), 32);
    }

    #[test]
    fn refused_kinds_of_keys() {
        let algs = ALL;
        assert_eq!(
            problem_of(algs, json!({"kty": "oct", "k": "c2VjcmV0", "kid": "h"})),
            (KeyProblem::Symmetric, Reason::KeySymmetric)
        );
        assert_eq!(
            problem_of(algs, json!({"kty": "oct", "kid": "h"})),
            (KeyProblem::Symmetric, Reason::KeySymmetric)
        );
        for member in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
            assert_eq!(
                problem_of(algs, changed(rsa_jwk("priv"), json!({ member: "AQAB" }))),
                (KeyProblem::Private(member), Reason::KeyPrivate)
            );
        }
        assert_eq!(
            problem_of(
                algs,
                changed(ec_jwk("priv", 7), json!({"d": b64(&[7; 32])}))
            ),
            (KeyProblem::Private("d"), Reason::KeyPrivate)
        );
        assert_eq!(
            problem_of(
                algs,
                changed(ed_jwk("priv", 7), json!({"d": b64(&[7; 32])}))
            ),
            (KeyProblem::Private("d"), Reason::KeyPrivate)
        );
        assert_eq!(
            problem_of(algs, json!({"kty": "RSA-X", "kid": "t"})),
            (KeyProblem::UnsupportedType("RSA-X".into()), Reason::KeyType)
        );
        assert_eq!(
            problem_of(algs, json!({"kty": "rsa"})),
            (KeyProblem::UnsupportedType("rsa".into()), Reason::KeyType)
        );
        assert_eq!(
            problem_of(algs, json!({"kid": "t"})),
            (KeyProblem::MemberMissing("kty"), Reason::KeyMember)
        );
        assert_eq!(
            problem_of(algs, json!({"kty": 1})),
            (KeyProblem::MemberNotString("kty"), Reason::KeyMember)
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("x", 7), json!({"kid": 7}))),
            (KeyProblem::MemberNotString("kid"), Reason::KeyMember)
        );
    }

    #[test]
    fn use_and_key_ops() {
        let algs = ALL;
        let usage = |p| (p, Reason::KeyUse);
        assert_eq!(
            problem_of(algs, changed(ec_jwk("u", 7), json!({"use": "enc"}))),
            usage(KeyProblem::Use("enc".into()))
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("u", 7), json!({"use": "SIG"}))),
            usage(KeyProblem::Use("SIG".into()))
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("u", 7), json!({"use": ["sig"]}))),
            (KeyProblem::MemberNotString("use"), Reason::KeyMember)
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("u", 7), json!({"key_ops": ["sign"]}))),
            usage(KeyProblem::KeyOps)
        );
        assert_eq!(
            problem_of(algs, changed(ec_jwk("u", 7), json!({"key_ops": []}))),
            usage(KeyProblem::KeyOps)
        );
        for bad in [
            json!("verify"),
            json!(["verify", 1]),
            json!({"verify": true}),
        ] {
            assert_eq!(
                problem_of(algs, changed(ec_jwk("u", 7), json!({ "key_ops": bad }))),
                usage(KeyProblem::KeyOpsForm)
            );
        }
        // use "sig" and key_ops with verify are fine, and so are members we
        // ignore (certificates, thumbprints, unknown ones).
        let ok = changed(
            ec_jwk("ok", 7),
            json!({"use": "sig", "key_ops": ["sign", "verify"], "alg": "ES256",
                   "x5c": ["MIIB"], "x5t": "abc", "x5t#S256": "def", "ext": true}),
        );
        let v = verifier(algs, &[ok]);
        assert!(v.skipped_keys().is_empty());
        assert!(v
            .verify(
                es256_with(&hdr("ES256", Some("ok")), &claims()).as_bytes(),
                NOW
            )
            .is_ok());
    }

    #[test]
    fn a_keys_alg() {
        let alg = |p| (p, Reason::KeyAlgorithm);
        assert_eq!(
            problem_of(ALL, changed(rsa_jwk("a"), json!({"alg": "RSA-OAEP"}))),
            alg(KeyProblem::AlgUnknown("RSA-OAEP".into()))
        );
        assert_eq!(
            problem_of(ALL, changed(rsa_jwk("a"), json!({"alg": "HS256"}))),
            alg(KeyProblem::AlgNotForType {
                alg: "HS256",
                key: "RSA"
            })
        );
        assert_eq!(
            problem_of(ALL, changed(rsa_jwk("a"), json!({"alg": "ES256"}))),
            alg(KeyProblem::AlgNotForType {
                alg: "ES256",
                key: "RSA"
            })
        );
        assert_eq!(
            problem_of(ALL, changed(ec_jwk("a", 7), json!({"alg": "EdDSA"}))),
            alg(KeyProblem::AlgNotForType {
                alg: "EdDSA",
                key: "P-256"
            })
        );
        assert_eq!(
            problem_of(
                &[Algorithm::Rs256],
                changed(rsa_jwk("a"), json!({"alg": "PS256"}))
            ),
            alg(KeyProblem::AlgNotConfigured("PS256"))
        );
        assert_eq!(
            problem_of(ALL, changed(rsa_jwk("a"), json!({"alg": 256}))),
            (KeyProblem::MemberNotString("alg"), Reason::KeyMember)
        );
        // A key of a type no configured algorithm uses.
        assert_eq!(
            problem_of(&[Algorithm::Rs256], ec_jwk("ec", 7)),
            alg(KeyProblem::NoConfiguredAlg("P-256"))
        );
        assert_eq!(
            problem_of(&[Algorithm::Rs256, Algorithm::Ps256], ed_jwk("ed", 7)),
            alg(KeyProblem::NoConfiguredAlg("Ed25519"))
        );
    }

    #[test]
    fn duplicate_kids_refuse_both_keys() {
        let keys = KeySet::parse(
            &set(&[
                ec_jwk("same", 7),
                rsa_jwk("rsa"),
                ed_jwk("same", 7),
                // A refused key sharing a usable key's kid does not count.
                json!({"kty": "oct", "kid": "rsa"}),
            ]),
            ALL,
        )
        .unwrap();
        assert_eq!(keys.key_ids(), ["rsa"]);
        let skipped: Vec<(usize, Option<&str>, Reason)> = keys
            .skipped()
            .iter()
            .map(|s| (s.index, s.kid.as_deref(), s.problem.classify().1))
            .collect();
        assert_eq!(
            skipped,
            [
                (0, Some("same"), Reason::KeyDuplicateId),
                (2, Some("same"), Reason::KeyDuplicateId),
                (3, Some("rsa"), Reason::KeySymmetric),
            ]
        );
        let v = verifier(ALL, &[ec_jwk("same", 7), ec_jwk("same", 8), rsa_jwk("rsa")]);
        let es = es256_with(&hdr("ES256", Some("same")), &claims());
        assert_eq!(
            v.verify(es.as_bytes(), NOW),
            Err(JwtError::KeyRefused("same".into()))
        );
        // Keys without a kid are never duplicates of each other.
        let none = |k: Value| changed(k, json!({"kid": null}));
        let keys = KeySet::parse(&set(&[none(ec_jwk("", 7)), none(ec_jwk("", 8))]), ALL).unwrap();
        assert!(keys.skipped().is_empty());
    }

    #[test]
    fn a_realistic_provider_set() {
        // As Keycloak publishes it: a signing key with a certificate chain,
        // and an RSA-OAEP encryption key.
        let (n, e) = rsa_parts(RSA_PUBLIC_PEM);
        let text = json!({"keys": [
            {"kid": "sig-1", "kty": "RSA", "alg": "RS256", "use": "sig",
             "n": b64(&n), "e": b64(&e), "x5c": ["MIICnTCCAYUCBgGK"],
             "x5t": "abc", "x5t#S256": "def"},
            {"kid": "enc-1", "kty": "RSA", "alg": "RSA-OAEP", "use": "enc",
             "n": b64(&n), "e": b64(&e)},
        ]})
        .to_string();
        let v = Verifier::with_key_set(&[Algorithm::Rs256], text.as_bytes(), &expect()).unwrap();
        assert_eq!(v.key_ids(), ["sig-1"]);
        assert_eq!(v.skipped_keys().len(), 1);
        let s = &v.skipped_keys()[0];
        assert_eq!((s.index, s.kid.as_deref()), (1, Some("enc-1")));
        assert_eq!(s.problem.classify().1, Reason::KeyUse);
        assert_eq!(
            s.to_string(),
            "key #1 (kid \"enc-1\"): its \"use\" is \"enc\", not \"sig\""
        );
        let rs = rs256_with(&hdr("RS256", Some("sig-1")), &claims());
        assert_eq!(v.verify(rs.as_bytes(), NOW).unwrap(), object(claims()));
        let no_kid = rs256_with(&header("RS256"), &claims());
        assert!(v.verify(no_kid.as_bytes(), NOW).is_ok());
    }

    fn whole(bytes: &[u8]) -> (JwksError, Reason) {
        let e = KeySet::parse(bytes, ALL).err().unwrap();
        let r = e.classify().1;
        (e, r)
    }

    #[test]
    fn whole_set_refusals() {
        assert_eq!(
            whole(b"not json"),
            (JwksError::NotJson { column: 2 }, Reason::KeySetNotJson)
        );
        assert_eq!(
            whole(b""),
            (JwksError::NotJson { column: 0 }, Reason::KeySetNotJson)
        );
        // A duplicate member anywhere: at the top, in a key, deeper.
        let key = rsa_jwk("k").to_string();
        for text in [
            format!(r#"{{"keys":[{key}],"keys":[]}}"#),
            format!(
                r#"{{"keys":[{},"kid":"other"}}]}}"#,
                key.trim_end_matches('}')
            ),
            format!(r#"{{"keys":[{key}],"x":{{"a":1,"a":2}}}}"#),
        ] {
            assert!(
                matches!(
                    whole(text.as_bytes()),
                    (JwksError::DuplicateMember(_), Reason::KeySetDuplicateMember)
                ),
                "{text}"
            );
        }
        let form = Reason::KeySetForm;
        assert_eq!(whole(b"[]"), (JwksError::NotObject, form));
        assert_eq!(whole(b"{}"), (JwksError::NoKeys, form));
        assert_eq!(whole(br#"{"keys":{}}"#), (JwksError::NoKeys, form));
        assert_eq!(whole(br#"{"Keys":[]}"#), (JwksError::NoKeys, form));
        assert_eq!(
            whole(format!(r#"{{"keys":[{key},1]}}"#).as_bytes()),
            (JwksError::KeyNotObject { index: 1 }, form)
        );
        let deep = format!(r#"{{"keys":[],"x":{}{}}}"#, "[".repeat(20), "]".repeat(20));
        assert_eq!(
            whole(deep.as_bytes()),
            (JwksError::TooDeep { max: 16 }, form)
        );
        let many = set(&vec![ec_jwk("k", 7); MAX_KEYS + 1]);
        assert_eq!(
            whole(&many),
            (
                JwksError::TooManyKeys {
                    count: 101,
                    max: 100
                },
                form
            )
        );
        let big = format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(MAX_KEY_SET_BYTES));
        assert_eq!(
            whole(big.as_bytes()),
            (
                JwksError::TooBig {
                    max: MAX_KEY_SET_BYTES
                },
                form
            )
        );
        // At the caps: fine (a set of 100 keys, duplicates refused, leaves
        // none usable here, but it is read).
        let hundred: Vec<Value> = (0..MAX_KEYS).map(|i| ec_jwk(&format!("k{i}"), 7)).collect();
        assert_eq!(
            KeySet::parse(&set(&hundred), ALL).unwrap().key_ids().len(),
            100
        );
    }

    #[test]
    fn no_usable_key_says_why() {
        assert_eq!(
            whole(br#"{"keys":[]}"#),
            (
                JwksError::NoUsableKey {
                    summary: "its \"keys\" array is empty".into()
                },
                Reason::KeySetNoUsableKey
            )
        );
        let (e, r) = whole(&set(&[
            json!({"kty": "oct", "kid": "h", "k": "c2VjcmV0"}),
            changed(rsa_jwk("r"), json!({"d": "AQAB"})),
        ]));
        assert_eq!(r, Reason::KeySetNoUsableKey);
        assert_eq!(
            e.to_string(),
            "the JWT key set has no usable key: 2 of 2 refused: key #0 (kid \"h\"): it is a symmetric (\"oct\") key, which a key set must never hold; key #1 (kid \"r\"): it publishes private key material (\"d\")"
        );
        // Long lists are cut.
        let many: Vec<Value> = (0..8)
            .map(|i| json!({"kty": "oct", "kid": format!("h{i}")}))
            .collect();
        let (e, _) = whole(&set(&many));
        assert!(e.to_string().ends_with("; and 3 more"), "{e}");
        // Keys of types no configured algorithm uses.
        let e = Verifier::with_key_set(&[Algorithm::EdDsa], &set(&[rsa_jwk("r")]), &expect())
            .err()
            .unwrap();
        assert_eq!(e.classify().1, Reason::KeySetNoUsableKey);
    }

    #[test]
    fn messages_never_quote_key_material() {
        let (n, _) = rsa_parts(RSA_PUBLIC_PEM);
        let n64 = b64(&n);
        let secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ";
        let d = b64(&[9u8; 32]);
        let (e, _) = whole(&set(&[
            changed(rsa_jwk("a"), json!({"d": d})),
            json!({"kty": "oct", "k": secret}),
            changed(rsa_jwk("b"), json!({"n": format!("{n64}=")})),
            changed(rsa_jwk("c"), json!({"n": b64(&n[..100])})),
        ]));
        let m = e.to_string();
        for material in [&n64[..16], secret, &d[..16]] {
            assert!(!m.contains(material), "{m}");
        }
        // Names are quoted safely.
        let (p, _) = problem_of(ALL, json!({"kty": "a\nb"}));
        assert_eq!(
            p.to_string(),
            "its key type \"a\\nb\" is not supported: use \"RSA\", \"EC\" or \"OKP\""
        );
    }

    #[test]
    fn settings_still_apply_with_a_set() {
        let bad = Expectations {
            leeway: -1,
            ..expect()
        };
        assert!(matches!(
            Verifier::with_key_set(ALL, &set(&[rsa_jwk("r")]), &bad),
            Err(JwtError::Leeway { .. })
        ));
    }
}
