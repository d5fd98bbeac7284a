//! `evaluate pivot(PivotColumn [, aggregation] [, Column, ...]) [: (schema)]`
//! (pivot-plugin.md): each distinct value of the pivot column becomes a column holding
//! the aggregation (default `count()`) of the rows with that value, grouped by the other
//! columns (by default every column but the pivot column and the aggregated one). It is
//! checked as the `summarize` it stands for: `summarize ['v'] = sumif(x, tostring(P) ==
//! 'v'), ... by Column, ...`. Without an output schema the values are read from the
//! data, in order of first appearance, through the session's [`super::SlotFinder`].

use super::{check_summarize, unknown_column, Catalog, Scope};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::span::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, Literal, NamedExpr, OutputSchema};

const USAGE: &str = "pivot(PivotColumn [, aggregation such as sum(x)] [, Column, ...]) [: (Name:type, ...)]";

/// The conditional form of each aggregation pivot supports.
fn conditional(name: &str) -> Option<&'static str> {
    Some(match name {
        "count" => "countif",
        "sum" => "sumif",
        "avg" => "avgif",
        "min" => "minif",
        "max" => "maxif",
        "dcount" => "dcountif",
        "take_any" | "any" => "take_anyif",
        "make_list" => "make_list_if",
        "make_set" => "make_set_if",
        "make_bag" => "make_bag_if",
        "stdev" => "stdevif",
        "variance" => "varianceif",
        _ => return None,
    })
}

pub(super) fn check_pivot(
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    output: Option<&OutputSchema>,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Plan> {
    let name_of = |e: &Expr| match &e.kind {
        ExprKind::Name(n) => Ok(Ident { name: n.clone(), span: e.span }),
        _ => Err(Error::semantic(e.span, "give a column name here").with_help(USAGE)),
    };
    let pivot = name_of(args.first().ok_or_else(|| Error::semantic(plugin.span, "`pivot` needs the column to rotate").with_help(USAGE))?)?;
    if input.schema.get(&pivot.name).is_none() {
        return Err(unknown_column(&pivot, &input.schema));
    }
    let (aggregation, rest) = match args.get(1).map(|a| &a.kind) {
        Some(ExprKind::Call { func, args: agg_args }) => ((func.clone(), agg_args.clone()), &args[2..]),
        _ => ((Ident { name: "count".into(), span: plugin.span }, Vec::new()), &args[1.min(args.len())..]),
    };
    let (func, agg_args) = aggregation;
    let Some(if_form) = conditional(&func.name) else {
        return Err(Error::unsupported(func.span, format!("`{}` as the aggregation of `pivot`", func.name)).with_help(
            "pivot aggregates with count, sum, avg, min, max, dcount, take_any, make_list, make_set, make_bag, stdev or variance",
        ));
    };
    let mut groups: Vec<Ident> = rest.iter().map(name_of).collect::<Result<_>>()?;
    if groups.is_empty() {
        let aggregated: Vec<&str> =
            agg_args.iter().filter_map(|a| if let ExprKind::Name(n) = &a.kind { Some(n.as_str()) } else { None }).collect();
        groups = input
            .schema
            .columns
            .iter()
            .filter(|(n, _)| *n != pivot.name && !aggregated.contains(&n.as_str()))
            .map(|(n, _)| Ident { name: n.clone(), span: plugin.span })
            .collect();
    }
    let values: Vec<String> = match output {
        Some(o) => o.columns.iter().filter(|(n, _)| !groups.iter().any(|g| g.name == n.name)).map(|(n, _)| n.name.clone()).collect(),
        None => {
            let finder = catalog.value_finder.as_ref().ok_or_else(|| {
                Error::unsupported(plugin.span, "`pivot` without data to learn its columns from")
                    .with_help("declare them: `evaluate pivot(State) : (EventType:string, ALABAMA:long, ALASKA:long)`")
            })?;
            (finder.0)(&input, &pivot.name)?.into_iter().map(|(v, _)| v).filter(|v| !v.is_empty()).collect()
        }
    };
    let span = plugin.span;
    let expr = |kind: ExprKind| Expr { kind, span };
    let aggregates: Vec<NamedExpr> = values
        .iter()
        .map(|v| {
            let pivot_text = expr(ExprKind::Call {
                func: Ident { name: "tostring".into(), span },
                args: vec![expr(ExprKind::Name(pivot.name.clone()))],
            });
            let condition = expr(ExprKind::Binary {
                op: BinaryOp::Eq,
                lhs: Box::new(pivot_text),
                rhs: Box::new(expr(ExprKind::Literal(Literal::String(v.clone())))),
            });
            let mut call_args = agg_args.clone();
            call_args.push(condition);
            let call = expr(ExprKind::Call { func: Ident { name: if_form.to_string(), span: func.span }, args: call_args });
            NamedExpr { name: Some(Ident { name: v.clone(), span }), names: Vec::new(), expr: call, span }
        })
        .collect();
    let by: Vec<NamedExpr> = groups
        .iter()
        .map(|g| NamedExpr {
            name: None,
            names: Vec::new(),
            expr: Expr { kind: ExprKind::Name(g.name.clone()), span: g.span },
            span: g.span,
        })
        .collect();
    check_summarize(input, &aggregates, &by, Span::default(), scope, catalog)
}
