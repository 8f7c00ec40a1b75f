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
use crate::jwt::JwtError;
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

/// Why input was refused: the exception's code, stable across releases, so
/// that PHP maps it to a message of its own instead of showing ours. The
/// numbers are the constants of `MwsTokenAuthenticator\RefusedException`.
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
            | EmptySecret
            | SecretIsPem
            | PrivateKey(_)
            | BadKey(_)
            | RsaKeyTooSmall { .. }
            | NotConfigured(_)
            | Leeway { .. }
            | MaxLifetime { .. } => CONFIGURATION,
            TooLong { .. }
            | Malformed
            | NotJson { .. }
            | NotObject(_)
            | TooDeep { .. }
            | DuplicateMember { .. }
            | NoAlg
            | Crit
            | HeaderNotString(_) => refused(Reason::JwtMalformed),
            AlgNone | AlgMismatch { .. } => refused(Reason::JwtAlgorithm),
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
            (JwtError::UnknownAlgorithm("ES256".into()).into(), C, 0,
                "unknown JWT algorithm \"ES256\": use \"HS256\", \"RS256\" or \"EdDSA\""),
            (JwtError::EmptySecret.into(), C, 0, "the HS256 secret is empty"),
            (JwtError::SecretIsPem.into(), C, 0,
                "the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA"),
            (JwtError::PrivateKey("RS256").into(), C, 0,
                "the RS256 key is a private key: configure the public key only"),
            (JwtError::BadKey("RS256").into(), C, 0,
                "the RS256 key does not parse: it must be a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"),
            (JwtError::BadKey("EdDSA").into(), C, 0,
                "the EdDSA key does not parse: it must be a PEM Ed25519 public key (\"BEGIN PUBLIC KEY\")"),
            (JwtError::RsaKeyTooSmall { bits: 1024, min: 2048 }.into(), C, 0,
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
            (JwtError::AlgMismatch { got: "HS256".into(), expected: "RS256" }.into(), R, 2,
                "the JWT's alg \"HS256\" is not the configured RS256"),
            (JwtError::Crit.into(), R, 1,
                "the JWT's header has a \"crit\" parameter, and no critical extension is supported"),
            (JwtError::HeaderNotString("kid").into(), R, 1, "the JWT's header \"kid\" is not a string"),
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
        ];
        for (e, kind, code, message) in pins {
            assert_eq!(
                (e.kind(), e.reason() as i32, e.to_string().as_str()),
                (kind, code, message),
                "{e:?}"
            );
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
