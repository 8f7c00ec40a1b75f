//! The crate's error: one enum per module, wrapped by [`Error`], and the one
//! place where each failure is classified for PHP.
//!
//! Errors are values, never panics. The PHP binding turns each one into an
//! exception whose class is its [`Kind`] and whose code is its [`Reason`]:
//! the PHP side decides by class and code, and the English message (which
//! may quote input) is for logs only, never for a page.
//!
//! Every classification below is an exhaustive `match`: a new variant does
//! not compile until someone decides whose mistake it is.

use crate::cidr::CidrError;
use crate::derive::DeriveError;
use crate::digest::DigestError;
use crate::envelope::EnvelopeError;
use crate::json::JsonError;
use crate::jwks::{JwksError, KeyProblem};
use crate::jwt::JwtError;
use crate::prefixed_key::KeyError;
use crate::session_verification::SessionVerificationError;
use crate::token::TokenError;

/// Any failure of the native core, as the PHP binding receives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An argument that must be UTF-8 is not (always the caller's: an
    /// encoding name, a URL or token to sign, a configured JWT setting).
    #[error("{0} is not valid UTF-8")]
    NotUtf8(&'static str),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error(transparent)]
    Json(#[from] JsonError),
    #[error(transparent)]
    Cidr(#[from] CidrError),
    #[error(transparent)]
    Jwt(#[from] JwtError),
    #[error(transparent)]
    SessionVerification(#[from] SessionVerificationError),
    #[error(transparent)]
    Derive(#[from] DeriveError),
    #[error(transparent)]
    PrefixedKey(#[from] KeyError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whose mistake a failure is, and so which exception class PHP sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The caller's own settings or arguments are wrong (a key, an
    /// algorithm name, a leeway, a CIDR list): an administrator's problem.
    /// `MwsTokenAuthenticator\ConfigurationException`.
    Configuration,
    /// The input is refused (a token, an envelope, an address): the
    /// client's problem. `MwsTokenAuthenticator\RefusedException`.
    Refused,
    /// The system failed (the random source). `MwsTokenAuthenticator\Exception`.
    Internal,
}

/// The exception's code, stable across releases, so that PHP maps it to a
/// message of its own instead of showing ours: why input was refused (the
/// constants of `MwsTokenAuthenticator\RefusedException`, below 100), or
/// what is wrong with a key set or one of its keys (the constants of
/// `MwsTokenAuthenticator\ConfigurationException`, from 101; also the codes
/// of `JwtVerifier::skippedKeys()`). The ranges never overlap, so a code
/// means one thing whatever the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Reason {
    /// Any refusal without a reason of its own, and every non-refusal.
    Other = 0,
    /// Not a JWT: its form, its JSON or its header.
    JwtMalformed = 1,
    /// `alg` is `none` or not the configured algorithm.
    JwtAlgorithm = 2,
    /// The signature does not verify.
    JwtSignature = 3,
    /// Past `exp`.
    JwtExpired = 4,
    /// Before `nbf`, or `iat` in the future.
    JwtNotYetValid = 5,
    /// `iss` is not the configured issuer.
    JwtIssuer = 6,
    /// `aud` does not name the configured audience.
    JwtAudience = 7,
    /// A required claim is missing or of the wrong type.
    JwtClaims = 8,
    /// `exp - iat` is longer than allowed.
    JwtLifetime = 9,
    /// The `kid` is not in the key set, or there is no `kid` and not exactly
    /// one key fits `alg`: PHP may refetch the set (rate limited).
    JwtUnknownKey = 10,
    /// The `kid` names a key that was refused when the set was read.
    JwtKeyRefused = 11,

    // --- configuration: a key set as a whole ---
    /// The key set is not JSON.
    KeySetNotJson = 101,
    /// The key set has a member twice in one object.
    KeySetDuplicateMember = 102,
    /// The key set is too big, too deep, not an object, has no `keys`
    /// array, too many keys, or an entry that is not an object.
    KeySetForm = 103,
    /// No key of the set is usable.
    KeySetNoUsableKey = 104,

    // --- configuration: one key of a set (skipped keys) ---
    /// An unsupported `kty`.
    KeyType = 111,
    /// A symmetric (`oct`) key.
    KeySymmetric = 112,
    /// A key with private members.
    KeyPrivate = 113,
    /// An RSA modulus out of range, or an Ed25519 key of the wrong length.
    KeySize = 114,
    /// An unsupported or mismatched curve, or a point not on it.
    KeyCurve = 115,
    /// A member missing, of the wrong type, not base64url, or a bad value.
    KeyMember = 116,
    /// `use` other than "sig", or `key_ops` without "verify".
    KeyUse = 117,
    /// A key's `alg` unknown, not of its type or not configured, or no
    /// configured algorithm for its type.
    KeyAlgorithm = 118,
    /// Two usable keys with the same `kid`.
    KeyDuplicateId = 119,
}

/// An error's class and code for PHP; see [`Kind`] and [`Reason`].
pub trait Classify {
    fn classify(&self) -> (Kind, Reason);
}

const CONFIGURATION: (Kind, Reason) = (Kind::Configuration, Reason::Other);
const REFUSED: (Kind, Reason) = (Kind::Refused, Reason::Other);
const INTERNAL: (Kind, Reason) = (Kind::Internal, Reason::Other);

const fn refused(reason: Reason) -> (Kind, Reason) {
    (Kind::Refused, reason)
}

const fn configuration(reason: Reason) -> (Kind, Reason) {
    (Kind::Configuration, reason)
}

impl Error {
    /// Whose mistake this is; see [`Kind`].
    pub fn kind(&self) -> Kind {
        self.classify().0
    }

    /// Why input was refused; [`Reason::Other`] for every other failure.
    pub fn reason(&self) -> Reason {
        self.classify().1
    }
}

impl Classify for Error {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            Error::NotUtf8(_) => CONFIGURATION,
            Error::Token(e) => e.classify(),
            Error::Envelope(e) => e.classify(),
            Error::Json(e) => e.classify(),
            Error::Cidr(e) => e.classify(),
            Error::Jwt(e) => e.classify(),
            Error::SessionVerification(e) => e.classify(),
            Error::Derive(e) => e.classify(),
            Error::PrefixedKey(e) => e.classify(),
        }
    }
}

impl Classify for DigestError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            DigestError::BadSignature => REFUSED,
        }
    }
}

