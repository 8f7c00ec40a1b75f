//! The PHP binding: argument conversion and error mapping only. Every
//! decision is made in the pure modules.
//!
//! Byte strings arrive as `BinarySlice<u8>` so that keys and messages with
//! NUL or non-UTF-8 bytes pass through intact (`&str` would reject them with
//! a TypeError). Names are set explicitly: ext-php-rs would otherwise
//! re-case them.

use crate::cidr::{CidrError, CidrSet as NativeCidrSet};
use crate::error::{Classify as _, Error, Kind, Reason};
use crate::session_verification::SessionVerificationError;
use crate::{
    constant_time, derive, digest, envelope, json, jwt, prefixed_key, session_verification, token,
};
use ext_php_rs::binary::Binary;
use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::class::RegisteredClass;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, ZendHashTable, Zval};
use ext_php_rs::zend::{ce, ModuleEntry};
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use serde_json::Value;

/// The base of the extension's exceptions; thrown as itself only when the
/// system fails (the random source). Its message says what is wrong, for
/// logs: it may quote input, so PHP never puts it on a page.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Default)]
pub struct TokenAuthenticatorException;

/// The caller's settings or arguments are wrong (a key, an algorithm, a
/// leeway, a CIDR list): an administrator's problem. The code is 0, or for
/// a key set one of the constants (which are also the codes of
/// `JwtVerifier::skippedKeys()`).
#[php_class]
#[php(name = "MwsTokenAuthenticator\\ConfigurationException")]
#[php(extends(TokenAuthenticatorException))]
#[derive(Default)]
pub struct ConfigurationException;

#[php_impl]
impl ConfigurationException {
    pub const OTHER: i64 = Reason::Other as i64;
    pub const KEY_SET_NOT_JSON: i64 = Reason::KeySetNotJson as i64;
    pub const KEY_SET_DUPLICATE_MEMBER: i64 = Reason::KeySetDuplicateMember as i64;
    pub const KEY_SET_FORM: i64 = Reason::KeySetForm as i64;
    pub const KEY_SET_NO_USABLE_KEY: i64 = Reason::KeySetNoUsableKey as i64;
    pub const KEY_TYPE: i64 = Reason::KeyType as i64;
    pub const KEY_SYMMETRIC: i64 = Reason::KeySymmetric as i64;
    pub const KEY_PRIVATE: i64 = Reason::KeyPrivate as i64;
    pub const KEY_SIZE: i64 = Reason::KeySize as i64;
    pub const KEY_CURVE: i64 = Reason::KeyCurve as i64;
    pub const KEY_MEMBER: i64 = Reason::KeyMember as i64;
    pub const KEY_USE: i64 = Reason::KeyUse as i64;
    pub const KEY_ALGORITHM: i64 = Reason::KeyAlgorithm as i64;
    pub const KEY_DUPLICATE_ID: i64 = Reason::KeyDuplicateId as i64;
}

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
    pub const JWT_UNKNOWN_KEY: i64 = Reason::JwtUnknownKey as i64;
    pub const JWT_KEY_REFUSED: i64 = Reason::JwtKeyRefused as i64;
}

