//! IPv4 functions as column kernels. Addresses are parsed straight from the string
//! column's bytes with no allocation per row; a constant argument (the usual
//! `ipv4_is_match(DestIP_s, '10.1.1.0/24')`) is parsed once. A malformed address gives
//! null, as in Kusto.

use crate::error::{Error, Result};
use crate::syntax::ast::Literal;
use polars::prelude::*;

/// An address with its prefix length (32 when no `/n` is given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefixed {
    pub addr: u32,
    pub bits: u8,
}

/// Parses `a.b.c.d` or `a.b.c.d/n` (surrounding spaces allowed). `None` if malformed.
pub fn parse(s: &str) -> Option<Prefixed> {
    let s = s.trim();
    let (ip, bits) = match s.split_once('/') {
        Some((ip, b)) => {
            let bits: u8 = b.trim().parse().ok()?;
            if bits > 32 {
                return None;
            }
            (ip.trim(), bits)
        }
        None => (s, 32),
    };
    let mut addr: u32 = 0;
    let mut parts = 0;
    for part in ip.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = part.parse().ok()?;
        if v > 255 {
            return None;
        }
        addr = (addr << 8) | v;
        parts += 1;
    }
    if parts != 4 {
        return None;
    }
    Some(Prefixed { addr, bits })
}

pub(super) fn mask(bits: u8) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits as u32)
    }
}

/// Kusto's ipv4_compare: both addresses masked to the smaller of their prefixes (and
/// the explicit prefix, when given), then compared.
pub fn compare(a: Prefixed, b: Prefixed, prefix: Option<u8>) -> i64 {
    let bits = a.bits.min(b.bits).min(prefix.unwrap_or(32));
    let m = mask(bits);
    ((a.addr & m).cmp(&(b.addr & m))) as i64
}

pub fn is_private(a: Prefixed) -> bool {
    let ip = a.addr;
    (ip >> 24) == 10 || (ip >> 20) == (172 << 4 | 1) || (ip >> 16) == (192 << 8 | 168)
}

fn prefix_arg(l: Option<&Literal>) -> Result<Option<u8>> {
    match l {
        None => Ok(None),
        Some(Literal::Long(n)) if (0..=32).contains(n) => Ok(Some(*n as u8)),
        Some(Literal::Int(n)) if (0..=32).contains(n) => Ok(Some(*n as u8)),
        Some(_) => Err(Error::runtime("the prefix argument must be a constant from 0 to 32")),
    }
}

/// Lowers one of the IPv4 functions. `args` are string expressions; `lits` the constant
/// value of each argument, if it has one.
pub(super) fn lower(name: &str, mut args: Vec<Expr>, lits: Vec<Option<&Literal>>) -> Result<Expr> {
    let constant = |n: usize| match lits.get(n).copied().flatten() {
        Some(Literal::String(s)) => Some(parse(s)),
        _ => None,
    };
    let out_type = match name {
        "ipv4_compare" | "parse_ipv4" => DataType::Int64,
        _ => DataType::Boolean,
    };
    let prefix = if args.len() == 3 { prefix_arg(lits.get(2).copied().flatten())? } else { None };
    if args.len() == 3 {
        args.pop();
    }
    let out = out_type.clone();
    let field = move |_: &Schema, f: &Field| Ok(Field::new(f.name().clone(), out.clone()));
    let name = name.to_string();
    match (args.len(), constant(1)) {
        (1, _) => {
            let a = args.remove(0);
            Ok(a.map(
                move |c| {
                    let ca = c.str()?;
                    Ok(if name == "parse_ipv4" {
                        ca.iter().map(|o| o.and_then(parse).map(|p| (p.addr & mask(p.bits)) as i64)).collect::<Int64Chunked>().into_column()
                    } else {
                        ca.iter().map(|o| o.and_then(parse).map(is_private)).collect::<BooleanChunked>().into_column()
                    })
                },
                field,
            ))
        }
        (2, Some(rhs)) => {
            let a = args.remove(0);
            Ok(a.map(
                move |c| {
                    let ca = c.str()?;
                    Ok(binary_kernel(&name, ca.iter().map(|o| o.and_then(parse)), std::iter::repeat(rhs), prefix))
                },
                field,
            ))
        }
        _ => {
            let a = args.remove(0);
            let b = args.remove(0);
            Ok(a.map_many(
                move |cols| {
                    let l = cols[0].str()?;
                    let r = cols[1].str()?;
                    let rhs = r.iter().map(|o| o.and_then(parse));
                    if r.len() == 1 && l.len() != 1 {
                        let one = r.get(0).and_then(parse);
                        return Ok(binary_kernel(&name, l.iter().map(|o| o.and_then(parse)), std::iter::repeat(one), prefix));
                    }
                    Ok(binary_kernel(&name, l.iter().map(|o| o.and_then(parse)), rhs, prefix))
                },
                &[b],
                move |_, fields| Ok(Field::new(fields[0].name().clone(), out_type.clone())),
            ))
        }
    }
}

