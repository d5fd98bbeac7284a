//! Typed scalar expressions to Polars expressions, with Kusto's semantics: comparisons
//! with null are false (`!=` true), integer division truncates, strings are never null,
//! string predicates are case-insensitive unless `_cs`, `has` matches whole terms.

use super::{dynamic, ipv4, text};
use crate::error::{Error, Result};
use crate::plan::{TExpr, TExprKind};
use crate::syntax::ast::{BinaryOp, Literal, StringOp, StringOpKind, UnaryOp};
use crate::syntax::lex::NANOS_PER_SEC;
use crate::types::KqlType;
use polars::prelude::*;

use KqlType as T;

pub(super) const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SEC;
/// Days from 0001-01-01 (where Kusto counts datetime ticks from) to 1970-01-01.
const DAYS_0001_TO_1970: i128 = 719_162;

/// A lowered value. Dynamic values are held as compact JSON text, except that some
/// are kept in a cheaper form until they must become a column (`split` makes a list of
/// strings, and indexing it gives a plain string).
pub(super) struct Value {
    pub expr: Expr,
    pub repr: Repr,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Repr {
    /// The column layout of the value's type (for dynamic: JSON text).
    Native,
    /// A dynamic array of strings as a Polars `List(String)`.
    StringList,
    /// A dynamic string value as the plain string.
    PlainString,
    /// A one-element array of strings (`split(s, d, i)`) as its element, null for `[]`:
    /// `split(s, "|", 0)[0]` then costs one list lookup, as written by hand.
    OneElement,
}

impl Value {
    fn native(expr: Expr) -> Value {
        Value { expr, repr: Repr::Native }
    }
}

/// Lowers an expression to a Polars expression in the column layout of its type.
pub fn lower_expr(e: &TExpr) -> Result<Expr> {
    let v = lower(e)?;
    Ok(materialize(v))
}

/// A `where` condition. A filter drops rows whose condition is null, so under `and` and
/// `or` a comparison needs none of the null handling that `not` or `iff` would see: it is
/// lowered as the plain comparison, which Polars can check against Parquet statistics.
pub(super) fn lower_filter(e: &TExpr) -> Result<Expr> {
    use BinaryOp::*;
    match &e.kind {
        TExprKind::Binary { op: And, lhs, rhs } => Ok(lower_filter(lhs)?.and(lower_filter(rhs)?)),
        TExprKind::Binary { op: Or, lhs, rhs } => Ok(lower_filter(lhs)?.or(lower_filter(rhs)?)),
        TExprKind::Binary { op: op @ (Eq | Lt | Le | Gt | Ge), lhs, rhs } => {
            let (a, b) = numeric_pair(lhs, rhs)?;
            Ok(match op {
                Eq => a.eq(b),
                Lt => a.lt(b),
                Le => a.lt_eq(b),
                Gt => a.gt(b),
                _ => a.gt_eq(b),
            })
        }
        _ => to_bool(e),
    }
}

/// A condition (`iff`, `countif`, ...). Null counts as false, which is what
/// Polars' filters, `when` and boolean sums already do, so no fill is added: a bare
/// conjunction of comparisons is what Polars splits and pushes down to a file scan.
pub(super) fn lower_predicate(e: &TExpr) -> Result<Expr> {
    to_bool(e)
}

/// A sort key: dynamic values sort by their text.
pub(super) fn lower_sort_key(e: &TExpr) -> Result<Expr> {
    lower_expr(e)
}

fn materialize(v: Value) -> Expr {
    match v.repr {
        Repr::Native => v.expr,
        Repr::StringList => dynamic::string_list_to_json(v.expr),
        Repr::PlainString => dynamic::plain_string_to_json(v.expr),
        Repr::OneElement => dynamic::one_element_to_json(v.expr),
    }
}

fn to_bool(e: &TExpr) -> Result<Expr> {
    let v = lower(e)?;
    Ok(match (e.ty, v.repr) {
        (T::Dynamic, _) => dynamic::json_to_bool(materialize(v)),
        _ => v.expr,
    })
}

pub(super) fn lower(e: &TExpr) -> Result<Value> {
    Ok(match &e.kind {
        TExprKind::Column(c) => Value::native(col(c.as_str())),
        TExprKind::Literal(l) => Value::native(literal(l)),
        TExprKind::Unary { op, operand } => {
            let o = lower_expr(operand)?;
            let o = if operand.ty == T::Int { o.cast(DataType::Int64) } else { o };
            Value::native(match op {
                UnaryOp::Neg if operand.ty == T::TimeSpan => (lit(0i64) - o.cast(DataType::Int64)).cast(T::TimeSpan.polars()),
                UnaryOp::Neg => lit(0).cast(e.ty.polars()) - o,
                UnaryOp::Plus => o,
            })
        }
        TExprKind::Binary { op, lhs, rhs } => Value::native(binary(*op, lhs, rhs, e.ty)?),
        TExprKind::In { lhs, list, tables, negated, case_sensitive } => {
            let l = as_comparable(lhs)?;
            let mut list = list.clone();
            for plan in tables {
                list.extend(super::subquery::first_column_values(plan)?);
            }
            let list = &list;
            let (l, values) = if !case_sensitive && lhs.ty.is_textual() {
                let lowered: Vec<Literal> =
                    list.iter().map(|v| if let Literal::String(s) = v { Literal::String(s.to_lowercase()) } else { v.clone() }).collect();
                (l.str().to_lowercase(), lowered)
            } else {
                (l, list.clone())
            };
            let target_ty = if lhs.ty == T::Int { T::Long } else { lhs.ty };
            let series = list_series(target_ty, &values)?;
            let l = if lhs.ty == T::Int { l.cast(DataType::Int64) } else { l };
            let test = l.is_in(lit(series).implode(false), false).fill_null(lit(false));
            Value::native(if *negated { test.not() } else { test })
        }
        TExprKind::Between { lhs, low, high, negated } => {
            let (l, lo) = numeric_pair(lhs, low)?;
            let (l2, hi) = numeric_pair(lhs, high)?;
            let _ = l2;
            let test = l.is_between(lo, hi, ClosedInterval::Both).fill_null(lit(false));
            Value::native(if *negated { test.not() } else { test })
        }
        TExprKind::Index { target, index } => dynamic::index(lower(target)?, index)?,
        TExprKind::HasAny { lhs, terms, tables, all } => {
            let mut terms = terms.clone();
            for plan in tables {
                terms.extend(super::subquery::first_column_values(plan)?.iter().filter_map(term_text));
            }
            let terms = &terms;
            let subject = text::to_text(lhs)?;
            let op = StringOp { kind: StringOpKind::Has, negated: false, case_sensitive: false };
            let tests: Vec<Expr> = if *all {
                terms.iter().map(|t| literal_string_test(subject.clone(), op, t)).collect()
            } else {
                // One pass: an alternation of the terms, each with its term boundaries.
                vec![has_any_test(subject, terms)]
            };
            let combined = tests.into_iter().reduce(|a, b| a.and(b)).unwrap_or(lit(*all));
            Value::native(combined.fill_null(lit(false)))
        }
        TExprKind::Call { func, args } => super::calls::lower_call(func, args, e)?,
        TExprKind::Scalar(plan) => Value::native(super::subquery::scalar(plan)?),
    })
}

/// A `has_any` term from a table's value: text as it is, numbers in their text form;
/// null (and an empty string) is no term.
fn term_text(l: &Literal) -> Option<String> {
    match l {
        Literal::String(s) | Literal::Guid(s) if !s.is_empty() => Some(s.clone()),
        Literal::Int(n) => Some(n.to_string()),
        Literal::Long(n) => Some(n.to_string()),
        Literal::Real(f) => Some(f.to_string()),
        _ => None,
    }
}

/// A Polars literal of a Kusto constant, in its type's column layout.
pub(super) fn literal(l: &Literal) -> Expr {
    match l {
        Literal::Bool(b) => lit(*b),
        // Polars treats bare numeric literals as flexible; Kusto's types are fixed.
        Literal::Int(n) => lit(*n).cast(DataType::Int32),
        Literal::Long(n) => lit(*n).cast(DataType::Int64),
        Literal::Real(f) => lit(*f).cast(DataType::Float64),
        Literal::String(s) | Literal::Guid(s) => lit(s.clone()),
        Literal::DateTime(ns) => lit(*ns).cast(T::DateTime.polars()),
        Literal::TimeSpan(ns) => lit(*ns).cast(T::TimeSpan.polars()),
        Literal::Dynamic(v) => lit(v.to_string()),
        Literal::Null(t) => lit(NULL).cast(t.polars()),
    }
}

fn list_series(ty: KqlType, values: &[Literal]) -> Result<Series> {
    let converted: Vec<Literal> = values.iter().map(|v| crate::semantic::literal_to_type(v, ty).unwrap_or(Literal::Null(ty))).collect();
    let refs: Vec<&Literal> = converted.iter().collect();
    Ok(super::literal_column("", ty, &refs)?.take_materialized_series())
}

/// The operand as a value comparable with others of its kind: numbers stay numbers,
/// dynamic values become their text.
fn as_comparable(e: &TExpr) -> Result<Expr> {
    let v = lower(e)?;
    Ok(match (e.ty, v.repr) {
        (T::Dynamic, Repr::PlainString) => v.expr,
        (T::Dynamic, Repr::OneElement) => dynamic::one_element_to_json(v.expr),
        (T::Dynamic, _) => dynamic::json_to_text(materialize(v)),
        _ => v.expr,
    })
}

/// Both sides cast to a common type for comparison.
fn numeric_pair(a: &TExpr, b: &TExpr) -> Result<(Expr, Expr)> {
    let x = as_comparable(a)?;
    let y = as_comparable(b)?;
    if a.ty.is_numeric() && b.ty.is_numeric() {
        let target =
            if matches!(a.ty, T::Real | T::Decimal) || matches!(b.ty, T::Real | T::Decimal) { DataType::Float64 } else { DataType::Int64 };
        return Ok((x.cast(target.clone()), y.cast(target)));
    }
    if a.ty == T::Dynamic && b.ty.is_numeric() {
        return Ok((x.cast(DataType::Float64), y.cast(DataType::Float64)));
    }
    if b.ty == T::Dynamic && a.ty.is_numeric() {
        return Ok((x.cast(DataType::Float64), y.cast(DataType::Float64)));
    }
    Ok((x, y))
}

fn binary(op: BinaryOp, lhs: &TExpr, rhs: &TExpr, ty: KqlType) -> Result<Expr> {
    use BinaryOp::*;
    match op {
        And => Ok(to_bool(lhs)?.and(to_bool(rhs)?)),
        Or => Ok(to_bool(lhs)?.or(to_bool(rhs)?)),
        Eq | NotEq | Lt | Le | Gt | Ge => {
            let (a, b) = numeric_pair(lhs, rhs)?;
            let never_null =
                |e: &TExpr| (e.ty.is_textual() && e.ty != T::Dynamic) || e.as_literal().is_some_and(|l| !matches!(l, Literal::Null(_)));
            let cmp = match op {
                Eq => a.clone().eq(b.clone()),
                NotEq => a.clone().neq(b.clone()),
                Lt => a.clone().lt(b.clone()),
                Le => a.clone().lt_eq(b.clone()),
                Gt => a.clone().gt(b.clone()),
                _ => a.clone().gt_eq(b.clone()),
            };
            if never_null(lhs) && never_null(rhs) {
                // Strings are never null and constants are known: the plain comparison,
                // which Polars can push down to a file scan.
                return Ok(cmp);
            }
            // Kusto (null-values.md): null against a value is false, except `!=`, which
            // is true; `==` and `!=` between two nulls are null.
            let filled = cmp.fill_null(lit(op == NotEq));
            let maybe_both_null = !never_null(lhs) && !never_null(rhs);
            Ok(match op {
                Eq | NotEq if maybe_both_null => {
                    let both_null = a.is_null().and(b.is_null());
                    when(both_null).then(lit(NULL).cast(DataType::Boolean)).otherwise(filled)
                }
                _ => filled,
            })
        }
        EqCi | NotEqCi => {
            let a = as_comparable(lhs)?;
            let test = match rhs.as_literal() {
                Some(Literal::String(s)) => a.str().contains(lit(format!("(?i)^{}$", regex::escape(s))), true),
                _ => a.str().to_lowercase().eq(as_comparable(rhs)?.str().to_lowercase()),
            };
            let test = test.fill_null(lit(false));
            Ok(if op == NotEqCi { test.not() } else { test })
        }
        Str(sop) => string_op(sop, lhs, rhs),
        Add | Sub | Mul | Div | Mod => arithmetic(op, lhs, rhs, ty),
    }
}

fn arithmetic(op: BinaryOp, lhs: &TExpr, rhs: &TExpr, ty: KqlType) -> Result<Expr> {
    use BinaryOp::*;
    let a = lower_expr(lhs)?;
    let b = lower_expr(rhs)?;
    let int64 = || DataType::Int64;
    Ok(match (lhs.ty, rhs.ty) {
        (x, y) if x.is_numeric() && y.is_numeric() => {
            let target = ty.polars();
            let (a, b) = (a.cast(target.clone()), b.cast(target));
            if ty == T::Long {
                match op {
                    Add => a + b,
                    Sub => a - b,
                    Mul => a * b,
                    Div => truncated_div(a, b),
                    _ => truncated_rem(a, b),
                }
            } else {
                match op {
                    Add => a + b,
                    Sub => a - b,
                    Mul => a * b,
                    Div => a / b,
                    // IEEE remainder with the dividend's sign, like C#'s `%` on doubles.
                    _ => a.clone() - b.clone() * (a / b).truncate(0),
                }
            }
        }
        (T::DateTime, T::TimeSpan) | (T::TimeSpan, T::DateTime) | (T::DateTime, T::DateTime) | (T::TimeSpan, T::TimeSpan) => match op {
            Add => a + b,
            Div => a.cast(int64()).cast(DataType::Float64) / b.cast(int64()).cast(DataType::Float64),
            _ => a - b,
        },
        (T::TimeSpan, n) | (n, T::TimeSpan) if n.is_numeric() => {
            let (span, num) = if lhs.ty == T::TimeSpan { (a, b) } else { (b, a) };
            let span = span.cast(DataType::Float64);
            let num = num.cast(DataType::Float64);
            let v = if op == Div { span / num } else { span * num };
            v.round(0, RoundMode::HalfAwayFromZero).cast(int64()).cast(T::TimeSpan.polars())
        }
        (x, y) => return Err(Error::semantic(lhs.span.to(rhs.span), format!("`{}` is not defined for {x} and {y}", op.symbol()))),
    })
}

/// Integer division truncating toward zero (Kusto, like C#); Polars' `floor_div` floors.
fn truncated_div(a: Expr, b: Expr) -> Expr {
    let q = a.clone().floor_div(b.clone());
    let r = a.clone() - q.clone() * b.clone();
    let signs_differ = a.lt(lit(0i64)).xor(b.clone().lt(lit(0i64)));
    let adjust = r.neq(lit(0i64)).and(signs_differ);
    when(b.eq(lit(0i64))).then(lit(NULL).cast(DataType::Int64)).when(adjust).then(q.clone() + lit(1i64)).otherwise(q)
}

fn truncated_rem(a: Expr, b: Expr) -> Expr {
    a.clone() - truncated_div(a, b.clone()) * b
}

fn string_op(op: StringOp, lhs: &TExpr, rhs: &TExpr) -> Result<Expr> {
    let subject = text::to_text(lhs)?;
    let test = match rhs.as_literal() {
        Some(Literal::String(needle)) => literal_string_test(subject, op, needle),
        _ => {
            let needle = text::to_text(rhs)?;
            let (s, n) = if op.case_sensitive || op.kind == StringOpKind::MatchesRegex {
                (subject, needle)
            } else {
                (subject.str().to_lowercase(), needle.str().to_lowercase())
            };
            match op.kind {
                StringOpKind::Contains => s.str().contains_literal(n),
                StringOpKind::StartsWith => s.str().starts_with(n),
                StringOpKind::EndsWith => s.str().ends_with(n),
                StringOpKind::MatchesRegex => s.str().contains(n, true),
                _ => return Err(Error::unsupported(rhs.span, format!("`{}` with a non-constant right side", op.keyword()))),
            }
        }
    };
    let test = test.fill_null(lit(false));
    Ok(if op.negated { test.not() } else { test })
}

fn is_term_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A string predicate against a constant, compiled once to the cheapest Polars kernel.
fn literal_string_test(s: Expr, op: StringOp, needle: &str) -> Expr {
    let ci = if op.case_sensitive { "" } else { "(?i)" };
    let esc = regex::escape(needle);
    // Kusto terms are runs of alphanumeric characters: `has` needs a term boundary at
    // each end of the needle where the needle itself starts/ends with one.
    let left = if needle.chars().next().is_some_and(is_term_char) { r"(?:^|[^\p{L}\p{N}])" } else { "" };
    let right = if needle.chars().last().is_some_and(is_term_char) { r"(?:$|[^\p{L}\p{N}])" } else { "" };
    let regex = |p: String| s.clone().str().contains(lit(p), true);
    match op.kind {
        StringOpKind::Contains if op.case_sensitive => s.str().contains_literal(lit(needle.to_string())),
        StringOpKind::Contains => regex(format!("{ci}{esc}")),
        StringOpKind::StartsWith if op.case_sensitive => s.str().starts_with(lit(needle.to_string())),
        StringOpKind::StartsWith => regex(format!("{ci}^{esc}")),
        StringOpKind::EndsWith if op.case_sensitive => s.str().ends_with(lit(needle.to_string())),
        StringOpKind::EndsWith => regex(format!("{ci}{esc}$")),
        StringOpKind::Has if needle.is_empty() => lit(true),
        StringOpKind::Has => regex(format!("{ci}{left}{esc}{right}")),
        StringOpKind::HasPrefix => regex(format!("{ci}{left}{esc}")),
        StringOpKind::HasSuffix => regex(format!("{ci}{esc}{right}")),
        StringOpKind::MatchesRegex => regex(needle.to_string()),
    }
}

/// `has_any`: any of the terms as a whole term, case-insensitively.
fn has_any_test(s: Expr, terms: &[String]) -> Expr {
    let alternatives: Vec<String> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| {
            let left = if t.chars().next().is_some_and(is_term_char) { r"(?:^|[^\p{L}\p{N}])" } else { "" };
            let right = if t.chars().last().is_some_and(is_term_char) { r"(?:$|[^\p{L}\p{N}])" } else { "" };
            format!("{left}{}{right}", regex::escape(t))
        })
        .collect();
    if alternatives.len() < terms.len() {
        // An empty term matches everything, as `has ""` does.
        return lit(true);
    }
    if alternatives.is_empty() {
        return lit(false);
    }
    s.str().contains(lit(format!("(?i)(?:{})", alternatives.join("|"))), true)
}