impl Classify for TokenError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            TokenError::Length { .. } | TokenError::UnknownEncoding(_) => CONFIGURATION,
            TokenError::Random(_) => INTERNAL,
            TokenError::Text { .. } => REFUSED,
        }
    }
}

impl Classify for EnvelopeError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            EnvelopeError::EmptyKey => CONFIGURATION,
            EnvelopeError::NotBase64
            | EnvelopeError::NotJson(_)
            | EnvelopeError::FieldMissing(_)
            | EnvelopeError::FieldNotString(_) => REFUSED,
            EnvelopeError::Signature(e) => e.classify(),
        }
    }
}

impl Classify for JsonError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            JsonError::BodyNotJsonObject(_) => REFUSED,
        }
    }
}

impl Classify for CidrError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            CidrError::InvalidRange { .. } | CidrError::RangeNotString { .. } => CONFIGURATION,
            CidrError::InvalidAddress(_) => REFUSED,
        }
    }
}

impl Classify for JwtError {
    fn classify(&self) -> (Kind, Reason) {
        use JwtError::*;
        match self {
            UnknownAlgorithm(_)
            | NoAlgorithm
            | AlgorithmForm
            | HmacNotAlone
            | HmacWithKeySet
            | AlgorithmNotForKey { .. }
            | EmptySecret
            | SecretIsPem
            | PrivateKey(_)
            | BadKey(_)
            | RsaKeyTooSmall { .. }
            | NotConfigured(_)
            | Leeway { .. }
            | MaxLifetime { .. } => CONFIGURATION,
            KeySet(e) => e.classify(),
            TooLong { .. }
            | Malformed
            | NotJson { .. }
            | NotObject(_)
            | TooDeep { .. }
            | DuplicateMember { .. }
            | NoAlg
            | Crit
            | HeaderNotString(_) => refused(Reason::JwtMalformed),
            AlgNone | AlgMismatch { .. } | KeyNotForAlg { .. } => refused(Reason::JwtAlgorithm),
            UnknownKey(_) | NoKeyFits { .. } => refused(Reason::JwtUnknownKey),
            KeyRefused(_) => refused(Reason::JwtKeyRefused),
            BadSignature => refused(Reason::JwtSignature),
            Expired => refused(Reason::JwtExpired),
            NotYetValid | IssuedInFuture => refused(Reason::JwtNotYetValid),
            IssuerMismatch(_) => refused(Reason::JwtIssuer),
            AudienceMismatch(_) => refused(Reason::JwtAudience),
            ClaimMissing(_) | ClaimNotNumber(_) | ClaimNotString(_) | AudienceNotStrings
            | SubjectEmpty => refused(Reason::JwtClaims),
            LifetimeTooLong { .. } => refused(Reason::JwtLifetime),
        }
    }
}