fn binary_kernel(
    name: &str,
    lhs: impl Iterator<Item = Option<Prefixed>>,
    rhs: impl Iterator<Item = Option<Prefixed>>,
    prefix: Option<u8>,
) -> Column {
    let pairs = lhs.zip(rhs);
    match name {
        "ipv4_compare" => pairs.map(|(a, b)| Some(compare(a?, b?, prefix))).collect::<Int64Chunked>().into_column(),
        "ipv4_is_in_range" => pairs
            .map(|(a, r)| {
                let (a, r) = (a?, r?);
                let m = mask(r.bits);
                Some(a.addr & m == r.addr & m)
            })
            .collect::<BooleanChunked>()
            .into_column(),
        _ => pairs.map(|(a, b)| Some(compare(a?, b?, prefix) == 0)).collect::<BooleanChunked>().into_column(),
    }
}

/// `ipv4_is_in_any_range(ip, ranges...)` with constant ranges; null for a malformed address.
pub(super) fn in_any_range(ip: Expr, ranges: &[String]) -> Result<Expr> {
    let parsed: Vec<Prefixed> = ranges
        .iter()
        .map(|r| parse(r).ok_or_else(|| Error::semantic(crate::span::Span::default(), format!("`{r}` is not an IPv4 range"))))
        .collect::<Result<_>>()?;
    Ok(ip.map(
        move |c| {
            let ca = c.str()?;
            let out: BooleanChunked = ca
                .iter()
                .map(|o| {
                    let a = parse(o?)?;
                    Some(parsed.iter().any(|r| a.addr & mask(r.bits) == r.addr & mask(r.bits)))
                })
                .collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    ))
}

fn dotted(addr: u32) -> String {
    let b = addr.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// `ipv4_netmask_suffix`, `format_ipv4`, `format_ipv4_mask` (format-ipv4-function.md:
/// the address masked to the smaller of its own /n and the prefix; "" when malformed).
pub(super) fn format(name: &str, ip: Expr, prefix: Option<i64>) -> Expr {
    let name = name.to_string();
    let prefix = prefix.map(|p| p.clamp(0, 32) as u8);
    let out_type = if name == "ipv4_netmask_suffix" { DataType::Int64 } else { DataType::String };
    let field_type = out_type.clone();
    ip.map(
        move |c| {
            let ca = c.str()?;
            Ok(if name == "ipv4_netmask_suffix" {
                ca.iter().map(|o| o.and_then(parse).map(|p| p.bits as i64)).collect::<Int64Chunked>().into_column()
            } else {
                ca.iter()
                    .map(|o| {
                        let p = o.and_then(parse)?;
                        let bits = p.bits.min(prefix.unwrap_or(32));
                        let masked = dotted(p.addr & mask(bits));
                        Some(if name == "format_ipv4_mask" { format!("{masked}/{bits}") } else { masked })
                    })
                    .map(|o| Some(o.unwrap_or_default()))
                    .collect::<StringChunked>()
                    .into_column()
            })
        },
        move |_, f| Ok(Field::new(f.name().clone(), field_type.clone())),
    )
}

/// What `has_ipv4` and friends look for in text.
pub(super) enum Needle {
    /// A whole address.
    Address(u32),
    /// The leading octets of an address (`192.168.` is two octets).
    Prefix { value: u32, octets: u32 },
}

/// Parses a `has_ipv4` address or a `has_ipv4_prefix` prefix (a whole address, or one
/// to three octets ending with a dot, has-any-ipv4-prefix-function.md). `None` when the
/// argument is not valid, which makes the test false.
pub(super) fn needle(text: &str, prefix: bool) -> Option<Needle> {
    if let Some(p) = parse(text).filter(|p| p.bits == 32 && !text.contains('/')) {
        return Some(Needle::Address(p.addr));
    }
    let body = text.trim().strip_suffix('.').filter(|_| prefix)?;
    let mut value = 0u32;
    let mut octets = 0u32;
    for part in body.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value = (value << 8) | part.parse::<u8>().ok()? as u32;
        octets += 1;
    }
    (1..=3).contains(&octets).then_some(Needle::Prefix { value, octets })
}

/// The IPv4 addresses written in `text`, each delimited by characters that are neither
/// letters, digits nor dots (has-ipv4-function.md): `54127.0.0.1` is not an address.
fn addresses_in(text: &str) -> impl Iterator<Item = u32> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty() && t.as_bytes()[0].is_ascii_digit())
        .filter_map(|t| parse(t).filter(|_| !t.contains('/')).map(|p| p.addr))
}