/// Nanoseconds since the epoch of a datetime (or a timespan's nanoseconds) as Int64.
pub(super) fn nanos(e: Expr) -> Expr {
    e.cast(DataType::Int64)
}

/// The epoch-relative position of the datetime bin boundary nearest before the epoch, for
/// bins of `size_ns` counted from 0001-01-01 (bins lie at `origin + k * size_ns`).
pub(super) fn bin_origin(size_ns: i64) -> i64 {
    -(((DAYS_0001_TO_1970 * NANOS_PER_DAY as i128) % size_ns as i128) as i64)
}

/// Rounds a datetime down to a multiple of `size_ns` counted from 0001-01-01, as Kusto
/// counts ticks.
pub(super) fn bin_datetime(x: Expr, size_ns: i64) -> Expr {
    let offset = -bin_origin(size_ns);
    let shifted = nanos(x.clone()) + lit(offset);
    let rem = shifted.clone() - shifted.floor_div(lit(size_ns)) * lit(size_ns);
    (nanos(x) - rem).cast(T::DateTime.polars())
}

/// Days since the preceding Sunday (1970-01-04 was a Sunday).
pub(super) fn days_since_sunday(x: Expr) -> Expr {
    let days = nanos(x).floor_div(lit(NANOS_PER_DAY));
    let shifted = days + lit(4i64);
    shifted.clone() - shifted.floor_div(lit(7i64)) * lit(7i64)
}

pub(super) fn ipv4_call(name: &str, args: Vec<Expr>, lits: Vec<Option<&Literal>>) -> Result<Expr> {
    ipv4::lower(name, args, lits)
}