impl Classify for JwksError {
    fn classify(&self) -> (Kind, Reason) {
        use JwksError::*;
        match self {
            NotJson { .. } => configuration(Reason::KeySetNotJson),
            DuplicateMember(_) => configuration(Reason::KeySetDuplicateMember),
            TooBig { .. }
            | TooDeep { .. }
            | NotObject
            | NoKeys
            | TooManyKeys { .. }
            | KeyNotObject { .. } => configuration(Reason::KeySetForm),
            NoUsableKey { .. } => configuration(Reason::KeySetNoUsableKey),
        }
    }
}

/// A refused key of a set is no error of its own (the set may still be
/// usable), but its code is classified here like every other.
impl Classify for KeyProblem {
    fn classify(&self) -> (Kind, Reason) {
        use KeyProblem::*;
        configuration(match self {
            UnsupportedType(_) => Reason::KeyType,
            Symmetric => Reason::KeySymmetric,
            Private(_) => Reason::KeyPrivate,
            RsaSize { .. } | Ed25519Length(_) => Reason::KeySize,
            UnsupportedCurve(_) | CoordinateLength { .. } | NotOnCurve | Ed25519Invalid => {
                Reason::KeyCurve
            }
            MemberMissing(_)
            | MemberNotString(_)
            | MemberNotBase64url(_)
            | RsaExponent
            | RsaInvalid => Reason::KeyMember,
            Use(_) | KeyOps | KeyOpsForm => Reason::KeyUse,
            AlgUnknown(_) | AlgNotForType { .. } | AlgNotConfigured(_) | NoConfiguredAlg(_) => {
                Reason::KeyAlgorithm
            }
            DuplicateId => Reason::KeyDuplicateId,
        })
    }
}

impl Classify for SessionVerificationError {
    fn classify(&self) -> (Kind, Reason) {
        use SessionVerificationError::*;
        match self {
            EmptyKey | UserId(_) | IssuedAt(_) | TimeSetting => CONFIGURATION,
            TooLong { .. }
            | Shape
            | NotDecimal(_)
            | LeadingZero(_)
            | OutOfRange(_)
            | ZeroUserId
            | SignatureForm
            | FromTheFuture
            | TooOld { .. } => REFUSED,
            Signature(e) => e.classify(),
        }
    }
}

impl Classify for DeriveError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            DeriveError::KindName { .. }
            | DeriveError::NotSha256Hex(_)
            | DeriveError::IssuerHasNul
            | DeriveError::SeedSubject
            | DeriveError::SeedCredential => CONFIGURATION,
        }
    }
}

impl Classify for KeyError {
    fn classify(&self) -> (Kind, Reason) {
        match self {
            KeyError::Prefix(_) => CONFIGURATION,
            KeyError::Random(_) => INTERNAL,
        }
    }
}

