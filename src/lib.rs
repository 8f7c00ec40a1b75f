//! Native core of the TokenAuthenticator MediaWiki extension.
//!
//! The pure modules below hold all logic and are tested with `cargo test`;
//! `php` binds them to PHP and is the only code that touches Zend symbols,
//! so it is left out of test builds (a test binary cannot link them) and of
//! builds without the default feature `php` (the fuzz targets).
//!
//! - `token`: mints tokens, and turns client text into their lookup hash.
//! - `prefixed_key`: mints keys that secret scanners recognise
//!   (`mwpk_…`, `mwsk_…`: a prefix, a base62 body and a CRC-32 checksum),
//!   and tells a well-formed one's prefix.
//! - `digest`: HMAC-SHA256 (signing, and checking in constant time) and
//!   SHA-256.
//! - `constant_time`: constant-time equality of secrets and hashes.
//! - `envelope`: the salted token of the mwstake reference.
//! - `json`: the one strict reader of untrusted JSON.
//! - `cidr`: IP range sets.
//! - `jwt`, `session_verification`: the two verifiers.
//! - `jwks`: the one reader of JWT key sets, and the choice of a key for a
//!   token.
//! - `derive`: the hashes and keys built from parts that PHP stores or looks
//!   things up by, so that PHP joins none of them itself: the token store's
//!   claim hash (`mws_ta_claim_hash`), an app token's binding to its
//!   service key secret (`mws_ta_app_token_binding`), a JWT's replay key
//!   (`mws_ta_jwt_replay_key`) and the seed of a service session's ID
//!   (`mws_ta_session_seed`).
//! - `error`: one error enum per module, wrapped by [`Error`], and their
//!   classification into PHP exception classes and codes.
//! - `hex`: lower-case hex.

pub mod cidr;
pub mod constant_time;
pub mod derive;
pub mod digest;
pub mod envelope;
pub mod error;
pub mod hex;
pub mod json;
pub mod jwks;
pub mod jwt;
pub mod prefixed_key;
pub mod session_verification;
pub mod token;

#[cfg(all(feature = "php", not(test)))]
mod php;

pub use error::{Error, Result};