/// The one conversion from a native error to a PHP exception: the class
/// by kind, the code by reason.
fn throw(e: impl Into<Error>) -> PhpException {
    let e = e.into();
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

/// A key secret scanners recognise: `$prefix` (2 to 8 lower-case letters and
/// "_"), 36 base62 characters from the OS CSPRNG and a CRC-32 checksum.
#[php_function]
#[php(name = "mws_ta_key_mint")]
pub fn key_mint(prefix: BinarySlice<u8>) -> PhpResult<String> {
    // Bytes that are not UTF-8 are no prefix either: one error for both.
    prefixed_key::mint(&String::from_utf8_lossy(&prefix)).map_err(throw)
}

/// The prefix of `$text` when it is exactly one well-formed key with a
/// matching checksum, else null; never throws.
#[php_function]
#[php(name = "mws_ta_key_prefix")]
pub fn key_prefix(text: BinarySlice<u8>) -> Option<String> {
    prefixed_key::prefix_of(&text).map(str::to_string)
}

/// HMAC-SHA256 as lower-case hex, as `hash_hmac('sha256', $message, $key)`.
#[php_function]
#[php(name = "mws_ta_hmac_sha256")]
pub fn hmac_sha256(key: BinarySlice<u8>, message: BinarySlice<u8>) -> String {
    digest::hmac_sha256_hex(&key, &message)
}

/// Constant-time check of a hex HMAC-SHA256 signature.
#[php_function]
#[php(name = "mws_ta_hmac_sha256_verify")]
pub fn hmac_sha256_verify(
    key: BinarySlice<u8>,
    message: BinarySlice<u8>,
    signature: BinarySlice<u8>,
) -> bool {
    digest::hmac_sha256_verify_hex(&key, &message, &signature)
}

/// SHA-256 as lower-case hex: the form in which tokens are stored.
#[php_function]
#[php(name = "mws_ta_sha256")]
pub fn sha256(data: BinarySlice<u8>) -> String {
    digest::sha256_hex(&data)
}

/// The hash a token is stored and looked up by, from client text; refuses
/// (RefusedException) text that no minted token can be.
#[php_function]
#[php(name = "mws_ta_token_hash")]
pub fn token_hash(text: BinarySlice<u8>) -> PhpResult<String> {
    token::lookup_hash(&text).map_err(throw)
}

/// A request body as an associative array, read by the one strict JSON
/// reader (duplicate members refused); RefusedException for anything else.
#[php_function]
#[php(name = "mws_ta_json_object")]
pub fn json_object(json: BinarySlice<u8>) -> PhpResult<ZBox<ZendHashTable>> {
    match json::request_body(&json, &PhpValues).map_err(throw)? {
        Node::Table(table) => Ok(table),
        // The reader only returns objects, which are tables.
        Node::Scalar(_) => Err(PhpException::from_message("not an object".to_string())),
    }
}

/// A value of [`PhpValues`]: arrays and objects stay tables until they are
/// put into their parent, so the top-level one is returned as it is.
enum Node {
    Scalar(Zval),
    Table(ZBox<ZendHashTable>),
}

/// The strict reader's output as PHP values, built directly (json_decode's
/// shapes: objects as associative arrays, numeric names as integer keys).
struct PhpValues;

impl PhpValues {
    fn scalar(set: impl FnOnce(&mut Zval)) -> Node {
        let mut z = Zval::new();
        set(&mut z);
        Node::Scalar(z)
    }

    fn put(table: &mut ZendHashTable, name: Option<&str>, value: Node) -> Option<()> {
        match (name, value) {
            (Some(name), Node::Scalar(z)) => table.insert(name, z),
            (Some(name), Node::Table(t)) => table.insert(name, t),
            (None, Node::Scalar(z)) => table.push(z),
            (None, Node::Table(t)) => table.push(t),
        }
        .ok()
    }
}

impl json::Build for PhpValues {
    type Value = Node;
    type Array = ZBox<ZendHashTable>;
    type Object = ZBox<ZendHashTable>;
    fn null(&self) -> Node {
        Self::scalar(|z| z.set_null())
    }
    fn bool(&self, b: bool) -> Node {
        Self::scalar(|z| z.set_bool(b))
    }
    fn int(&self, n: i64) -> Node {
        Self::scalar(|z| z.set_long(n))
    }
    fn uint(&self, n: u64) -> Node {
        // As json_decode does with integers beyond PHP_INT_MAX.
        self.float(n as f64)
    }
    fn float(&self, n: f64) -> Node {
        Self::scalar(|z| z.set_double(n))
    }
    fn string(&self, s: &str) -> Option<Node> {
        let mut z = Zval::new();
        z.set_string(s, false).ok()?;
        Some(Node::Scalar(z))
    }
    fn array(&self) -> ZBox<ZendHashTable> {
        ZendHashTable::new()
    }
    fn push(&self, array: &mut ZBox<ZendHashTable>, value: Node) -> Option<()> {
        Self::put(array, None, value)
    }
    fn end_array(&self, array: ZBox<ZendHashTable>) -> Node {
        Node::Table(array)
    }
    fn object(&self) -> ZBox<ZendHashTable> {
        ZendHashTable::new()
    }
    fn has(&self, object: &ZBox<ZendHashTable>, name: &str) -> bool {
        object.get(name).is_some()
    }
    fn insert(&self, object: &mut ZBox<ZendHashTable>, name: &str, value: Node) -> Option<()> {
        Self::put(object, Some(name), value)
    }
    fn end_object(&self, object: ZBox<ZendHashTable>) -> Node {
        Node::Table(object)
    }
}

/// Constant-time string equality.
#[php_function]
#[php(name = "mws_ta_equals")]
pub fn equals(known: BinarySlice<u8>, given: BinarySlice<u8>) -> bool {
    constant_time::equals(&known, &given)
}

/// The hash a token-store claim is recorded by: SHA-256 of `kind NUL key`.
#[php_function]
#[php(name = "mws_ta_claim_hash")]
pub fn claim_hash(kind: BinarySlice<u8>, key: BinarySlice<u8>) -> PhpResult<String> {
    derive::claim_hash(&kind, &key).map_err(throw)
}

/// What ties an app token to the hex SHA-256 of the secret it was minted with.
#[php_function]
#[php(name = "mws_ta_app_token_binding")]
pub fn app_token_binding(secret_hash: BinarySlice<u8>) -> PhpResult<String> {
    derive::app_token_binding(&secret_hash).map_err(throw)
}

/// The key a verified JWT is used up by: by its jti when it has one, else
/// by its hash.
#[php_function]
#[php(name = "mws_ta_jwt_replay_key")]
pub fn jwt_replay_key(
    jwt: BinarySlice<u8>,
    issuer: BinarySlice<u8>,
    jti: Option<BinarySlice<u8>>,
) -> PhpResult<Binary<u8>> {
    derive::jwt_replay_key(&jwt, &issuer, jti.map(<&[u8]>::from))
        .map(Binary::from)
        .map_err(throw)
}

/// The text a service session's ID is hashed from: `kind:subject:credential`.
#[php_function]
#[php(name = "mws_ta_session_seed")]
pub fn session_seed(
    kind: BinarySlice<u8>,
    subject: BinarySlice<u8>,
    credential: BinarySlice<u8>,
) -> PhpResult<Binary<u8>> {
    derive::session_seed(&kind, &subject, &credential)
        .map(Binary::from)
        .map_err(throw)
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

/// A compiled list of IP ranges: the CIDR API. Compile it once where the
/// list is configured and keep it.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\CidrSet")]
pub struct CidrSet {
    set: NativeCidrSet,
}

#[php_impl]
impl CidrSet {
    /// Throws MwsTokenAuthenticator\ConfigurationException naming the first invalid entry.
    pub fn __construct(ranges: &ZendHashTable) -> PhpResult<Self> {
        let mut entries: Vec<&[u8]> = Vec::with_capacity(ranges.len());
        for (index, value) in ranges.values().enumerate() {
            let s = value
                .zend_str()
                .ok_or_else(|| throw(CidrError::RangeNotString { index }))?;
            entries.push(s.as_bytes());
        }
        Ok(CidrSet {
            set: NativeCidrSet::parse(entries).map_err(throw)?,
        })
    }

    pub fn contains(&self, ip: BinarySlice<u8>) -> PhpResult<bool> {
        let ip = std::str::from_utf8(&ip).map_err(|_| {
            throw(CidrError::InvalidAddress(
                String::from_utf8_lossy(&ip).into(),
            ))
        })?;
        self.set.contains_str(ip).map_err(throw)
    }

    /// Whether every address in the set is a loopback address.
    #[php(name = "isLoopbackOnly")]
    pub fn is_loopback_only(&self) -> bool {
        self.set.is_loopback_only()
    }

    /// Disjoint intervals after merging overlapping and adjacent entries.
    #[php(name = "intervalCount")]
    pub fn interval_count(&self) -> i64 {
        i64::try_from(self.set.interval_count()).unwrap_or(i64::MAX)
    }
}

/// The one conversion of JSON (verified claims) to a PHP value: objects
/// become associative arrays, numbers ints where they fit.
fn to_zval(value: &Value) -> PhpResult<Zval> {
    let mut z = Zval::new();
    match value {
        Value::Null => z.set_null(),
        Value::Bool(b) => z.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => z.set_long(i),
            None => z.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => z
            .set_string(s, false)
            .map_err(|e| PhpException::from_message(e.to_string()))?,
        Value::Array(items) => {
            let mut ht = ZendHashTable::new();
            for item in items {
                ht.push(to_zval(item)?)
                    .map_err(|e| PhpException::from_message(e.to_string()))?;
            }
            z.set_hashtable(ht);
        }
        Value::Object(map) => z.set_hashtable(to_hashtable(map)?),
    }
    Ok(z)
}

fn to_hashtable(map: &serde_json::Map<String, Value>) -> PhpResult<ZBox<ZendHashTable>> {
    let mut ht = ZendHashTable::new();
    for (k, v) in map {
        ht.insert(k.as_str(), to_zval(v)?)
            .map_err(|e| PhpException::from_message(e.to_string()))?;
    }
    Ok(ht)
}

/// Where a JWT is verified, built once from the configuration: the
/// algorithms pinned, the key or key set parsed, issuer, audience, leeway
/// and maximum lifetime checked (ConfigurationException).
#[php_class]
#[php(name = "MwsTokenAuthenticator\\JwtVerifier")]
pub struct JwtVerifier {
    inner: jwt::Verifier,
}

/// `$alg`: one name, or a list of names.
fn algorithms(alg: &Zval) -> PhpResult<Vec<jwt::Algorithm>> {
    let one = |z: &Zval| -> PhpResult<jwt::Algorithm> {
        let name = z
            .zend_str()
            .ok_or_else(|| throw(jwt::JwtError::AlgorithmForm))?;
        jwt::Algorithm::parse(utf8(name.as_bytes(), "the JWT algorithm name")?).map_err(throw)
    };
    match alg.array() {
        Some(list) => list.values().map(one).collect(),
        None => Ok(vec![one(alg)?]),
    }
}

/// The claims expectations, from the constructor's arguments.
fn expectations<'a>(
    issuer: &'a [u8],
    audience: &'a [u8],
    leeway: i64,
    max_lifetime: i64,
) -> PhpResult<jwt::Expectations<'a>> {
    Ok(jwt::Expectations {
        issuer: utf8(issuer, "the JWT issuer")?,
        audience: utf8(audience, "the JWT audience")?,
        leeway,
        max_lifetime,
    })
}