/// Quotes user input in a message safely: control characters escaped, and
/// long input cut, so that an error message never becomes a log-injection
/// vector or a megabyte-long line.
pub(crate) fn printable(s: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Problem;

    #[test]
    fn printable_escapes_and_truncates() {
        assert_eq!(printable("a\nb"), "a\\nb");
        let long = "x".repeat(500);
        let p = printable(&long);
        assert!(p.chars().count() <= 81);
        assert!(p.ends_with('…'));
    }

    /// What PHP sees of every variant: the exception class (by kind), the
    /// code and the message. These are part of the PHP surface; a change
    /// here is a change PHP callers and logs see.
    #[test]
    #[rustfmt::skip]
    fn every_variant_keeps_its_class_code_and_message() {
        use Kind::{Configuration as C, Internal as I, Refused as R};
        let d = DigestError::BadSignature;
        let pins: Vec<(Error, Kind, i32, &str)> = vec![
            (Error::NotUtf8("the encoding name"), C, 0, "the encoding name is not valid UTF-8"),
            // token
            (TokenError::Length { requested: 15, min: 16, max: 1024 }.into(), C, 0,
                "token length 15 is out of range: use 16 to 1024 bytes"),
            (TokenError::UnknownEncoding("HEX\n".into()).into(), C, 0,
                "unknown token encoding \"HEX\\n\": use \"hex\" or \"base64url\""),
            (TokenError::Random("boom".into()).into(), I, 0, "the system random source failed: boom"),
            (TokenError::Text { max: 2048 }.into(), R, 0,
                "the token is not 1 to 2048 characters of hex or base64url"),
            // envelope, with the digest's signature error inside
            (EnvelopeError::EmptyKey.into(), C, 0, "the signing key (salt) is empty"),
            (EnvelopeError::Signature(d.clone()).into(), R, 0, "the signature does not match"),
            (EnvelopeError::NotBase64.into(), R, 0, "the salted token is not valid base64"),
            (EnvelopeError::NotJson(Problem::NotObject).into(), R, 0,
                "the salted token does not hold a JSON object: not an object"),
            (EnvelopeError::FieldMissing("sig").into(), R, 0, "the salted token has no \"sig\" field"),
            (EnvelopeError::FieldNotString("token").into(), R, 0,
                "the salted token's \"token\" field is not a string"),
            // json
            (JsonError::BodyNotJsonObject(Problem::NotJson { column: 3 }).into(), R, 0,
                "the request body is not one JSON object: not JSON (error at column 3)"),
            // cidr
            (CidrError::InvalidRange { index: 1, entry: "evil\nline".into() }.into(), C, 0,
                "IP range entry #1 \"evil\\nline\" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range"),
            (CidrError::RangeNotString { index: 2 }.into(), C, 0, "IP range entry #2 is not a string"),
            (CidrError::InvalidAddress("not-an-ip".into()).into(), R, 0, "\"not-an-ip\" is not an IP address"),
            // jwt: configuration
            (JwtError::UnknownAlgorithm("ES384".into()).into(), C, 0,
                "unknown JWT algorithm \"ES384\": use \"HS256\", \"RS256\", \"PS256\", \"ES256\" or \"EdDSA\""),
            (JwtError::NoAlgorithm.into(), C, 0, "no JWT algorithm is configured"),
            (JwtError::AlgorithmForm.into(), C, 0,
                "the JWT algorithm setting is neither a string nor a list of strings"),
            (JwtError::HmacNotAlone.into(), C, 0,
                "HS256 must be the only configured JWT algorithm: with others, a public key could be used as an HMAC secret"),
            (JwtError::HmacWithKeySet.into(), C, 0,
                "HS256 cannot be used with a key set: HS256 takes a shared secret, and a key set is public"),
            (JwtError::AlgorithmNotForKey { alg: "ES256", key: "RSA" }.into(), C, 0,
                "the configured algorithm ES256 does not fit the RSA key: RSA keys take RS256 or PS256, P-256 keys ES256, Ed25519 keys EdDSA"),
            (JwtError::BadKey("PS256").into(), C, 0,
                "the PS256 key does not parse: it must be a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"),
            (JwtError::BadKey("ES256").into(), C, 0,
                "the ES256 key does not parse: it must be a PEM P-256 public key (\"BEGIN PUBLIC KEY\")"),
            // jwt: key sets, as a whole (the codes of ConfigurationException)
            (JwtError::KeySet(JwksError::TooBig { max: 262144 }).into(), C, 103, "the JWT key set is longer than 262144 bytes"),
            (JwtError::KeySet(JwksError::NotJson { column: 4 }).into(), C, 101, "the JWT key set is not valid JSON (error at column 4)"),
            (JwtError::KeySet(JwksError::DuplicateMember("kty".into())).into(), C, 102,
                "the JWT key set has \"kty\" more than once in one object"),
            (JwtError::KeySet(JwksError::TooDeep { max: 16 }).into(), C, 103, "the JWT key set nests more than 16 levels deep"),
            (JwtError::KeySet(JwksError::NotObject).into(), C, 103, "the JWT key set is not a JSON object"),
            (JwtError::KeySet(JwksError::NoKeys).into(), C, 103, "the JWT key set has no \"keys\" array"),
            (JwtError::KeySet(JwksError::TooManyKeys { count: 101, max: 100 }).into(), C, 103,
                "the JWT key set has 101 keys: at most 100 are accepted"),
            (JwtError::KeySet(JwksError::KeyNotObject { index: 2 }).into(), C, 103,
                "entry #2 of the JWT key set's \"keys\" is not an object"),
            (JwtError::KeySet(JwksError::NoUsableKey { summary: "its \"keys\" array is empty".into() }).into(), C, 104,
                "the JWT key set has no usable key: its \"keys\" array is empty"),
            (JwtError::EmptySecret.into(), C, 0, "the HS256 secret is empty"),
            (JwtError::SecretIsPem.into(), C, 0,
                "the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA"),
            (JwtError::PrivateKey("RS256").into(), C, 0,
                "the RS256 key is a private key: configure the public key only"),
            (JwtError::BadKey("RS256").into(), C, 0,
                "the RS256 key does not parse: it must be a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"),
            (JwtError::BadKey("EdDSA").into(), C, 0,
                "the EdDSA key does not parse: it must be a PEM Ed25519 public key (\"BEGIN PUBLIC KEY\")"),
            (JwtError::RsaKeyTooSmall { alg: "RS256", bits: 1024, min: 2048 }.into(), C, 0,
                "the RS256 key has 1024 bits: at least 2048 are required"),
            (JwtError::NotConfigured("issuer").into(), C, 0, "no JWT issuer is configured"),
            (JwtError::Leeway { leeway: -1, max: 86400 }.into(), C, 0,
                "the JWT leeway -1 is out of range: use 0 to 86400 seconds"),
            (JwtError::MaxLifetime { value: 0, max: 316224000 }.into(), C, 0,
                "the JWT maximum lifetime 0 is out of range: use 1 to 316224000 seconds"),
            // jwt: the token's form
            (JwtError::TooLong { max: 16384 }.into(), R, 1, "the JWT is longer than 16384 bytes"),
            (JwtError::Malformed.into(), R, 1, "the JWT is not three base64url parts"),
            (JwtError::NotJson { part: "header", column: 2 }.into(), R, 1,
                "the JWT's header is not valid JSON (error at column 2)"),
            (JwtError::NotObject("payload").into(), R, 1, "the JWT's payload is not a JSON object"),
            (JwtError::TooDeep { part: "header", max: 16 }.into(), R, 1,
                "the JWT's header nests more than 16 levels deep"),
            (JwtError::DuplicateMember { part: "payload", name: "sub".into() }.into(), R, 1,
                "the JWT's payload has \"sub\" more than once"),
            (JwtError::NoAlg.into(), R, 1, "the JWT's header has no \"alg\" string"),
            (JwtError::AlgNone.into(), R, 2, "alg \"none\" is never accepted"),
            (JwtError::AlgMismatch { got: "HS256".into(), expected: "RS256".into() }.into(), R, 2,
                "the JWT's alg \"HS256\" is not the configured RS256"),
            (JwtError::Crit.into(), R, 1,
                "the JWT's header has a \"crit\" parameter, and no critical extension is supported"),
            (JwtError::HeaderNotString("kid").into(), R, 1, "the JWT's header \"kid\" is not a string"),
            (JwtError::AlgMismatch { got: "HS256".into(), expected: "RS256 or ES256".into() }.into(), R, 2,
                "the JWT's alg \"HS256\" is not the configured RS256 or ES256"),
            (JwtError::KeyNotForAlg { alg: "ES256", kid: "k1".into() }.into(), R, 2,
                "the JWT's alg ES256 does not fit its key \"k1\""),
            (JwtError::UnknownKey("k9\n".into()).into(), R, 10, "the JWT's key \"k9\\n\" is not in the key set"),
            (JwtError::NoKeyFits { alg: "RS256", count: 2 }.into(), R, 10,
                "the JWT names no key (\"kid\"), and 2 keys of the key set fit its alg RS256"),
            (JwtError::KeyRefused("enc".into()).into(), R, 11,
                "the JWT's key \"enc\" was refused when the key set was read"),
            (JwtError::BadSignature.into(), R, 3, "the JWT's signature does not match"),
            // jwt: the claims
            (JwtError::ClaimMissing("exp").into(), R, 8, "the JWT has no \"exp\" claim"),
            (JwtError::ClaimNotNumber("nbf").into(), R, 8, "the JWT's \"nbf\" claim is not a number"),
            (JwtError::ClaimNotString("iss").into(), R, 8, "the JWT's \"iss\" claim is not a string"),
            (JwtError::Expired.into(), R, 4, "the JWT has expired"),
            (JwtError::NotYetValid.into(), R, 5, "the JWT is not valid yet (\"nbf\")"),
            (JwtError::IssuedInFuture.into(), R, 5, "the JWT was issued in the future (\"iat\")"),
            (JwtError::IssuerMismatch("x".into()).into(), R, 6,
                "the JWT's issuer \"x\" is not the configured one"),
            (JwtError::AudienceMismatch("wiki".into()).into(), R, 7,
                "the JWT's audience does not include \"wiki\""),
            (JwtError::AudienceNotStrings.into(), R, 8,
                "the JWT's \"aud\" claim is not a string or an array of strings"),
            (JwtError::SubjectEmpty.into(), R, 8, "the JWT's \"sub\" claim is empty"),
            (JwtError::LifetimeTooLong { max: 86400 }.into(), R, 9,
                "the JWT's lifetime (exp - iat) is longer than the allowed 86400 seconds"),
            // session verification
            (SessionVerificationError::EmptyKey.into(), C, 0, "the session verification key is empty"),
            (SessionVerificationError::UserId(0).into(), C, 0,
                "user id 0 cannot be signed: use 1 to 9223372036854775807"),
            (SessionVerificationError::IssuedAt(-1).into(), C, 0,
                "issue time -1 cannot be signed: it must not be negative"),
            (SessionVerificationError::TimeSetting.into(), C, 0,
                "the session verification maximum age and leeway must not be negative"),
            (SessionVerificationError::TooLong { max: 256 }.into(), R, 0,
                "the session verification token is longer than 256 bytes"),
            (SessionVerificationError::Shape.into(), R, 0,
                "the session verification token is not of the form v1.<user id>.<issued at>.<signature>"),
            (SessionVerificationError::NotDecimal("user id").into(), R, 0,
                "the session verification token's user id is not a decimal number"),
            (SessionVerificationError::LeadingZero("issue time").into(), R, 0,
                "the session verification token's issue time has a leading zero"),
            (SessionVerificationError::OutOfRange("user id").into(), R, 0,
                "the session verification token's user id is out of range"),
            (SessionVerificationError::ZeroUserId.into(), R, 0,
                "the session verification token's user id is 0"),
            (SessionVerificationError::SignatureForm.into(), R, 0,
                "the session verification token's signature is not 64 lower-case hex digits"),
            (SessionVerificationError::FromTheFuture.into(), R, 0,
                "the session verification token was issued in the future"),
            (SessionVerificationError::TooOld { max: 3600 }.into(), R, 0,
                "the session verification token is older than 3600 seconds"),
            (SessionVerificationError::Signature(d).into(), R, 0, "the signature does not match"),
            // derivations
            (DeriveError::KindName { derivation: "token-store claim", kind: "a\0b".into() }.into(), C, 0,
                "the token-store claim kind \"a\\u{0}b\" is not a kind name: use lower-case ASCII letters, digits, \"-\" and \"_\""),
            (DeriveError::NotSha256Hex("app-token binding's secret hash").into(), C, 0,
                "the app-token binding's secret hash is not a hex SHA-256 (64 lower-case hex digits)"),
            (DeriveError::IssuerHasNul.into(), C, 0,
                "the JWT issuer contains a NUL byte, which separates the parts of a replay key"),
            (DeriveError::SeedSubject.into(), C, 0,
                "a session seed's subject contains \":\", which only a hex SHA-256 credential leaves unambiguous"),
            (DeriveError::SeedCredential.into(), C, 0,
                "a session seed's credential contains \":\" and is neither a hex SHA-256 nor an IP address"),
            // prefixed keys
            (KeyError::Prefix("MWPK_\n".into()).into(), C, 0,
                "the key prefix \"MWPK_\\n\" is not 2 to 8 lower-case ASCII letters followed by \"_\""),
            (KeyError::Random("boom".into()).into(), I, 0, "the system random source failed: boom"),
        ];
        for (e, kind, code, message) in pins {
            assert_eq!(
                (e.kind(), e.reason() as i32, e.to_string().as_str()),
                (kind, code, message),
                "{e:?}"
            );
        }
    }

    /// The code and message of every refused key of a set, as
    /// `JwtVerifier::skippedKeys()` gives them.
    #[test]
    #[rustfmt::skip]
    fn every_key_problem_keeps_its_code_and_message() {
        use KeyProblem::*;
        let pins: Vec<(KeyProblem, i32, &str)> = vec![
            (MemberMissing("kty"), 116, "it has no \"kty\" member"),
            (MemberNotString("kid"), 116, "its \"kid\" member is not a string"),
            (MemberNotBase64url("n"), 116, "its \"n\" member is not unpadded base64url"),
            (UnsupportedType("RSA-X".into()), 111,
                "its key type \"RSA-X\" is not supported: use \"RSA\", \"EC\" or \"OKP\""),
            (Symmetric, 112, "it is a symmetric (\"oct\") key, which a key set must never hold"),
            (Private("d"), 113, "it publishes private key material (\"d\")"),
            (RsaSize { bits: 1024, min: 2048, max: 4096 }, 114, "its RSA modulus has 1024 bits: use 2048 to 4096"),
            (RsaExponent, 116, "its RSA exponent is not an odd number greater than 1 that fits in 64 bits"),
            (RsaInvalid, 116, "it is not a valid RSA public key"),
            (UnsupportedCurve("P-384".into()), 115,
                "its curve \"P-384\" is not supported: use \"P-256\" (EC) or \"Ed25519\" (OKP)"),
            (CoordinateLength { name: "x", len: 48 }, 115, "its \"x\" coordinate has 48 bytes, not the 32 of P-256"),
            (NotOnCurve, 115, "its point is not on the P-256 curve"),
            (Ed25519Length(31), 114, "its Ed25519 \"x\" has 31 bytes, not 32"),
            (Ed25519Invalid, 115, "its \"x\" is not a valid Ed25519 public key"),
            (Use("enc".into()), 117, "its \"use\" is \"enc\", not \"sig\""),
            (KeyOps, 117, "its \"key_ops\" does not include \"verify\""),
            (KeyOpsForm, 117, "its \"key_ops\" is not an array of strings"),
            (AlgUnknown("RSA-OAEP".into()), 118, "its \"alg\" \"RSA-OAEP\" is not a supported algorithm"),
            (AlgNotForType { alg: "ES256", key: "RSA" }, 118, "its \"alg\" ES256 does not fit its key type RSA"),
            (AlgNotConfigured("PS256"), 118, "its \"alg\" PS256 is not one of the configured algorithms"),
            (NoConfiguredAlg("P-256"), 118, "its key type P-256 fits none of the configured algorithms"),
            (DuplicateId, 119, "another usable key of the set has the same \"kid\""),
        ];
        for (p, code, message) in pins {
            let (kind, reason) = p.classify();
            assert_eq!((kind, reason as i32), (Kind::Configuration, code), "{p:?}");
            assert_eq!(p.to_string(), message);
        }
    }

    #[test]
    fn messages_name_the_problem() {
        let e = CidrError::InvalidRange {
            index: 2,
            entry: "10.0.0.0/33".into(),
        };
        assert!(e.to_string().contains("10.0.0.0/33"));
        assert!(EnvelopeError::FieldMissing("sig")
            .to_string()
            .contains("sig"));
    }
}
