//! `evaluate ipv4_lookup` and `evaluate ipv6_lookup`: the lookup table (small, collected)
//! becomes a list of ranges; each input address finds the most specific range holding
//! it, and the rows are joined on that range's row number.

use super::{ipv4, ipv6};
use crate::error::Result;
use polars::prelude::*;
use std::sync::Arc;

/// Finds the lookup row of an address text.
type Finder = Arc<dyn Fn(&str) -> Option<u32> + Send + Sync>;

/// IPv4 ranges (`a.b.c.d/n`), most specific first, so the first hit is the longest prefix.
fn v4_finder(keys: &StringChunked) -> Finder {
    let mut ranges: Vec<(ipv4::Prefixed, u32)> =
        keys.iter().enumerate().filter_map(|(row, k)| k.and_then(ipv4::parse).map(|p| (p, row as u32))).collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0.bits));
    Arc::new(move |text| {
        let a = ipv4::parse(text)?;
        ranges.iter().find(|(r, _)| a.addr & ipv4::mask(r.bits) == r.addr & ipv4::mask(r.bits)).map(|(_, row)| *row)
    })
}

/// IPv6 ranges (IPv4 text is its IPv4-mapped address), most specific first.
fn v6_finder(keys: &StringChunked) -> Finder {
    let mut ranges: Vec<((u128, u32), u32)> =
        keys.iter().enumerate().filter_map(|(row, k)| k.and_then(ipv6::parse).map(|p| (p, row as u32))).collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0 .1));
    Arc::new(move |text| {
        let (a, _) = ipv6::parse(text)?;
        ranges.iter().find(|((addr, bits), _)| a & ipv6::mask(*bits) == addr & ipv6::mask(*bits)).map(|(_, row)| *row)
    })
}

/// The input joined to the lookup rows its `source_key` addresses fall in (`v6`: IPv6
/// ranges); `return_unmatched` keeps the rows that fall in none.
#[allow(clippy::too_many_arguments)]
pub(super) fn lookup(
    input: LazyFrame,
    table: DataFrame,
    out: &crate::types::Schema,
    input_width: usize,
    source_key: &str,
    lookup_key: &str,
    return_unmatched: bool,
    v6: bool,
) -> Result<LazyFrame> {
    let keys = table.column(lookup_key)?.str()?.clone();
    let find = if v6 { v6_finder(&keys) } else { v4_finder(&keys) };
    let index = col(source_key).map(
        move |c| {
            let ca = c.str()?;
            let out: UInt32Chunked = ca.iter().map(|o| find(o?)).collect();
            Ok(out.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::UInt32)),
    );
    let names: Vec<String> = out.columns.iter().map(|(n, _)| n.clone()).collect();
    let renamed: Vec<Expr> = table
        .get_column_names()
        .iter()
        .zip(&names[input_width..])
        .map(|(orig, new)| col(orig.as_str()).alias(new.as_str()))
        .chain(std::iter::once(col("__flowkql_row")))
        .collect();
    let right = table.lazy().with_row_index("__flowkql_row", None).select(renamed);
    let how = if return_unmatched { JoinType::Left } else { JoinType::Inner };
    let joined =
        input.with_column(index.alias("__flowkql_row")).join(right, [col("__flowkql_row")], [col("__flowkql_row")], JoinArgs::new(how));
    let select: Vec<Expr> = out
        .columns
        .iter()
        .map(
            |(n, t)| {
                if t.is_textual() && *t != crate::types::KqlType::Dynamic {
                    col(n.as_str()).fill_null(lit(""))
                } else {
                    col(n.as_str())
                }
            },
        )
        .collect();
    Ok(joined.select(select))
}