fn php_error(e: impl std::fmt::Display) -> PhpException {
    PhpException::from_message(e.to_string())
}

#[php_impl]
impl JwtVerifier {
    /// `$alg`: a name or a list of names; `$key`: an HS256 secret or a PEM
    /// public key.
    pub fn __construct(
        alg: &Zval,
        key: BinarySlice<u8>,
        issuer: BinarySlice<u8>,
        audience: BinarySlice<u8>,
        leeway: i64,
        max_lifetime: i64,
    ) -> PhpResult<Self> {
        let algs = algorithms(alg)?;
        let expect = expectations(&issuer, &audience, leeway, max_lifetime)?;
        Ok(JwtVerifier {
            inner: jwt::Verifier::with_algorithms(&algs, &key, &expect).map_err(throw)?,
        })
    }

    /// A verifier with a key set (JWKS JSON text) instead of one key.
    #[php(name = "withKeySet")]
    pub fn with_key_set(
        alg: &Zval,
        key_set: BinarySlice<u8>,
        issuer: BinarySlice<u8>,
        audience: BinarySlice<u8>,
        leeway: i64,
        max_lifetime: i64,
    ) -> PhpResult<ZBox<ZendClassObject<JwtVerifier>>> {
        let algs = algorithms(alg)?;
        let expect = expectations(&issuer, &audience, leeway, max_lifetime)?;
        let inner = jwt::Verifier::with_key_set(&algs, &key_set, &expect).map_err(throw)?;
        Ok(ZendClassObject::new(JwtVerifier { inner }))
    }

