//! Real-wiki harness shared by the end-to-end tests.
//!
//! Every [`Wiki`] is a fresh SQLite MediaWiki (Debian's `mediawiki` package;
//! or one on PostgreSQL, [`WikiBuilder::postgres`])
//! in its own temporary directory, served by `php -S` on a free port of
//! 127.0.0.1 through `scripts/router.php`, with TokenAuthenticator loaded
//! from this repository. Dropping the `Wiki` kills the server's whole process
//! group and deletes the directory, also when the test panics.
//!
//! ```ignore
//! mod common;
//! use common::*;
//!
//! let wiki = Wiki::builder().setting("$wgFoo = 1;").start();
//! let admin = wiki.login(ADMIN, wiki.admin_password());
//! let r = get(&admin, &wiki.url("/rest.php/v1/page/Main_Page"));
//! assert_eq!(r.status, 200, "{r}");
//! ```
//!
//! Environment:
//! - `MWS_TA_SO`: the native extension to load (default: the release build,
//!   built with `cargo build --release` when missing);
//! - `MWS_TA_KEEP_WIKI=1`: keep the temporary directories (paths are printed).
//!
//! If the test process dies without dropping a `Wiki` (killed, Ctrl-C, or a
//! `Wiki` kept in a `static`), a small watchdog process kills the server's
//! group and deletes the directory within half a second.
//!
//! Caches: LocalSettings.php keeps the installer's `$wgMainCacheType =
//! CACHE_ACCEL`, which is APCu shared by the server's workers (for the
//! server's lifetime) but nothing for maintenance scripts (APCu is off on the
//! CLI). Add `.setting("$wgMainCacheType = CACHE_DB;")` where web requests
//! and maintenance scripts must share a cache.
//!
//! Wikis are set up by `scripts/wiki.sh`, as `make wiki`, the bench, the
//! reliability runs and the package test set theirs up. Installing takes
//! about a second, so a core-only installation is made once and kept under
//! `CARGO_TARGET_TMPDIR` as a template; each wiki copies its database, gets
//! its LocalSettings.php from `wiki.sh settings` (the test's own settings in
//! LocalSettings.test.php, required last) and runs `wiki.sh update`.
//!
//! Where things are (everything is re-exported here):
//! - `wiki/`: [`Wiki`] (`mod.rs`: settings, maintenance scripts, users and
//!   pages), [`WikiBuilder`] (`builder.rs`), the installation template
//!   (`template.rs`), its `php -S` server (`server.rs`), and its HTTP side:
//!   clients, login, API tokens, the Action API (`http.rs`);
//! - `http.rs`: [`HttpResponse`], ureq helpers, answer checks, HTML forms;
//! - `service_auth.rs`: ApiKeys and app tokens; `jwt.rs`: identity-provider
//!   JWTs and Special:JWTLogin;
//! - `postgres.rs`: [`PostgresServer`], for wikis on PostgreSQL
//!   ([`WikiBuilder::postgres`]: installed by install.php, not copied);
//! - `cache_servers.rs`: Redis and memcached token stores; `tls_proxy.rs`:
//!   nginx terminating TLS in front of a wiki, on `nginx.rs` (how nginx is
//!   started and stopped);
//! - `idp.rs`: an identity provider's signing keys (openssl), their JWKs,
//!   JWTs signed by jsonwebtoken ([`IdpKey`], [`claims`], [`jwks`]), and
//!   [`JwksServer`] publishing the JWKS and the discovery document;
//! - `header_proxy.rs`: [`HeaderProxy`], nginx as an identity-aware proxy
//!   setting an assertion header in front of a wiki;
//! - `encoding.rs`: hex, base64, percent-encoding and SHA-256 from outside
//!   the code under test;
//! - `paths.rs`, `php.rs` (the native `.so`, `php` commands), `process.rs`
//!   (ports, the watchdog), `tempdir.rs`.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

mod cache_servers;
mod encoding;
mod header_proxy;
mod http;
mod idp;
mod jwt;
mod nginx;
mod paths;
mod php;
mod postgres;
mod process;
mod service_auth;
mod stats;
mod tempdir;
mod tls_proxy;
mod wiki;

// Flat, so that `use common::*;` reaches every helper; a test file uses only some.
#[allow(unused_imports)]
pub use {
    cache_servers::{CacheServer, Store},
    encoding::{
        base64_decode, base64url, hex, openssl_dgst, percent_encode, random_hex, sha256_hex,
    },
    header_proxy::{HeaderProxy, TEST_ASSERTION_HEADER},
    http::{
        api_error, assert_outage_answer, call, form_field, get, post_form, post_json, response,
        HttpResponse, HTTP_TIMEOUT,
    },
    idp::{claims, jwks, Alg, IdpKey, JwksServer, DISCOVERY_PATH, JWKS_PATH},
    jwt::{hs256_jwt, jwt_login},
    paths::{extension_dir, repo_dir, router_script, wiki_script, MW_DIR},
    php::{native_so, php_str, NATIVE_EXTENSION},
    postgres::PostgresServer,
    process::{free_port, START_TIMEOUT},
    serde_json::Value,
    service_auth::{
        app_token_response, assert_api_key_may_not_parse, make_personal_key, mint_app_token,
        mwclient_edit, token_in_envelope,
    },
    stats::StatsReceiver,
    tempdir::TempDir,
    tls_proxy::TlsProxy,
    wiki::{Wiki, WikiBuilder, ADMIN, SERVER_WORKERS},
};
