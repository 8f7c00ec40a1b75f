//! One error type for every fallible operation of the native core.
//!
//! Errors are values, never panics. The PHP binding turns each one into an
//! exception whose class is its [`Kind`] and whose code is its [`Reason`]:
//! the PHP side decides by class and code, and the English message (which
//! may quote input) is for logs only, never for a page.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A token length outside the accepted range.
    #[error("token length {requested} is out of range: use {min} to {max} bytes")]
    TokenLength {
        requested: i64,
        min: usize,
        max: usize,
    },
    /// An encoding name the token generator does not know.
    #[error("unknown token encoding \"{}\": use \"hex\" or \"base64url\"", printable(.0))]
    UnknownEncoding(String),
    /// The operating system's random source failed.
    #[error("the system random source failed: {0}")]
    Random(String),
    /// Client text that no minted token can be.
    #[error("the token is not 1 to {max} characters of hex or base64url")]
    TokenText { max: usize },
    /// A salt or HMAC key that is empty.
    #[error("the signing key (salt) is empty")]
    EmptyKey,
    /// A signature that is not hex, or does not match.
    #[error("the signature does not match")]
    BadSignature,
    /// An argument that must be UTF-8 is not (always the caller's: an
    /// encoding name, a URL or token to sign, a configured JWT setting).
    #[error("{0} is not valid UTF-8")]
    NotUtf8(&'static str),
    /// An envelope that is not base64.
    #[error("the salted token is not valid base64")]
    EnvelopeNotBase64,
    /// An envelope whose payload is not a JSON object.
    #[error("the salted token does not hold a JSON object: {0}")]
    EnvelopeNotJson(String),
    /// An envelope without a required field.
    #[error("the salted token has no \"{0}\" field")]
    EnvelopeFieldMissing(&'static str),
    /// An envelope field that is present but not a string.
    #[error("the salted token's \"{0}\" field is not a string")]
    EnvelopeFieldNotString(&'static str),
    /// A request body that is not one strict JSON object.
    #[error("the request body is not one JSON object: {0}")]
    BodyNotJsonObject(String),
    /// A CIDR list entry that cannot be parsed.
    #[error("IP range entry #{index} \"{}\" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range", printable(.entry))]
    InvalidRange { index: usize, entry: String },
    /// A CIDR list entry that is not a string.
    #[error("IP range entry #{index} is not a string")]
    RangeNotString { index: usize },
    /// An address to look up that is not an IP address.
    #[error("\"{}\" is not an IP address", printable(.0))]
    InvalidAddress(String),

    // --- JWT verification (jwt.rs): configuration ---
    /// A configured algorithm name other than HS256, RS256 or EdDSA.
    #[error("unknown JWT algorithm \"{}\": use \"HS256\", \"RS256\" or \"EdDSA\"", printable(.0))]
    JwtUnknownAlgorithm(String),
    /// An empty HS256 secret.
    #[error("the HS256 secret is empty")]
    JwtEmptySecret,
    /// An HS256 secret that is a PEM key: a public key used as an HMAC
    /// secret lets anyone who has it forge tokens.
    #[error("the HS256 secret is a PEM key: HS256 takes a shared secret, and a public key must be used with RS256 or EdDSA")]
    JwtSecretIsPem,
    /// An RS256 or EdDSA key that is a private key.
    #[error("the {0} key is a private key: configure the public key only")]
    JwtPrivateKey(&'static str),
    /// An RS256 or EdDSA key that does not parse as a public key.
    #[error("the {alg} key does not parse: it must be {forms}", alg = .0, forms = key_forms(.0))]
    JwtBadKey(&'static str),
    /// An RSA public key shorter than the minimum.
    #[error("the RS256 key has {bits} bits: at least {min} are required")]
    JwtRsaKeyTooSmall { bits: usize, min: usize },
    /// An empty configured issuer or audience.
    #[error("no JWT {0} is configured")]
    JwtNotConfigured(&'static str),
    /// A leeway outside the accepted range.
    #[error("the JWT leeway {leeway} is out of range: use 0 to {max} seconds")]
    JwtLeeway { leeway: i64, max: i64 },

    // --- JWT verification: the token's form ---
    /// A token longer than the cap.
    #[error("the JWT is longer than {max} bytes")]
    JwtTooLong { max: usize },
    /// Not three unpadded base64url parts.
    #[error("the JWT is not three base64url parts")]
    JwtMalformed,
    /// The header or payload is not JSON.
    #[error("the JWT's {part} is not valid JSON (error at column {column})")]
    JwtNotJson { part: &'static str, column: usize },
    /// The header or payload is JSON, but not an object.
    #[error("the JWT's {0} is not a JSON object")]
    JwtNotObject(&'static str),
    /// The header or payload nests deeper than the cap.
    #[error("the JWT's {part} nests more than {max} levels deep")]
    JwtTooDeep { part: &'static str, max: usize },
    /// The header or payload has the same member twice.
    #[error("the JWT's {part} has \"{}\" more than once", printable(.name))]
    JwtDuplicateMember { part: &'static str, name: String },
    /// The header has no string `alg`.
    #[error("the JWT's header has no \"alg\" string")]
    JwtNoAlg,
    /// `alg: "none"`, in any case.
    #[error("alg \"none\" is never accepted")]
    JwtAlgNone,
    /// The header's `alg` is not the configured algorithm.
    #[error("the JWT's alg \"{}\" is not the configured {expected}", printable(.got))]
    JwtAlgMismatch { got: String, expected: &'static str },
    /// The header has a `crit` parameter.
    #[error("the JWT's header has a \"crit\" parameter, and no critical extension is supported")]
    JwtCrit,
    /// A header parameter (`typ`, `kid`) that is present but not a string.
    #[error("the JWT's header \"{0}\" is not a string")]
    JwtHeaderNotString(&'static str),
    /// The signature does not verify.
    #[error("the JWT's signature does not match")]
    JwtBadSignature,

    // --- JWT verification: the claims ---
    /// A required claim is absent.
    #[error("the JWT has no \"{0}\" claim")]
    JwtClaimMissing(&'static str),
    /// A NumericDate claim that is not a number.
    #[error("the JWT's \"{0}\" claim is not a number")]
    JwtClaimNotNumber(&'static str),
    /// A claim that must be a string is not one.
    #[error("the JWT's \"{0}\" claim is not a string")]
    JwtClaimNotString(&'static str),
    /// `now` is past `exp` plus the leeway.
    #[error("the JWT has expired")]
    JwtExpired,
    /// `now` plus the leeway is before `nbf`.
    #[error("the JWT is not valid yet (\"nbf\")")]
    JwtNotYetValid,
    /// `iat` is after `now` plus the leeway.
    #[error("the JWT was issued in the future (\"iat\")")]
    JwtIssuedInFuture,
    /// `iss` is not the configured issuer.
    #[error("the JWT's issuer \"{}\" is not the configured one", printable(.0))]
    JwtIssuerMismatch(String),
    /// `aud` neither is nor contains the configured audience.
    #[error("the JWT's audience does not include \"{}\"", printable(.0))]
    JwtAudienceMismatch(String),
    /// `aud` is neither a string nor an array of strings.
    #[error("the JWT's \"aud\" claim is not a string or an array of strings")]
    JwtAudienceNotStrings,
    /// `sub` is an empty string.
    #[error("the JWT's \"sub\" claim is empty")]
    JwtSubjectEmpty,
    /// `exp - iat` is longer than the configured maximum lifetime.
    #[error("the JWT's lifetime (exp - iat) is longer than the allowed {max} seconds")]
    JwtLifetimeTooLong { max: i64 },
    /// A configured maximum lifetime outside the accepted range.
    #[error("the JWT maximum lifetime {value} is out of range: use 1 to {max} seconds")]
    JwtMaxLifetime { value: i64, max: i64 },

    // --- Session verification tokens (session_verification.rs) ---
    /// An empty session verification key.
    #[error("the session verification key is empty")]
    SvEmptyKey,
    /// A user id to sign outside 1 to `i64::MAX`.
    #[error("user id {id} cannot be signed: use 1 to {max}", id = .0, max = i64::MAX)]
    SvUserId(i128),
    /// A negative issue time to sign.
    #[error("issue time {0} cannot be signed: it must not be negative")]
    SvIssuedAt(i64),
    /// A token longer than the cap.
    #[error("the session verification token is longer than {max} bytes")]
    SvTooLong { max: usize },
    /// Not `v1.<user id>.<issued at>.<signature>`.
    #[error(
        "the session verification token is not of the form v1.<user id>.<issued at>.<signature>"
    )]
    SvShape,
    /// A number field that is not plain decimal digits.
    #[error("the session verification token's {0} is not a decimal number")]
    SvNotDecimal(&'static str),
    /// A number field with a leading zero.
    #[error("the session verification token's {0} has a leading zero")]
    SvLeadingZero(&'static str),
    /// A number field too large.
    #[error("the session verification token's {0} is out of range")]
    SvOutOfRange(&'static str),
    /// A user id of 0.
    #[error("the session verification token's user id is 0")]
    SvZeroUserId,
    /// A signature that is not 64 lower-case hex digits.
    #[error("the session verification token's signature is not 64 lower-case hex digits")]
    SvSignatureForm,
    /// A token issued further in the future than the leeway allows.
    #[error("the session verification token was issued in the future")]
    SvFromTheFuture,
    /// A token older than the maximum age.
    #[error("the session verification token is older than {max} seconds")]
    SvTooOld { max: i64 },
    /// A negative maximum age or leeway.
    #[error("the session verification maximum age and leeway must not be negative")]
    SvTimeSetting,
}

/// How a JWT key for `alg` must look (for the error message).
fn key_forms(alg: &str) -> &'static str {
    if alg == "RS256" {
        "a PEM RSA public key (\"BEGIN PUBLIC KEY\" or \"BEGIN RSA PUBLIC KEY\")"
    } else {
        "a PEM Ed25519 public key (\"BEGIN PUBLIC KEY\")"
    }
}

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

impl Error {
    /// Whose mistake this is; see [`Kind`].
    pub fn kind(&self) -> Kind {
        use Error::*;
        match self {
            TokenLength { .. }
            | UnknownEncoding(_)
            | NotUtf8(_)
            | EmptyKey
            | InvalidRange { .. }
            | RangeNotString { .. }
            | JwtUnknownAlgorithm(_)
            | JwtEmptySecret
            | JwtSecretIsPem
            | JwtPrivateKey(_)
            | JwtBadKey(_)
            | JwtRsaKeyTooSmall { .. }
            | JwtNotConfigured(_)
            | JwtLeeway { .. }
            | JwtMaxLifetime { .. }
            | SvEmptyKey
            | SvUserId(_)
            | SvIssuedAt(_)
            | SvTimeSetting => Kind::Configuration,
            Random(_) => Kind::Internal,
            _ => Kind::Refused,
        }
    }

    /// Why input was refused; [`Reason::Other`] for every other failure.
    pub fn reason(&self) -> Reason {
        use Error::*;
        match self {
            JwtTooLong { .. }
            | JwtMalformed
            | JwtNotJson { .. }
            | JwtNotObject(_)
            | JwtTooDeep { .. }
            | JwtDuplicateMember { .. }
            | JwtNoAlg
            | JwtCrit
            | JwtHeaderNotString(_) => Reason::JwtMalformed,
            JwtAlgNone | JwtAlgMismatch { .. } => Reason::JwtAlgorithm,
            JwtBadSignature => Reason::JwtSignature,
            JwtExpired => Reason::JwtExpired,
            JwtNotYetValid | JwtIssuedInFuture => Reason::JwtNotYetValid,
            JwtIssuerMismatch(_) => Reason::JwtIssuer,
            JwtAudienceMismatch(_) => Reason::JwtAudience,
            JwtClaimMissing(_)
            | JwtClaimNotNumber(_)
            | JwtClaimNotString(_)
            | JwtAudienceNotStrings
            | JwtSubjectEmpty => Reason::JwtClaims,
            JwtLifetimeTooLong { .. } => Reason::JwtLifetime,
            _ => Reason::Other,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

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

    #[test]
    fn printable_escapes_and_truncates() {
        assert_eq!(printable("a\nb"), "a\\nb");
        let long = "x".repeat(500);
        let p = printable(&long);
        assert!(p.chars().count() <= 81);
        assert!(p.ends_with('…'));
    }

    #[test]
    fn kinds_and_reasons() {
        assert_eq!(Error::JwtBadKey("RS256").kind(), Kind::Configuration);
        assert_eq!(Error::JwtBadKey("RS256").reason(), Reason::Other);
        assert_eq!(Error::JwtExpired.kind(), Kind::Refused);
        assert_eq!(Error::JwtExpired.reason() as i32, 4);
        assert_eq!(
            Error::JwtAlgMismatch {
                got: "{{x}}".into(),
                expected: "HS256"
            }
            .reason(),
            Reason::JwtAlgorithm
        );
        assert_eq!(Error::Random("x".into()).kind(), Kind::Internal);
        assert_eq!(Error::SvShape.kind(), Kind::Refused);
        assert_eq!(
            Error::JwtLifetimeTooLong { max: 1 }.reason(),
            Reason::JwtLifetime
        );
    }

    #[test]
    fn messages_name_the_problem() {
        let e = Error::InvalidRange {
            index: 2,
            entry: "10.0.0.0/33".into(),
        };
        assert!(e.to_string().contains("10.0.0.0/33"));
        assert!(Error::EnvelopeFieldMissing("sig")
            .to_string()
            .contains("sig"));
    }
}
