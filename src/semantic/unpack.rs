//! `evaluate bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [,
//! ignoredProperties]) [: ([*,] name:type, ...)]` (bag-unpack-plugin.md): the column
//! is removed and each top-level slot of its property bags becomes a column, in slot
//! name order, typed by the slot's values (dynamic when they differ). Without an output
//! schema the slots are only known from the data, so the session lends a
//! [`SlotFinder`] that runs the input; with one, the declared columns are read.
//!
//! The result is a projection: each slot column reads its key of the bag and converts it
//! as `tostring`, `tolong`, ... would.

use super::{expr, fold_constant, unique_name, unknown_column, Catalog, Scope};
use crate::error::{Error, Result};
use crate::functions::lookup;
use crate::plan::{Node, Plan, TExpr, TExprKind};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident, Literal, OutputSchema};
use crate::types::{KqlType, Schema};
use std::sync::Arc;

/// The slots of a dynamic column: name and type, in order of first appearance.
pub type Slots = Vec<(String, KqlType)>;

/// Runs a plan and lists the slots of one of its dynamic columns.
pub type FindSlots = dyn Fn(&Plan, &str) -> Result<Slots> + Send + Sync;

/// Lists the property-bag slots of a dynamic column of a plan's rows.
#[derive(Clone)]
pub struct SlotFinder(pub Arc<FindSlots>);

impl std::fmt::Debug for SlotFinder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SlotFinder")
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Conflict {
    Error,
    ReplaceSource,
    KeepSource,
}

const USAGE: &str = "bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties]) [: ([*,] Name:type, ...)]";