    /// The verified claims of `jwt` at `now`, as an array; RefusedException
    /// (its code a JWT_ constant) for a refused token.
    pub fn verify(&self, jwt: BinarySlice<u8>, now: i64) -> PhpResult<ZBox<ZendHashTable>> {
        to_hashtable(&self.inner.verify(&jwt, now).map_err(throw)?)
    }

    /// The keys of the set that were refused:
    /// `[['kid' => ?string, 'code' => int, 'message' => string], ...]`.
    #[php(name = "skippedKeys")]
    pub fn skipped_keys(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let mut out = ZendHashTable::new();
        for skipped in self.inner.skipped_keys() {
            let (_, reason) = skipped.problem.classify();
            let mut entry = ZendHashTable::new();
            entry
                .insert("kid", skipped.kid.clone())
                .map_err(php_error)?;
            entry.insert("code", reason as i64).map_err(php_error)?;
            entry
                .insert("message", skipped.to_string())
                .map_err(php_error)?;
            out.push(entry).map_err(php_error)?;
        }
        Ok(out)
    }

    /// The `kid`s of the set's usable keys.
    #[php(name = "keyIds")]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner
            .key_ids()
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}

/// Where action=session_verification tokens are signed and verified: the
/// per-user key derivation, the age limit and the clock leeway.
#[php_class]
#[php(name = "MwsTokenAuthenticator\\SessionVerifier")]
pub struct SessionVerifier {
    inner: session_verification::Verifier,
}

