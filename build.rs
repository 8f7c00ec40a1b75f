//! Build script of the PHP extension.
//!
//! - On macOS a cdylib must leave Zend symbols for the PHP binary to resolve at
//!   load time (`-undefined dynamic_lookup`); Linux allows that by default.
//! - ext-php-rs finds PHP through `PHP` / `PHP_CONFIG`; rebuild when they
//!   change, so a build for another PHP ABI is never silently stale.
//! - Record the PHP API version built against, shown by `phpinfo()` and
//!   `php --ri mws_token_authenticator`, so an admin can tell a mismatched
//!   `.so` at a glance.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PHP");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }

    let php_config = env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".to_string());
    let api = Command::new(&php_config)
        .arg("--phpapi")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            println!(
                "cargo:warning={php_config} --phpapi gave no answer; PHP API recorded as unknown"
            );
            "unknown".to_string()
        });
    println!("cargo:rustc-env=MWS_TA_PHP_API={api}");
}
