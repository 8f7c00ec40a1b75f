//! The PHP binding: argument conversion and error mapping only. Every
//! decision is made in the pure modules.
//!
//! Byte strings arrive as `BinarySlice<u8>` so that keys and messages with
//! NUL or non-UTF-8 bytes pass through intact (`&str` would reject them with
//! a TypeError). Names are set explicitly: ext-php-rs would otherwise
//! re-case them.

use crate::cidr::{self, CidrSet as NativeCidrSet};
use crate::error::{Error, Kind, Reason};
use crate::{envelope, jwt, session_verification, sign, token};
use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::zend::{ce, ModuleEntry};
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use std::sync::Arc;

/// The base of the extension's exceptions; thrown as itself only when the
/// system fails (the random source). Its message says what is wrong, for
/// logs: it may quote input, so PHP never puts it on a page.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct TokenAuthenticatorException;

/// The caller's settings or arguments are wrong (a key, an algorithm, a
/// leeway, a CIDR list): an administrator's problem.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\ConfigurationException")]
#[php(extends(TokenAuthenticatorException))]
#[derive(Default)]
pub struct ConfigurationException;

/// The input is refused (a token, an envelope, an address). The code is
/// one of the constants, the reason PHP turns into a message of its own.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\RefusedException")]
#[php(extends(TokenAuthenticatorException))]
#[derive(Default)]
pub struct RefusedException;

#[php_impl]
impl RefusedException {
    pub const OTHER: i64 = Reason::Other as i64;
    pub const JWT_MALFORMED: i64 = Reason::JwtMalformed as i64;
    pub const JWT_ALGORITHM: i64 = Reason::JwtAlgorithm as i64;
    pub const JWT_SIGNATURE: i64 = Reason::JwtSignature as i64;
    pub const JWT_EXPIRED: i64 = Reason::JwtExpired as i64;
    pub const JWT_NOT_YET_VALID: i64 = Reason::JwtNotYetValid as i64;
    pub const JWT_ISSUER: i64 = Reason::JwtIssuer as i64;
    pub const JWT_AUDIENCE: i64 = Reason::JwtAudience as i64;
    pub const JWT_CLAIMS: i64 = Reason::JwtClaims as i64;
    pub const JWT_LIFETIME: i64 = Reason::JwtLifetime as i64;
}

/// The one conversion from a native error to a PHP exception: the class
/// by kind, the code by reason.
fn throw(e: Error) -> PhpException {
    let class = match e.kind() {
        Kind::Configuration => ConfigurationException::get_metadata().ce(),
        Kind::Refused => RefusedException::get_metadata().ce(),
        Kind::Internal => TokenAuthenticatorException::get_metadata().ce(),
    };
    PhpException::new(e.to_string(), e.reason() as i32, class)
}

fn utf8<'a>(bytes: &'a [u8], what: &'static str) -> Result<&'a str, PhpException> {
    std::str::from_utf8(bytes).map_err(|_| throw(Error::NotUtf8(what)))
}

/// Random token from the OS CSPRNG: `$bytes` bytes (16 to 1024), as "hex" or
/// "base64url".
#[php_function]
#[php(name = "mws_ta_random_token")]
#[php(defaults(bytes = 32))]
pub fn random_token(bytes: i64, encoding: Option<BinarySlice<u8>>) -> PhpResult<String> {
    let enc = match encoding {
        None => token::Encoding::Hex,
        Some(name) => token::Encoding::parse(utf8(&name, "the encoding name")?).map_err(throw)?,
    };
    token::random_token(bytes, enc).map_err(throw)
}

/// HMAC-SHA256 as lower-case hex, as `hash_hmac('sha256', $message, $key)`.
#[php_function]
#[php(name = "mws_ta_hmac_sha256")]
pub fn hmac_sha256(key: BinarySlice<u8>, message: BinarySlice<u8>) -> String {
    sign::hmac_sha256_hex(&key, &message)
}

/// Constant-time check of a hex HMAC-SHA256 signature.
#[php_function]
#[php(name = "mws_ta_hmac_sha256_verify")]
pub fn hmac_sha256_verify(
    key: BinarySlice<u8>,
    message: BinarySlice<u8>,
    signature: BinarySlice<u8>,
) -> bool {
    sign::hmac_sha256_verify_hex(&key, &message, &signature)
}

/// SHA-256 as lower-case hex: the form in which tokens are stored.
#[php_function]
#[php(name = "mws_ta_sha256")]
pub fn sha256(data: BinarySlice<u8>) -> String {
    sign::sha256_hex(&data)
}

/// Constant-time string equality.
#[php_function]
#[php(name = "mws_ta_equals")]
pub fn equals(known: BinarySlice<u8>, given: BinarySlice<u8>) -> bool {
    sign::equals(&known, &given)
}

/// Salted token: base64(json{verifyCallback, token, sig}).
#[php_function]
#[php(name = "mws_ta_envelope_encode")]
pub fn envelope_encode(
    salt: BinarySlice<u8>,
    verify_callback: BinarySlice<u8>,
    token: BinarySlice<u8>,
) -> PhpResult<String> {
    let url = utf8(&verify_callback, "verifyCallback")?;
    let tok = utf8(&token, "the token")?;
    envelope::encode(&salt, url, tok).map_err(throw)
}

/// Decodes a salted token and checks its signature; returns
/// `['verifyCallback' => …, 'token' => …, 'sig' => …]`.
#[php_function]
#[php(name = "mws_ta_envelope_decode")]
pub fn envelope_decode(
    salt: BinarySlice<u8>,
    envelope: BinarySlice<u8>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let env = envelope::decode(&salt, &envelope).map_err(throw)?;
    let mut out = ZendHashTable::new();
    for (k, v) in [
        ("verifyCallback", env.verify_callback),
        ("token", env.token),
        ("sig", env.sig),
    ] {
        out.insert(k, v)
            .map_err(|e| PhpException::from_message(e.to_string()))?;
    }
    Ok(out)
}

