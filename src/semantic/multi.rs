//! Functions with several result columns (`series_stats`, `series_fit_line`): in
//! `extend` and `project` an item calling one becomes one item per result, each reading
//! its key of the function's property-bag form (`series_stats_dynamic`, ...). Results
//! are named by `(a, b, ...) =` in order, the rest `<function>_<argument>_<result>`, as
//! Kusto's analyzer names them.

use super::naming::{expr_name, unique_name};
use crate::error::{Error, Result};
use crate::syntax::ast::{Expr, ExprKind, Ident, Literal, NamedExpr};

/// A result: its key in the bag form and the conversion that types it (none: dynamic).
type Output = (&'static str, Option<&'static str>);

fn outputs(name: &str) -> Option<(&'static str, &'static [Output])> {
    const STATS: &[Output] = &[
        ("min", Some("todouble")),
        ("min_idx", Some("tolong")),
        ("max", Some("todouble")),
        ("max_idx", Some("tolong")),
        ("avg", Some("todouble")),
        ("stdev", Some("todouble")),
        ("variance", Some("todouble")),
    ];
    const FIT: &[Output] = &[
        ("rsquare", Some("todouble")),
        ("slope", Some("todouble")),
        ("variance", Some("todouble")),
        ("rvariance", Some("todouble")),
        ("interception", Some("todouble")),
        ("line_fit", None),
    ];
    match name {
        "series_stats" => Some(("series_stats_dynamic", STATS)),
        "series_fit_line" => Some(("series_fit_line_dynamic", FIT)),
        _ => None,
    }
}

/// The items with every several-result call spread out. `taken` are the column names
/// the generated names must not clash with.
pub(super) fn expand(items: &[NamedExpr], taken: &[String]) -> Result<Vec<NamedExpr>> {
    let mut out = Vec::with_capacity(items.len());
    let mut names: Vec<String> = taken.to_vec();
    for item in items {
        let call = match &item.expr.kind {
            ExprKind::Call { func, args } => outputs(&func.name).map(|o| (func, args, o)),
            _ => None,
        };
        let Some((func, args, (bag_function, results))) = call else {
            if let (Some(_), ExprKind::Call { func, .. }) = (item.names.first(), &item.expr.kind) {
                if crate::functions::KNOWN_UNSUPPORTED.contains(&func.name.as_str()) {
                    // A several-result function flowkql lacks (series_decompose_anomalies,
                    // series_fit_2lines, ...): say so rather than that it has one result.
                    return Err(Error::unsupported(func.span, format!("the function `{}`", func.name))
                        .with_help("run `flowkql functions` for the functions supported today"));
                }
            }
            if let Some(first) = item.names.first() {
                return Err(Error::semantic(
                    first.span,
                    "`(a, b, ...) =` names the results of a function with several, such as series_stats",
                )
                .with_help("name a single column as `a = ...`"));
            }
            out.push(item.clone());
            continue;
        };
        if item.name.is_some() {
            return Err(Error::semantic(
                item.span,
                format!("`{}` has several results: name them as `(a, b, ...) = {}(...)`", func.name, func.name),
            ));
        }
        if item.names.len() > results.len() {
            return Err(Error::semantic(item.names[results.len()].span, format!("`{}` has {} results", func.name, results.len())));
        }
        let argument = args.first().and_then(expr_name).unwrap_or_default();
        let bag = Expr {
            kind: ExprKind::Call { func: Ident { name: bag_function.to_string(), span: func.span }, args: args.clone() },
            span: item.expr.span,
        };
        for (k, (key, conversion)) in results.iter().enumerate() {
            let name = match item.names.get(k) {
                Some(n) => n.clone(),
                None => Ident {
                    name: unique_name(&format!("{}_{argument}_{key}", func.name), names.iter().map(|s| s.as_str())),
                    span: func.span,
                },
            };
            names.push(name.name.clone());
            let span = item.expr.span;
            let index = Expr {
                kind: ExprKind::Index {
                    target: Box::new(bag.clone()),
                    index: Box::new(Expr { kind: ExprKind::Literal(Literal::String(key.to_string())), span }),
                },
                span,
            };
            let expr = match conversion {
                Some(c) => Expr { kind: ExprKind::Call { func: Ident { name: c.to_string(), span }, args: vec![index] }, span },
                None => index,
            };
            out.push(NamedExpr { name: Some(name), names: Vec::new(), expr, span: item.span });
        }
    }
    Ok(out)
}
