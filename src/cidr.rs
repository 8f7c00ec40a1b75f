//! IP range sets: parsed once, merged into sorted disjoint intervals, and
//! queried by binary search.
//!
//! Accepted entry forms: `10.0.0.0/8`, `2001:db8::/32`, a bare address, and
//! the `a.b.c.d-e.f.g.h` range form of NetworkSession configs (either
//! family). An entry that fits none of them is an error that names it;
//! nothing is skipped silently, because a skipped entry in an allow-list
//! config is a hole nobody notices.

use crate::error::printable;
use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    /// A list entry that cannot be parsed.
    #[error("IP range entry #{index} \"{}\" is not a CIDR range, an IP address or an a.b.c.d-e.f.g.h range", printable(.entry))]
    InvalidRange { index: usize, entry: String },
    /// A list entry that is not a string.
    #[error("IP range entry #{index} is not a string")]
    RangeNotString { index: usize },
    /// An address to look up that is not an IP address.
    #[error("\"{}\" is not an IP address", printable(.0))]
    InvalidAddress(String),
}

type Result<T> = std::result::Result<T, CidrError>;

/// `::ffff:0:0/96`, where IPv4-mapped IPv6 addresses live.
const MAPPED_START: u128 = 0xffff_0000_0000;
const MAPPED_END: u128 = 0xffff_ffff_ffff;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CidrSet {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl CidrSet {
    /// Parses and compiles a list; the first bad entry is the error.
    pub fn parse<I, S>(entries: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let entry = entry.as_ref();
            let invalid = || CidrError::InvalidRange {
                index,
                entry: String::from_utf8_lossy(entry).into_owned(),
            };
            let text = std::str::from_utf8(entry).map_err(|_| invalid())?;
            match parse_entry(text.trim()).ok_or_else(invalid)? {
                Interval::V4(a, b) => v4.push((a, b)),
                Interval::V6(a, b) => {
                    // A mapped range also covers the IPv4 addresses it maps,
                    // because lookups of mapped addresses go to the v4 list.
                    if a <= MAPPED_END && b >= MAPPED_START {
                        let lo = a.max(MAPPED_START) as u32;
                        let hi = b.min(MAPPED_END) as u32;
                        v4.push((lo, hi));
                    }
                    v6.push((a, b));
                }
            }
        }
        Ok(CidrSet {
            v4: merge(v4),
            v6: merge(v6),
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => lookup(&self.v4, u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => lookup(&self.v4, u32::from(v4)),
                None => lookup(&self.v6, u128::from(a)),
            },
        }
    }

    /// Like [`contains`](Self::contains) for an address in text form; text
    /// that is not an address is an error, not a silent `false`.
    pub fn contains_str(&self, ip: &str) -> Result<bool> {
        let addr =
            IpAddr::from_str(ip.trim()).map_err(|_| CidrError::InvalidAddress(printable(ip)))?;
        Ok(self.contains(addr))
    }

    /// Number of disjoint intervals after merging.
    pub fn interval_count(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Whether every address in the set is a loopback address (127.0.0.0/8,
    /// `::1`, or IPv4 loopback mapped into IPv6): such a set needs no trusted
    /// proxy to mean what it says.
    pub fn is_loopback_only(&self) -> bool {
        const V4: (u32, u32) = (0x7f00_0000, 0x7fff_ffff);
        const MAPPED: (u128, u128) = (MAPPED_START | 0x7f00_0000, MAPPED_START | 0x7fff_ffff);
        self.v4.iter().all(|&(a, b)| a >= V4.0 && b <= V4.1)
            && self
                .v6
                .iter()
                .all(|&(a, b)| (a == 1 && b == 1) || (a >= MAPPED.0 && b <= MAPPED.1))
    }

    pub fn is_empty(&self) -> bool {
        self.interval_count() == 0
    }
}

enum Interval {
    V4(u32, u32),
    V6(u128, u128),
}

fn parse_entry(text: &str) -> Option<Interval> {
    if text.contains('/') {
        let net = IpNet::from_str(text).ok()?;
        return Some(match net {
            IpNet::V4(n) => Interval::V4(n.network().into(), n.broadcast().into()),
            IpNet::V6(n) => Interval::V6(n.network().into(), n.broadcast().into()),
        });
    }
    if let Some((start, end)) = text.split_once('-') {
        let start = IpAddr::from_str(start.trim()).ok()?;
        let end = IpAddr::from_str(end.trim()).ok()?;
        return match (start, end) {
            (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => Some(Interval::V4(a.into(), b.into())),
            (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => Some(Interval::V6(a.into(), b.into())),
            _ => None,
        };
    }
    Some(match IpAddr::from_str(text).ok()? {
        IpAddr::V4(a) => Interval::V4(a.into(), a.into()),
        IpAddr::V6(a) => Interval::V6(a.into(), a.into()),
    })
}

trait Bound: Copy + Ord {
    fn next(self) -> Option<Self>;
}
impl Bound for u32 {
    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }
}
impl Bound for u128 {
    fn next(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Sorts intervals and joins the ones that overlap or touch.
fn merge<T: Bound>(mut ranges: Vec<(T, T)>) -> Vec<(T, T)> {
    ranges.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        if let Some(last) = out.last_mut() {
            let touches = match last.1.next() {
                Some(after) => start <= after,
                None => true, // the last interval already reaches the top
            };
            if touches {
                last.1 = last.1.max(end);
                continue;
            }
        }
        out.push((start, end));
    }
    out
}

fn lookup<T: Bound>(ranges: &[(T, T)], ip: T) -> bool {
    let idx = ranges.partition_point(|&(start, _)| start <= ip);
    idx > 0 && ranges[idx - 1].1 >= ip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(entries: &[&str]) -> CidrSet {
        CidrSet::parse(entries).unwrap()
    }

    fn has(s: &CidrSet, ip: &str) -> bool {
        s.contains_str(ip).unwrap()
    }

    #[test]
    fn v4_cidr_and_bare_address() {
        let s = set(&["10.0.0.0/8", "192.168.1.7"]);
        assert!(has(&s, "10.0.0.0"));
        assert!(has(&s, "10.255.255.255"));
        assert!(!has(&s, "11.0.0.0"));
        assert!(!has(&s, "9.255.255.255"));
        assert!(has(&s, "192.168.1.7"));
        assert!(!has(&s, "192.168.1.8"));
    }

    #[test]
    fn host_bits_in_a_cidr_are_masked() {
        let s = set(&["10.1.2.3/8"]);
        assert!(has(&s, "10.200.0.1"));
    }

    #[test]
    fn dash_ranges() {
        let s = set(&["10.0.0.5-10.0.0.9", "2001:db8::1 - 2001:db8::3"]);
        assert!(!has(&s, "10.0.0.4"));
        assert!(has(&s, "10.0.0.5"));
        assert!(has(&s, "10.0.0.9"));
        assert!(!has(&s, "10.0.0.10"));
        assert!(has(&s, "2001:db8::2"));
        assert!(!has(&s, "2001:db8::4"));
    }

    #[test]
    fn v6_and_mapped_v4() {
        let s = set(&["2001:db8::/32", "127.0.0.1/32"]);
        assert!(has(&s, "2001:db8:ffff::1"));
        assert!(!has(&s, "2001:db9::1"));
        assert!(has(&s, "::ffff:127.0.0.1"));
        assert!(!has(&s, "::ffff:127.0.0.2"));
        let mapped = set(&["::ffff:10.0.0.0/104"]);
        assert!(has(&mapped, "10.9.9.9"));
        assert!(!has(&mapped, "11.0.0.0"));
    }

    #[test]
    fn whole_spaces_and_edges() {
        let s = set(&["0.0.0.0/0", "::/0"]);
        assert!(has(&s, "255.255.255.255"));
        assert!(has(&s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        let top = set(&["255.255.255.255", "255.255.255.254"]);
        assert_eq!(top.interval_count(), 1);
        assert!(has(&top, "255.255.255.254"));
    }

    #[test]
    fn merging_joins_overlaps_and_neighbours() {
        let s = set(&["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5", "10.0.2.0/24"]);
        assert_eq!(s.interval_count(), 2);
        assert!(has(&s, "10.0.0.200"));
        assert!(!has(&s, "10.0.1.1"));
    }

    #[test]
    fn invalid_entries_are_named() {
        for bad in [
            "10.0.0.0/33",
            "nonsense",
            "",
            "10.0.0.9-10.0.0.1",
            "10.0.0.1-::1",
            "300.1.1.1",
            "10.0.0.0/8/8",
            "::1/129",
            "01.2.3.4",
        ] {
            let err = CidrSet::parse(["127.0.0.1", bad]).unwrap_err();
            assert_eq!(
                err,
                CidrError::InvalidRange {
                    index: 1,
                    entry: bad.into()
                },
                "{bad}"
            );
        }
        let err = CidrSet::parse([b"\xff\xfe".as_slice()]).unwrap_err();
        assert!(matches!(err, CidrError::InvalidRange { index: 0, .. }));
    }

    #[test]
    fn invalid_addresses_are_errors() {
        let s = set(&["10.0.0.0/8"]);
        for bad in ["", "10.0.0", "x", "10.0.0.1/32", "fe80::1%eth0"] {
            assert!(matches!(
                s.contains_str(bad),
                Err(CidrError::InvalidAddress(_))
            ));
        }
    }

    #[test]
    fn empty_list_contains_nothing() {
        let s = set(&[]);
        assert!(s.is_empty());
        assert!(!has(&s, "127.0.0.1"));
    }

    #[test]
    fn matches_a_linear_scan_on_random_input() {
        // A small deterministic generator: the test must be reproducible.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut entries = Vec::new();
        let mut intervals = Vec::new();
        for _ in 0..300 {
            let base = (next() as u32) & 0xff00_0000 | (next() as u32 & 0x00ff_ffff);
            let prefix = 8 + (next() % 25) as u8;
            let net = ipnet::Ipv4Net::new(base.into(), prefix).unwrap().trunc();
            intervals.push((u32::from(net.network()), u32::from(net.broadcast())));
            entries.push(net.to_string());
        }
        let s = CidrSet::parse(&entries).unwrap();
        for _ in 0..20_000 {
            let ip = next() as u32;
            let want = intervals.iter().any(|&(a, b)| a <= ip && ip <= b);
            assert_eq!(s.contains(IpAddr::V4(ip.into())), want);
        }
    }

    #[test]
    fn loopback_only() {
        assert!(set(&["127.0.0.1/32", "::1/128"]).is_loopback_only());
        assert!(set(&["127.0.0.0/8", "::ffff:127.0.0.1"]).is_loopback_only());
        assert!(set(&[]).is_loopback_only());
        for open in [
            &["10.0.0.0/8"][..],
            &["127.0.0.1", "::2"],
            &["0.0.0.0/0"],
            &["::/0"],
            &["126.255.255.255-127.0.0.1"],
        ] {
            assert!(!set(open).is_loopback_only(), "{open:?}");
        }
    }
}
