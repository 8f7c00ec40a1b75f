//! Native core of the TokenAuthenticator MediaWiki extension.
//!
//! The pure modules below hold all logic and are tested with `cargo test`;
//! `php` binds them to PHP and is the only code that touches Zend symbols,
//! so it is left out of test builds (a test binary cannot link them) and of
//! builds without the default feature `php` (the fuzz targets).

pub mod cidr;
pub mod envelope;
pub mod error;
pub mod hex;
pub mod json;
pub mod jwt;
pub mod session_verification;
pub mod sign;
pub mod token;

#[cfg(all(feature = "php", not(test)))]
mod php;

pub use error::{Error, Result};