/// Compiles (or fetches from the per-process cache) the set for a PHP list.
fn compiled(ranges: &ZendHashTable) -> PhpResult<Arc<NativeCidrSet>> {
    let mut entries: Vec<&[u8]> = Vec::with_capacity(ranges.len());
    for (index, value) in ranges.values().enumerate() {
        let s = value
            .zend_str()
            .ok_or_else(|| throw(Error::RangeNotString { index }))?;
        entries.push(s.as_bytes());
    }
    cidr::cached(entries).map_err(throw)
}

fn contains(set: &NativeCidrSet, ip: &[u8]) -> PhpResult<bool> {
    let ip = std::str::from_utf8(ip)
        .map_err(|_| throw(Error::InvalidAddress(String::from_utf8_lossy(ip).into())))?;
    set.contains_str(ip).map_err(throw)
}

/// Whether `$ip` is in any of `$ranges` (CIDR, bare address or a-b range).
#[php_function]
#[php(name = "mws_ta_cidr_contains")]
pub fn cidr_contains(ranges: &ZendHashTable, ip: BinarySlice<u8>) -> PhpResult<bool> {
    contains(compiled(ranges)?.as_ref(), &ip)
}

/// A compiled list of IP ranges.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\CidrSet")]
pub struct CidrSet {
    set: Arc<NativeCidrSet>,
}

#[php_impl]
impl CidrSet {
    /// Throws MwsTokenAuthenticator\Exception naming the first invalid entry.
    pub fn __construct(ranges: &ZendHashTable) -> PhpResult<Self> {
        Ok(CidrSet {
            set: compiled(ranges)?,
        })
    }

    pub fn contains(&self, ip: BinarySlice<u8>) -> PhpResult<bool> {
        contains(&self.set, &ip)
    }

    /// Disjoint intervals after merging overlapping and adjacent entries.
    #[php(name = "intervalCount")]
    pub fn interval_count(&self) -> i64 {
        i64::try_from(self.set.interval_count()).unwrap_or(i64::MAX)
    }
}

/// Verifies a JWT with the pinned algorithm ("HS256", "RS256" or "EdDSA")
/// and key, and returns its claims as a JSON object.
#[php_function]
#[php(name = "mws_ta_jwt_verify")]
#[allow(clippy::too_many_arguments)]
pub fn jwt_verify(
    jwt: BinarySlice<u8>,
    alg: BinarySlice<u8>,
    key: BinarySlice<u8>,
    issuer: BinarySlice<u8>,
    audience: BinarySlice<u8>,
    now: i64,
    leeway: i64,
    max_lifetime: i64,
) -> PhpResult<String> {
    let alg = jwt::Algorithm::parse(utf8(&alg, "the JWT algorithm name")?).map_err(throw)?;
    let expect = jwt::Expectations {
        issuer: utf8(&issuer, "the JWT issuer")?,
        audience: utf8(&audience, "the JWT audience")?,
        now,
        leeway,
        max_lifetime,
    };
    let claims = jwt::verify(&jwt, alg, &key, &expect).map_err(throw)?;
    serde_json::to_string(&claims).map_err(|e| PhpException::from_message(e.to_string()))
}

/// Signs a session verification token: "v1.<user id>.<issued at>.<hex hmac>".
#[php_function]
#[php(name = "mws_ta_sv_sign")]
pub fn sv_sign(key: BinarySlice<u8>, user_id: i64, issued_at: i64) -> PhpResult<String> {
    let user_id = u64::try_from(user_id).map_err(|_| throw(Error::SvUserId(user_id.into())))?;
    session_verification::sign(&key, user_id, issued_at).map_err(throw)
}

/// Reads a session verification token's fields without checking its
/// signature: `['userId' => int, 'issuedAt' => int]`.
#[php_function]
#[php(name = "mws_ta_sv_parse")]
pub fn sv_parse(token: BinarySlice<u8>) -> PhpResult<ZBox<ZendHashTable>> {
    let parsed = session_verification::parse(&token).map_err(throw)?;
    let mut out = ZendHashTable::new();
    // parse() keeps both fields within i64.
    for (k, v) in [
        ("userId", i64::try_from(parsed.user_id).unwrap_or(i64::MAX)),
        ("issuedAt", parsed.issued_at),
    ] {
        out.insert(k, v)
            .map_err(|e| PhpException::from_message(e.to_string()))?;
    }
    Ok(out)
}

/// Whether a session verification token is well-formed and signed under
/// `$key` (constant-time comparison).
#[php_function]
#[php(name = "mws_ta_sv_verify")]
pub fn sv_verify(key: BinarySlice<u8>, token: BinarySlice<u8>) -> bool {
    session_verification::verify(&key, &token)
}

extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("mws_token_authenticator", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_row!("built for PHP API", env!("MWS_TA_PHP_API"));
    info_table_end!();
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .class::<TokenAuthenticatorException>()
        .class::<ConfigurationException>()
        .class::<RefusedException>()
        .class::<CidrSet>()
        .function(wrap_function!(random_token))
        .function(wrap_function!(hmac_sha256))
        .function(wrap_function!(hmac_sha256_verify))
        .function(wrap_function!(sha256))
        .function(wrap_function!(equals))
        .function(wrap_function!(envelope_encode))
        .function(wrap_function!(envelope_decode))
        .function(wrap_function!(cidr_contains))
        .function(wrap_function!(jwt_verify))
        .function(wrap_function!(sv_sign))
        .function(wrap_function!(sv_parse))
        .function(wrap_function!(sv_verify))
        .info_function(module_info)
}
