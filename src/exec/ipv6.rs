//! IPv6 functions as column kernels. IPv4 text is read as its IPv4-mapped IPv6 address
//! (`::ffff:a.b.c.d`), and a `/n` suffix (IPv4 prefixes count within the mapped 96 bits)
//! masks the address, as ipv6-compare-function.md and parse-ipv6-function.md describe.

use polars::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An address as a 128-bit number with its prefix length.
pub(super) fn parse(text: &str) -> Option<(u128, u32)> {
    let t = text.trim();
    let (ip, bits) = match t.split_once('/') {
        Some((ip, b)) => (ip.trim(), Some(b.trim().parse::<u32>().ok()?)),
        None => (t, None),
    };
    if let Ok(v4) = ip.parse::<Ipv4Addr>() {
        let bits = match bits {
            Some(b) if b <= 32 => 96 + b,
            Some(_) => return None,
            None => 128,
        };
        return Some((u128::from(v4.to_ipv6_mapped()), bits));
    }
    let v6: Ipv6Addr = ip.parse().ok()?;
    let bits = bits.unwrap_or(128);
    (bits <= 128).then_some((u128::from(v6), bits))
}

pub(super) fn mask(bits: u32) -> u128 {
    if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    }
}

/// Eight groups of four hex digits, Kusto's canonical IPv6 text.
fn canonical(addr: u128) -> String {
    let b = Ipv6Addr::from(addr).segments();
    b.iter().map(|s| format!("{s:04x}")).collect::<Vec<_>>().join(":")
}

fn compare(a: (u128, u32), b: (u128, u32), prefix: Option<u32>) -> i64 {
    let bits = a.1.min(b.1).min(prefix.unwrap_or(128));
    (a.0 & mask(bits)).cmp(&(b.0 & mask(bits))) as i64
}

pub(super) fn lower(name: &str, mut args: Vec<Expr>, prefix: Option<i64>) -> Expr {
    let prefix = prefix.map(|p| p.clamp(0, 128) as u32);
    let first = args.remove(0);
    match name {
        "parse_ipv6" => first.map(
            |c| {
                let ca = c.str()?;
                let out: StringChunked = ca.iter().map(|o| o.and_then(parse).map(|(a, bits)| canonical(a & mask(bits)))).collect();
                Ok(out.into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
        ),
        _ => {
            let is_match = name == "ipv6_is_match";
            let out_type = if is_match { DataType::Boolean } else { DataType::Int64 };
            first.map_many(
                move |cols| {
                    let (l, r) = (cols[0].str()?, cols[1].str()?);
                    let one = r.len() == 1;
                    let values = l.iter().enumerate().map(|(i, a)| {
                        let b = r.get(if one { 0 } else { i });
                        Some(compare(a.and_then(parse)?, b.and_then(parse)?, prefix))
                    });
                    Ok(if is_match {
                        values.map(|v| v.map(|c| c == 0)).collect::<BooleanChunked>().into_column()
                    } else {
                        values.collect::<Int64Chunked>().into_column()
                    })
                },
                &args,
                move |_, f| Ok(Field::new(f[0].name().clone(), out_type.clone())),
            )
        }
    }
}

/// `ipv6_is_in_range(ip, range)` and `ipv6_is_in_any_range(ip, ranges...)` with constant
/// ranges (IPv4 text is read as IPv4-mapped); null for a malformed address.
pub(super) fn in_any_range(ip: Expr, ranges: &[String]) -> Option<Expr> {
    let parsed: Vec<(u128, u32)> = ranges.iter().map(|r| parse(r)).collect::<Option<_>>()?;
    Some(ip.map(
        move |c| {
            let ca = c.str()?;
            let out: BooleanChunked = ca
                .iter()
                .map(|o| {
                    let (a, _) = parse(o?)?;
                    Some(parsed.iter().any(|(r, bits)| a & mask(*bits) == r & mask(*bits)))
                })
                .collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Boolean)),
    ))
}

/// `parse_ipv6_mask(ip, prefix)`: the canonical IPv6 form masked to the prefix (counted
/// within the 32 bits of an IPv4 address, as its `/n` suffix would be).
pub(super) fn parse_mask(ip: Expr, prefix: Expr) -> Expr {
    use super::rowwise::{long, map_rows, text, Out};
    map_rows(vec![ip, prefix], crate::types::KqlType::String, |c| {
        let t = text(&c[0])?;
        let (addr, bits) = parse(t)?;
        let v4 = t.split('/').next().is_some_and(|a| a.trim().parse::<Ipv4Addr>().is_ok());
        let p = u32::try_from(long(&c[1])?).ok()?;
        let p = if v4 { 96 + p.min(32) } else { p.min(128) };
        Some(Out::Text(canonical(addr & mask(bits.min(p)))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (u128, u32) {
        parse(s).unwrap_or((0, 0))
    }

    // parse-ipv6-function.md and ipv6-compare-function.md examples.
    #[test]
    fn documented_examples() {
        assert_eq!(canonical(p("127.0.0.1").0), "0000:0000:0000:0000:0000:ffff:7f00:0001");
        let (a, bits) = p("fe80::85d:e82c:9446:7994/120");
        assert_eq!(canonical(a & mask(bits)), "fe80:0000:0000:0000:085d:e82c:9446:7900");
        assert_eq!(compare(p("::ffff:7f00:1"), p("127.0.0.1"), None), 0);
        assert_eq!(compare(p("fe80::85d:e82c:9446:7994"), p("fe80::85d:e82c:9446:7995"), None), -1);
        assert_eq!(compare(p("fe80::85d:e82c:9446:7994/127"), p("fe80::85d:e82c:9446:7995/127"), None), 0);
        assert_eq!(compare(p("fe80::85d:e82c:9446:7994"), p("fe80::85d:e82c:9446:7995"), Some(127)), 0);
        assert_eq!(compare(p("192.168.1.1/24"), p("192.168.1.255/24"), None), 0);
        assert_eq!(parse("1.2.3.4/33"), None);
        assert_eq!(parse("fe80::zz"), None);
    }
}
