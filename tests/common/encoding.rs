//! Encodings and digests from the OS and command-line tools, independent of
//! the code under test.

use std::fs;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// `n` random bytes from the OS, as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("cannot read /dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 (with or without padding) decoded by coreutils' `base64`,
/// independent of the code under test.
pub fn base64_decode(s: &str) -> Vec<u8> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("printf '%s' \"$0\" | base64 -d")
        .arg(s)
        .output()
        .expect("base64");
    assert!(out.status.success(), "not base64: {s}");
    out.stdout
}

/// Unpadded base64url (RFC 7515 section 2), written here rather than by a
/// crate the extension uses.
pub fn base64url(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// HMAC-SHA256 and SHA-256 from the openssl command, independent of the
/// crates the extension uses.
pub fn openssl_dgst(args: &[&str], data: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .arg("dgst")
        .arg("-sha256")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.rsplit("= ").next().unwrap().trim().to_string()
}

/// Hex SHA-256 of `data`, from openssl.
pub fn sha256_hex(data: &[u8]) -> String {
    openssl_dgst(&[], data)
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