fn to_user_id(user_id: i64) -> PhpResult<u64> {
    u64::try_from(user_id).map_err(|_| throw(SessionVerificationError::UserId(user_id.into())))
}

#[php_impl]
impl SessionVerifier {
    /// `max_age`: seconds, 0 for no limit; `future_leeway`: seconds of clock skew.
    pub fn __construct(
        secret: BinarySlice<u8>,
        max_age: i64,
        future_leeway: i64,
    ) -> PhpResult<Self> {
        Ok(SessionVerifier {
            inner: session_verification::Verifier::new(&secret, max_age, future_leeway)
                .map_err(throw)?,
        })
    }

    /// The token of a user (with their user_token) issued at `now`.
    pub fn sign(&self, user_id: i64, user_token: BinarySlice<u8>, now: i64) -> PhpResult<String> {
        self.inner
            .sign(to_user_id(user_id)?, &user_token, now)
            .map_err(throw)
    }

    /// The user id a well-formed token names, unverified (to look up the
    /// user's user_token); RefusedException for a malformed token.
    #[php(name = "userIdOf")]
    pub fn user_id_of(token: BinarySlice<u8>) -> PhpResult<i64> {
        let parsed = session_verification::parse(&token).map_err(throw)?;
        // parse() keeps it within i64.
        Ok(i64::try_from(parsed.user_id).unwrap_or(i64::MAX))
    }

    /// `['userId' => int, 'age' => int]` for a valid token of the user whose
    /// user_token is given; RefusedException otherwise.
    pub fn verify(
        &self,
        token: BinarySlice<u8>,
        user_token: BinarySlice<u8>,
        now: i64,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let v = self.inner.verify(&token, &user_token, now).map_err(throw)?;
        let mut out = ZendHashTable::new();
        for (k, n) in [
            ("userId", i64::try_from(v.user_id).unwrap_or(i64::MAX)),
            ("age", v.age),
        ] {
            out.insert(k, n)
                .map_err(|e| PhpException::from_message(e.to_string()))?;
        }
        Ok(out)
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
        .class::<ConfigurationException>()
        .class::<RefusedException>()
        .class::<CidrSet>()
        .class::<JwtVerifier>()
        .class::<SessionVerifier>()
        .function(wrap_function!(random_token))
        .function(wrap_function!(key_mint))
        .function(wrap_function!(key_prefix))
        .function(wrap_function!(hmac_sha256))
        .function(wrap_function!(hmac_sha256_verify))
        .function(wrap_function!(sha256))
        .function(wrap_function!(token_hash))
        .function(wrap_function!(json_object))
        .function(wrap_function!(equals))
        .function(wrap_function!(envelope_encode))
        .function(wrap_function!(envelope_decode))
        .function(wrap_function!(claim_hash))
        .function(wrap_function!(app_token_binding))
        .function(wrap_function!(jwt_replay_key))
        .function(wrap_function!(session_seed))
        .info_function(module_info)
}
