//! Kusto's names for result columns that the query does not name: a column keeps its
//! name, some functions pass their first argument's name through (`tostring(x)` is `x`,
//! `bin(TimeGenerated, 1h)` is `TimeGenerated`), some prefix it (`strlen_x`, `sum_x`),
//! indexing appends the index (`split(s, '.')[0]` is `s_0`), and anything else is the
//! first free `ColumnN`. A clash in `summarize` gets the first free numeric suffix.

use crate::functions::{lookup, Naming};
use crate::syntax::ast::{Expr, ExprKind, Literal};
use crate::types::Schema;

/// The name Kusto derives for `e`, or `None` when it would generate `ColumnN`.
/// `column_ifexists('c', ...)` is named `c` here; [`expr_name_in`] knows the input.
pub fn expr_name(e: &Expr) -> Option<String> {
    derived_name(e, &|_| true)
}

/// As [`expr_name`], knowing the input's columns: `column_ifexists('c', ...)` is named
/// `c` when the input has `c`, and generated (`ColumnN`) when it does not.
pub fn expr_name_in(e: &Expr, input: &Schema) -> Option<String> {
    derived_name(e, &|c| input.get(c).is_some())
}

fn derived_name(e: &Expr, has: &dyn Fn(&str) -> bool) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.clone()),
        ExprKind::Call { func, args } => {
            let f = lookup(&func.name)?;
            if let ("column_ifexists", Some(ExprKind::Literal(Literal::String(n)))) = (f.name, args.first().map(|a| &a.kind)) {
                return has(n).then(|| n.clone());
            }
            let first = args.first().and_then(|a| derived_name(a, has));
            if f.name == "percentile" || f.name == "percentilew" {
                // `percentile(x, 95)` and `percentilew(x, w, 95)` are `percentile_x_95`.
                let p = match args.get(if f.name == "percentile" { 1 } else { 2 }).map(|a| &a.kind) {
                    Some(ExprKind::Literal(Literal::Long(n))) => n.to_string(),
                    Some(ExprKind::Literal(Literal::Real(r))) => r.to_string().replace('.', "_"),
                    _ => String::new(),
                };
                return Some(format!("percentile_{}_{p}", first.unwrap_or_default()));
            }
            match f.naming {
                Naming::Generated => None,
                Naming::FirstArgument => first,
                Naming::Prefixed(p) => Some(format!("{p}{}", first.unwrap_or_default())),
                Naming::Suffixed(x) => first.map(|n| format!("{n}{x}")),
            }
        }
        ExprKind::Index { target, index } => {
            let base = derived_name(target, has)?;
            match &index.kind {
                ExprKind::Literal(Literal::Long(n)) => Some(format!("{base}_{n}")),
                ExprKind::Literal(Literal::String(s)) => Some(format!("{base}_{s}")),
                _ => None,
            }
        }
        ExprKind::Member { target, name } => Some(format!("{}_{}", derived_name(target, has)?, name.name)),
        _ => None,
    }
}

/// The first `ColumnN` (N from 1) not among `taken`.
pub fn generated<'a>(taken: impl IntoIterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.into_iter().collect();
    (1..).map(|n| format!("Column{n}")).find(|c| !taken.contains(&c.as_str())).unwrap_or_default()
}

/// `name`, or `name1`, `name2`, ... whichever is first not among `taken`.
pub fn unique_name<'a>(name: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.into_iter().collect();
    if !taken.contains(&name) {
        return name.to_string();
    }
    (1..).map(|n| format!("{name}{n}")).find(|c| !taken.contains(&c.as_str())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_follow_kusto() {
        let taken = ["count_", "count_1"];
        assert_eq!(unique_name("count_", taken.iter().copied()), "count_2");
        assert_eq!(unique_name("x", taken.iter().copied()), "x");
        assert_eq!(generated(["Column1", "a"].iter().copied()), "Column2");
    }
}