pub(super) fn check_bag_unpack(
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    named: &[(Ident, Expr)],
    output: Option<&OutputSchema>,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Plan> {
    let Some(column_arg) = args.first() else {
        return Err(Error::semantic(plugin.span, "`bag_unpack` needs the dynamic column to unpack").with_help(USAGE));
    };
    let ExprKind::Name(column) = &column_arg.kind else {
        return Err(Error::semantic(column_arg.span, "give the dynamic column's name here").with_help(USAGE));
    };
    match input.schema.get(column) {
        Some(KqlType::Dynamic) => {}
        Some(t) => return Err(Error::semantic(column_arg.span, format!("`{column}` must be dynamic, but it is {t}"))),
        None => return Err(unknown_column(&Ident { name: column.clone(), span: column_arg.span }, &input.schema)),
    }
    let constant = |e: &Expr| -> Result<Literal> {
        let t = fold_constant(&expr::check_scalar(e, &Schema::default(), scope, catalog)?);
        t.as_literal().cloned().ok_or_else(|| Error::semantic(e.span, "give a constant here").with_help(USAGE))
    };
    let mut positional = args[1..].iter().map(Some).collect::<Vec<_>>();
    positional.resize(3, None);
    let mut option = |name: &str, at: usize| -> Option<&Expr> {
        named.iter().find(|(n, _)| n.name.eq_ignore_ascii_case(name)).map(|(_, e)| e).or(positional[at].take())
    };
    let (prefix_arg, conflict_arg, ignored_arg) =
        (option("OutputColumnPrefix", 0), option("columnsConflict", 1), option("ignoredProperties", 2));
    if let Some((n, _)) = named
        .iter()
        .find(|(n, _)| !["outputcolumnprefix", "columnsconflict", "ignoredproperties"].contains(&n.name.to_ascii_lowercase().as_str()))
    {
        return Err(Error::semantic(n.span, format!("`bag_unpack` has no argument `{}`", n.name)).with_help(USAGE));
    }
    let prefix = match prefix_arg.map(|e| (e, constant(e))) {
        None => String::new(),
        Some((_, Ok(Literal::String(s)))) => s,
        Some((e, _)) => return Err(Error::semantic(e.span, "the output column prefix is a string").with_help(USAGE)),
    };
    let conflict = match conflict_arg.map(|e| (e, constant(e))) {
        None => Conflict::Error,
        Some((e, Ok(Literal::String(s)))) => match s.as_str() {
            "error" => Conflict::Error,
            "replace_source" => Conflict::ReplaceSource,
            "keep_source" => Conflict::KeepSource,
            _ => return Err(Error::semantic(e.span, "columnsConflict is 'error', 'replace_source' or 'keep_source'")),
        },
        Some((e, _)) => return Err(Error::semantic(e.span, "columnsConflict is a string").with_help(USAGE)),
    };
    let ignored: Vec<String> = match ignored_arg.map(|e| (e, constant(e))) {
        None => Vec::new(),
        Some((_, Ok(Literal::Dynamic(serde_json::Value::Array(items))))) => {
            items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        Some((e, _)) => return Err(Error::semantic(e.span, "ignoredProperties is a dynamic array of names").with_help(USAGE)),
    };

    let rest: Vec<(String, KqlType)> = input.schema.columns.iter().filter(|(n, _)| n != column).cloned().collect();
    // (output name, slot key, type) of each unpacked column.
    let slots: Vec<(String, String, KqlType)> = match output {
        Some(o) => o
            .columns
            .iter()
            .filter(|(n, _)| !o.star || !rest.iter().any(|(r, _)| *r == n.name))
            .map(|(n, t)| (n.name.clone(), n.name.strip_prefix(prefix.as_str()).unwrap_or(&n.name).to_string(), *t))
            .collect(),
        None => {
            let finder = catalog.slot_finder.as_ref().ok_or_else(|| {
                Error::unsupported(plugin.span, "`bag_unpack` without data to learn its columns from")
                    .with_help("declare them: `evaluate bag_unpack(Column) : (*, Name:string, Age:long)`")
            })?;
            let mut found = (finder.0)(&input, column)?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            found.into_iter().filter(|(k, _)| !ignored.contains(k)).map(|(k, t)| (format!("{prefix}{k}"), k, t)).collect()
        }
    };

    let span = plugin.span;
    let source = TExpr { kind: TExprKind::Column(column.clone()), ty: KqlType::Dynamic, span };
    let mut columns: Vec<(String, TExpr)> = Vec::new();
    let keep_input = output.is_none_or(|o| o.star);
    if keep_input {
        columns.extend(rest.iter().map(|(n, t)| (n.clone(), TExpr { kind: TExprKind::Column(n.clone()), ty: *t, span })));
    }
    for (name, key, ty) in slots {
        let value = slot_value(&source, &key, ty, span)?;
        match columns.iter().position(|(n, _)| *n == name) {
            None => columns.push((name, value)),
            Some(at) => match conflict {
                Conflict::Error if output.is_none() => {
                    return Err(Error::semantic(span, format!("the slot `{key}` gives column `{name}`, which the input already has"))
                        .with_help("pass columnsConflict='replace_source' or 'keep_source', or an OutputColumnPrefix"));
                }
                // Either way the column takes the slot's place (the documented examples
                // list `Age, Name` for both), holding the source's or the slot's values.
                Conflict::KeepSource => {
                    let kept = columns.remove(at);
                    columns.push(kept);
                }
                _ => {
                    columns.remove(at);
                    columns.push((name, value));
                }
            },
        }
    }
    let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(Error::semantic(span, format!("column `{}` would appear twice", unique_name(n, names.iter().map(|s| s.as_str())))));
        }
    }
    let schema = Schema::new(columns.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
    Ok(Plan { node: Node::Project { input: Box::new(input), columns }, schema })
}

/// `d["key"]`, converted to `ty` as the conversion functions do.
fn slot_value(source: &TExpr, key: &str, ty: KqlType, span: Span) -> Result<TExpr> {
    let index = TExpr {
        kind: TExprKind::Index {
            target: Box::new(source.clone()),
            index: Box::new(TExpr::literal(Literal::String(key.to_string()), span)),
        },
        ty: KqlType::Dynamic,
        span,
    };
    let conversion = match ty {
        KqlType::Dynamic => return Ok(index),
        KqlType::String => "tostring",
        KqlType::Int => "toint",
        KqlType::Long => "tolong",
        KqlType::Real | KqlType::Decimal => "todouble",
        KqlType::Bool => "tobool",
        KqlType::DateTime => "todatetime",
        KqlType::TimeSpan => "totimespan",
        KqlType::Guid => "toguid",
    };
    let func = lookup(conversion).ok_or_else(|| Error::unsupported(span, conversion))?;
    Ok(TExpr { kind: TExprKind::Call { func, args: vec![index] }, ty, span })
}
