//! Where every token is minted, and where client text becomes the hash a
//! token is looked up by.
//!
//! Bytes come from the operating system's CSPRNG (`getrandom`), read 4 KiB at
//! a time and handed out once each, so that a token costs a copy rather than
//! a system call (a `getrandom` costs more than all the rest of a token on a
//! virtual machine). The pool belongs to one process: a php-fpm worker forked
//! from a parent that had drawn from it would otherwise repeat the parent's
//! bytes, so a `pthread_atfork` child handler marks the pool stale in every
//! child (asking the process id on each call would be a system call again).
//! Handed-out bytes are wiped from it.

use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};

pub const DEFAULT_BYTES: usize = 32;
pub const MIN_BYTES: usize = 16;
pub const MAX_BYTES: usize = 1024;
/// Longest token text ever minted: `MAX_BYTES` as hex. Longer client text
/// cannot be a token and is refused before it is hashed.
pub const MAX_TEXT: usize = 2 * MAX_BYTES;

const POOL_BYTES: usize = 4096;

struct Pool {
    /// The fork generation the bytes were read in.
    generation: u64,
    bytes: [u8; POOL_BYTES],
    /// Bytes from here on are unused.
    next: usize,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);

/// Bumped in every child process as it is forked.
static GENERATION: AtomicU64 = AtomicU64::new(0);
static AT_FORK: Once = Once::new();

extern "C" fn forked_child() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The current fork generation, with the handler registered before the
/// first byte is drawn (so no fork can come between).
fn generation() -> u64 {
    AT_FORK.call_once(|| {
        // SAFETY: registers a handler that only bumps an atomic, which is
        // async-signal-safe as a fork child handler must be.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(forked_child)) };
        // Without the handler the pool could repeat bytes across processes:
        // then every token is read from the OS directly.
        if rc != 0 {
            GENERATION.store(u64::MAX, Ordering::SeqCst);
        }
    });
    GENERATION.load(Ordering::SeqCst)
}

/// Fills `out` with bytes from the OS CSPRNG, each used once.
fn fill(out: &mut [u8]) -> Result<()> {
    let random =
        |buf: &mut [u8]| getrandom::getrandom(buf).map_err(|e| Error::Random(e.to_string()));
    let generation = generation();
    if out.len() > POOL_BYTES / 4 || generation == u64::MAX {
        return random(out);
    }
    // A poisoned lock only means a panic elsewhere; the pool is still sound
    // (bytes are wiped before they are handed out).
    let mut guard = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let stale = match guard.as_ref() {
        Some(pool) => pool.generation != generation || pool.next + out.len() > POOL_BYTES,
        None => true,
    };
    if stale {
        let mut pool = Pool {
            generation,
            bytes: [0; POOL_BYTES],
            next: 0,
        };
        random(&mut pool.bytes)?;
        *guard = Some(pool);
    }
    let pool = guard.as_mut().expect("filled above");
    let range = pool.next..pool.next + out.len();
    out.copy_from_slice(&pool.bytes[range.clone()]);
    pool.bytes[range].fill(0);
    pool.next += out.len();
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex,
    Base64Url,
}

impl Encoding {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "hex" => Ok(Encoding::Hex),
            "base64url" => Ok(Encoding::Base64Url),
            other => Err(Error::UnknownEncoding(other.to_string())),
        }
    }
}

/// `bytes` random bytes from the OS, encoded. Lengths outside
/// `MIN_BYTES..=MAX_BYTES` are refused: shorter tokens can be guessed, longer
/// ones only waste space.
pub fn random_token(bytes: i64, encoding: Encoding) -> Result<String> {
    let n = usize::try_from(bytes)
        .ok()
        .filter(|n| (MIN_BYTES..=MAX_BYTES).contains(n))
        .ok_or(Error::TokenLength {
            requested: bytes,
            min: MIN_BYTES,
            max: MAX_BYTES,
        })?;
    let mut storage = [0u8; MAX_BYTES];
    let buf = &mut storage[..n];
    fill(&mut *buf)?;
    let token = match encoding {
        Encoding::Hex => crate::hex::encode(&*buf),
        Encoding::Base64Url => URL_SAFE_NO_PAD.encode(&*buf),
    };
    buf.fill(0);
    Ok(token)
}