fn matches(addr: u32, n: &Needle) -> bool {
    match *n {
        Needle::Address(a) => addr == a,
        Needle::Prefix { value, octets } => addr >> (8 * (4 - octets)) == value,
    }
}

/// `has_ipv4`, `has_ipv4_prefix`, `has_any_ipv4`, `has_any_ipv4_prefix` with constant
/// needles; a needle that is not valid never matches.
pub(super) fn has_any(text: Expr, needles: Vec<Needle>) -> Expr {
    text.map(
        move |c| {
            let ca = c.str()?;
            let out: BooleanChunked =
                ca.iter().map(|o| Some(o.is_some_and(|t| addresses_in(t).any(|a| needles.iter().any(|n| matches(a, n)))))).collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    )
}

/// `parse_ipv4_mask(ip, prefix)`: the address masked to `prefix` bits, as a long.
pub(super) fn parse_mask(ip: Expr, prefix: Expr) -> Expr {
    super::rowwise::map_rows(vec![ip, prefix], crate::types::KqlType::Long, |c| {
        let a = parse(super::rowwise::text(&c[0])?)?;
        let bits = u8::try_from(super::rowwise::long(&c[1])?).ok().filter(|b| *b <= 32)?;
        Some(super::rowwise::Out::Long((a.addr & mask(a.bits.min(bits))) as i64))
    })
}

/// `ipv4_range_to_cidr_list(start, end)`: the fewest CIDR blocks covering the range,
/// as a dynamic array of `a.b.c.d/n` strings; null when an address is malformed or the
/// range runs backwards.
pub(super) fn range_to_cidrs(start: Expr, end: Expr) -> Expr {
    use super::rowwise::{map_rows, text, Out};
    map_rows(vec![start, end], crate::types::KqlType::Dynamic, |c| {
        let (from, to) = (parse(text(&c[0])?)?.addr as u64, parse(text(&c[1])?)?.addr as u64);
        (from <= to).then(|| Out::Text(serde_json::Value::from(cidr_blocks(from, to)).to_string()))
    })
}

fn cidr_blocks(mut from: u64, to: u64) -> Vec<String> {
    let mut out = Vec::new();
    while from <= to {
        // The largest aligned block at `from` that stays within `to`.
        let mut size = if from == 0 { 1u64 << 32 } else { 1u64 << from.trailing_zeros().min(32) };
        while from + size - 1 > to {
            size /= 2;
        }
        out.push(format!("{}/{}", dotted(from as u32), 32 - size.trailing_zeros()));
        from += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Prefixed {
        parse(s).unwrap_or(Prefixed { addr: 0, bits: 0 })
    }

    // Expected values from the Kusto documentation's examples for ipv4_is_match,
    // ipv4_compare, ipv4_is_in_range and ipv4_is_private.
    #[test]
    fn documented_examples() {
        assert_eq!(compare(p("192.168.1.1"), p("192.168.1.255"), Some(24)), 0);
        assert_eq!(compare(p("192.168.1.1/24"), p("192.168.1.255/24"), None), 0);
        assert_eq!(compare(p("192.168.1.1"), p("192.168.1.255"), None), -1);
        assert_eq!(compare(p("192.168.1.1/24"), p("192.168.1.255"), None), 0);
        assert_eq!(compare(p("192.168.1.1"), p("192.168.1.255/24"), None), 0);
        assert_eq!(compare(p("192.168.1.1/30"), p("192.168.1.255/24"), None), 0);
        assert!(is_private(p("10.1.2.3")));
        assert!(is_private(p("172.31.255.255")));
        assert!(!is_private(p("172.32.0.1")));
        assert!(is_private(p("192.168.0.1")));
        assert!(!is_private(p("8.8.8.8")));
    }

    #[test]
    fn malformed_is_none() {
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "a.b.c.d", "1..2.3", " "] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse(" 10.1.1.0/24 "), Some(Prefixed { addr: 0x0A01_0100, bits: 24 }));
    }
}

