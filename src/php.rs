//! The PHP binding: argument conversion and error mapping only. Every
//! decision is made in the pure modules.
//!
//! Byte strings arrive as `BinarySlice<u8>` so that keys and messages with
//! NUL or non-UTF-8 bytes pass through intact (`&str` would reject them with
//! a TypeError). Names are set explicitly: ext-php-rs would otherwise
//! re-case them.

use crate::cidr::{self, CidrSet as NativeCidrSet};
use crate::error::Error;
use crate::{envelope, sign, token};
use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use ext_php_rs::zend::{ce, ModuleEntry};
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use std::sync::Arc;

/// The one exception class of the extension; its message says what is wrong.
/// Only the extension throws it, so its constructor takes no arguments.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct TokenAuthenticatorException;

fn throw(e: Error) -> PhpException {
    PhpException::from_class::<TokenAuthenticatorException>(e.to_string())
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
        .class::<CidrSet>()
        .function(wrap_function!(random_token))
        .function(wrap_function!(hmac_sha256))
        .function(wrap_function!(hmac_sha256_verify))
        .function(wrap_function!(sha256))
        .function(wrap_function!(equals))
        .function(wrap_function!(envelope_encode))
        .function(wrap_function!(envelope_decode))
        .function(wrap_function!(cidr_contains))
        .info_function(module_info)
}