/// The one way client text becomes the hash a token is stored and looked up
/// by: text a minted token can be (hex or base64url, 1 to [`MAX_TEXT`]
/// characters) gives its hex SHA-256; anything else is refused before hashing.
pub fn lookup_hash(text: &[u8]) -> Result<String> {
    if text.is_empty()
        || text.len() > MAX_TEXT
        || !text
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        return Err(Error::TokenText { max: MAX_TEXT });
    }
    Ok(crate::sign::sha256_hex(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn default_is_64_hex_chars() {
        let t = random_token(DEFAULT_BYTES as i64, Encoding::Hex).unwrap();
        assert_eq!(t.len(), 64);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn base64url_has_no_padding_or_unsafe_chars() {
        let t = random_token(32, Encoding::Base64Url).unwrap();
        assert_eq!(t.len(), 43);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn bounds_are_enforced() {
        assert!(random_token(16, Encoding::Hex).is_ok());
        assert!(random_token(1024, Encoding::Hex).is_ok());
        for bad in [15, 1025, 0, -1, i64::MIN, i64::MAX] {
            assert!(matches!(
                random_token(bad, Encoding::Hex),
                Err(Error::TokenLength { .. })
            ));
        }
    }

    #[test]
    fn tokens_do_not_repeat() {
        let set: HashSet<_> = (0..1000)
            .map(|_| random_token(16, Encoding::Hex).unwrap())
            .collect();
        assert_eq!(set.len(), 1000);
    }

    #[test]
    fn encoding_names() {
        assert_eq!(Encoding::parse("hex").unwrap(), Encoding::Hex);
        assert_eq!(Encoding::parse("base64url").unwrap(), Encoding::Base64Url);
        assert!(Encoding::parse("HEX").is_err());
        assert!(Encoding::parse("").is_err());
    }

    #[test]
    fn lookup_hash_takes_token_text_only() {
        let t = random_token(32, Encoding::Hex).unwrap();
        assert_eq!(
            lookup_hash(t.as_bytes()).unwrap(),
            crate::sign::sha256_hex(t.as_bytes())
        );
        let b = random_token(1024, Encoding::Base64Url).unwrap();
        assert!(lookup_hash(b.as_bytes()).is_ok());
        let longest = random_token(1024, Encoding::Hex).unwrap();
        assert_eq!(longest.len(), MAX_TEXT);
        assert!(lookup_hash(longest.as_bytes()).is_ok());
        let too_long = "a".repeat(MAX_TEXT + 1);
        for bad in [
            &b""[..],
            b"a b",
            b"a.b",
            b"a+b",
            b"%41",
            b"\0",
            too_long.as_bytes(),
        ] {
            assert_eq!(
                lookup_hash(bad),
                Err(Error::TokenText { max: MAX_TEXT }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_pool_hands_each_byte_out_once_and_refills() {
        // More than a pool's worth in small draws: all distinct.
        let set: HashSet<_> = (0..(2 * POOL_BYTES / 16 + 10))
            .map(|_| random_token(16, Encoding::Hex).unwrap())
            .collect();
        assert_eq!(set.len(), 2 * POOL_BYTES / 16 + 10);
        // A fork (here: its handler) makes the pool stale.
        let before = generation();
        forked_child();
        random_token(16, Encoding::Hex).unwrap();
        let guard = POOL.lock().unwrap();
        let pool = guard.as_ref().unwrap();
        assert_eq!(pool.generation, before + 1);
        // (Other tests may draw in parallel: at least ours is handed out.)
        assert!(pool.next >= 16);
        assert!(
            pool.bytes[..16].iter().all(|b| *b == 0),
            "handed-out bytes are wiped"
        );
    }

    /// Forks and draws in parent and child; run alone, single-threaded, by
    /// the test below (a fork while another test thread holds the pool's
    /// lock would leave the child waiting forever).
    #[test]
    fn fork_probe() {
        if std::env::var_os("MWS_TA_FORK_PROBE").is_none() {
            return;
        }
        random_token(16, Encoding::Hex).unwrap();
        let mut fds = [0; 2];
        // SAFETY: plain pipe and fork; the child only draws, writes and exits.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            let t = random_token(32, Encoding::Hex).unwrap();
            unsafe {
                libc::write(fds[1], t.as_ptr().cast(), t.len());
                libc::_exit(0);
            }
        }
        let parent = random_token(32, Encoding::Hex).unwrap();
        let mut buf = [0u8; 64];
        let n = unsafe { libc::read(fds[0], buf.as_mut_ptr().cast(), 64) };
        unsafe {
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        assert_eq!(n, 64);
        assert_ne!(
            std::str::from_utf8(&buf).unwrap(),
            parent,
            "the child repeated the parent's bytes"
        );
        println!("MWS_TA_FORK_PROBE_OK");
    }

    #[test]
    fn a_forked_child_never_repeats_the_parents_bytes() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "token::tests::fork_probe",
                "--test-threads=1",
                "--nocapture",
            ])
            .env("MWS_TA_FORK_PROBE", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("MWS_TA_FORK_PROBE_OK"),
            "{text}"
        );
    }
}