#[cfg(test)]
mod text_search_tests {
    use super::*;

    fn has(text: &str, needle_text: &str, prefix: bool) -> bool {
        needle(needle_text, prefix).is_some_and(|n| addresses_in(text).any(|a| matches(a, &n)))
    }

    #[test]
    fn documented_range_to_cidrs() {
        // ipv4-range-to-cidr-list-function.md
        let p = |s: &str| parse(s).map(|a| a.addr as u64).unwrap_or_default();
        assert_eq!(cidr_blocks(p("1.1.128.0"), p("1.1.140.255")), ["1.1.128.0/21", "1.1.136.0/22", "1.1.140.0/24"]);
        // Worked by hand: an unaligned start, and the whole space.
        assert_eq!(cidr_blocks(p("255.255.255.251"), p("255.255.255.255")), ["255.255.255.251/32", "255.255.255.252/30"]);
        assert_eq!(cidr_blocks(p("0.0.0.0"), p("255.255.255.255")), ["0.0.0.0/0"]);
    }

    #[test]
    fn documented_has_ipv4() {
        // has-ipv4-function.md
        assert!(has("05:04:54 127.0.0.1 GET /favicon.ico 404", "127.0.0.1", false));
        assert!(!has("05:04:54 127.0.0.256 GET /favicon.ico 404", "127.0.0.256", false));
        assert!(!has("05:04:54127.0.0.1 GET /favicon.ico 404", "127.0.0.1", false));
        assert!(has("These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201", "10.1.1.201", false));
    }

    #[test]
    fn documented_has_any_ipv4_prefix() {
        // has-any-ipv4-prefix-function.md
        let line = "05:04:54 127.0.0.1 GET /favicon.ico 404";
        assert!(has(line, "127.0.", true) || has(line, "192.168.", true));
        assert!(!has(line, "127.0", true) && !has(line, "192.168.", true));
        assert!(!has("05:04:54 127.0.0.256 GET /favicon.ico 404", "127.0.", true));
        assert!(!has("05:04:54127.0.0.1 GET /favicon.ico 404", "127.0.", true) && !has("05:04:54127.0.0.1 GET", "192.", true));
        assert!(has(line, "127.0.0.1", true));
    }
}
