//! Lower-case hex, the form PHP's `bin2hex` and `hash_hmac` produce.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize]);
        out.push(DIGITS[(b & 0xf) as usize]);
    }
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// Decodes hex of either case; `None` for odd lengths or non-hex bytes.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&all).as_bytes()).unwrap(), all);
        assert_eq!(encode(&[0xde, 0xad]), "dead");
        assert_eq!(decode(b"DEAD").unwrap(), vec![0xde, 0xad]);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(decode(b"abc").is_none());
        assert!(decode(b"zz").is_none());
        assert!(decode("é1".as_bytes()).is_none());
        assert_eq!(decode(b"").unwrap(), Vec::<u8>::new());
    }
}
