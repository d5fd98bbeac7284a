//! Typing scalar and aggregate expressions against the columns in scope.

use super::naming::expr_name;
use super::{column, unknown_column, Catalog, Scope};
use crate::error::{nearest, Error, Result};
use crate::functions::{lookup, FnKind, Function, FUNCTIONS, KNOWN_UNSUPPORTED};
use crate::plan::{TExpr, TExprKind};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::types::{KqlType, Schema};

use KqlType as T;

/// Types a row-level scalar expression. Aggregate calls are errors here.
pub(crate) fn check_scalar(e: &Expr, schema: &Schema, scope: &Scope, catalog: &Catalog) -> Result<TExpr> {
    Checker { schema, scope, catalog, agg: None }.check(e)
}

/// Types one `summarize` item: a tree of scalar operations over aggregate calls. Returns
/// one or more named output columns (`arg_max` yields several).
pub(crate) fn check_aggregate(
    item: &NamedExpr,
    schema: &Schema,
    keys: &[String],
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Vec<(String, TExpr)>> {
    let checker = Checker { schema, scope, catalog, agg: Some(AggState { inside: false }) };
    // arg_max / arg_min at the top level expand to several columns.
    if let ExprKind::Call { func, args } = &item.expr.kind {
        if func.name == "arg_max" || func.name == "arg_min" {
            return checker.arg_extreme(func, args, item, keys);
        }
        if func.name == "percentiles" || func.name == "percentilesw" {
            return checker.percentiles(func, args, item);
        }
    }
    let e = checker.check(&item.expr)?;
    if !contains_aggregate(&e) {
        return Err(Error::semantic(item.expr.span, "a `summarize` item must use an aggregation function such as count(), sum() or avg()")
            .with_help("to group by this value, put it after `by`"));
    }
    let name = match &item.name {
        Some(id) => id.name.clone(),
        None => expr_name(&item.expr).unwrap_or_else(|| super::naming::generated(std::iter::empty())),
    };
    Ok(vec![(name, e)])
}

fn contains_aggregate(e: &TExpr) -> bool {
    e.any(&|x| matches!(&x.kind, TExprKind::Call { func, .. } if func.kind == FnKind::Aggregate))
}

#[derive(Clone, Copy)]
struct AggState {
    /// Inside an aggregate call's arguments: row-level again, and no nesting.
    inside: bool,
}

struct Checker<'a> {
    schema: &'a Schema,
    scope: &'a Scope,
    catalog: &'a Catalog,
    agg: Option<AggState>,
}

impl Checker<'_> {
    fn with_agg(&self, agg: Option<AggState>) -> Checker<'_> {
        Checker { schema: self.schema, scope: self.scope, catalog: self.catalog, agg }
    }

    fn check(&self, e: &Expr) -> Result<TExpr> {
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(l) => Ok(TExpr::literal(l.clone(), span)),
            ExprKind::Star => Err(Error::semantic(span, "`*` is only allowed in count(*), arg_max(x, *) and distinct *")),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::Unary { op, operand } => {
                let o = self.check(operand)?;
                if !(o.ty.is_numeric() || o.ty == T::TimeSpan) {
                    return Err(Error::semantic(span, format!("unary `-` needs a number or a timespan, not {}", o.ty)));
                }
                let ty = if o.ty == T::Int { T::Long } else { o.ty };
                Ok(fold_constant(&TExpr { kind: TExprKind::Unary { op: *op, operand: Box::new(o) }, ty, span }))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            ExprKind::In { lhs, list, negated, case_sensitive } => {
                let l = self.check(lhs)?;
                let mut lits = Vec::new();
                let mut tables = Vec::new();
                for item in list {
                    if let Some(plan) = self.in_table(item)? {
                        // in-operator.md: a tabular expression's first column gives the values.
                        let Some((_, ty)) = plan.schema.columns.first() else {
                            return Err(Error::semantic(item.span, "this tabular expression has no columns"));
                        };
                        if !comparable(l.ty, *ty) {
                            return Err(Error::semantic(item.span, format!("cannot compare {} with {} in `in`", l.ty, ty)));
                        }
                        tables.push(plan);
                        continue;
                    }
                    let t = fold_constant(&self.check(item)?);
                    let Some(lit) = t.as_literal() else {
                        return Err(Error::unsupported(item.span, "a non-constant value in an `in` list"));
                    };
                    if !comparable(l.ty, t.ty) {
                        return Err(Error::semantic(item.span, format!("cannot compare {} with {} in `in`", l.ty, t.ty)));
                    }
                    match lit {
                        // in-operator.md: a dynamic array stands for its elements.
                        Literal::Dynamic(serde_json::Value::Array(items)) if l.ty != T::Dynamic => {
                            lits.extend(items.iter().filter_map(json_element))
                        }
                        _ => lits.push(lit.clone()),
                    }
                }
                let kind = TExprKind::In { lhs: Box::new(l), list: lits, tables, negated: *negated, case_sensitive: *case_sensitive };
                Ok(TExpr { kind, ty: T::Bool, span })
            }
            ExprKind::HasAny { lhs, list, all } => {
                let l = self.check(lhs)?;
                let mut terms = Vec::new();
                let mut tables = Vec::new();
                for item in list {
                    // has-any-operator.md: a tabular expression's first column gives terms.
                    if let Some(plan) = self.in_table(item)? {
                        if plan.schema.columns.is_empty() {
                            return Err(Error::semantic(item.span, "this tabular expression has no columns"));
                        }
                        tables.push(plan);
                        continue;
                    }
                    let t = fold_constant(&self.check(item)?);
                    match t.as_literal() {
                        Some(Literal::String(s)) => terms.push(s.clone()),
                        Some(Literal::Dynamic(serde_json::Value::Array(items))) => {
                            terms.extend(items.iter().map(|v| v.as_str().map(|s| s.to_string()).unwrap_or_else(|| v.to_string())))
                        }
                        Some(Literal::Long(n)) => terms.push(n.to_string()),
                        _ => return Err(Error::unsupported(item.span, "a non-constant term in `has_any`/`has_all`")),
                    }
                }
                Ok(TExpr { kind: TExprKind::HasAny { lhs: Box::new(l), terms, tables, all: *all }, ty: T::Bool, span })
            }
            ExprKind::Between { lhs, low, high, negated } => {
                let l = self.check(lhs)?;
                let lo = self.check(low)?;
                let hi = self.check(high)?;
                for b in [&lo, &hi] {
                    let ok = comparable(l.ty, b.ty) || (l.ty == T::DateTime && b.ty == T::TimeSpan);
                    if !ok || !(l.ty.is_numeric() || matches!(l.ty, T::DateTime | T::TimeSpan)) {
                        return Err(Error::semantic(b.span, format!("`between` cannot compare {} with {}", l.ty, b.ty)));
                    }
                }
                // `dt between (start .. 1h)`: a timespan upper bound is relative to the lower.
                let hi = if l.ty == T::DateTime && hi.ty == T::TimeSpan {
                    fold_constant(&TExpr {
                        span: hi.span,
                        ty: T::DateTime,
                        kind: TExprKind::Binary { op: BinaryOp::Add, lhs: Box::new(lo.clone()), rhs: Box::new(hi) },
                    })
                } else {
                    hi
                };
                let kind = TExprKind::Between { lhs: Box::new(l), low: Box::new(lo), high: Box::new(hi), negated: *negated };
                Ok(TExpr { kind, ty: T::Bool, span })
            }
            ExprKind::Index { target, index } => {
                let t = self.check(target)?;
                let i = fold_constant(&self.check(index)?);
                if t.ty != T::Dynamic {
                    return Err(Error::semantic(target.span, format!("only dynamic values can be indexed; this is {}", t.ty))
                        .with_help("parse it first, e.g. parse_json(x)[0]"));
                }
                if !matches!(i.ty, T::Long | T::Int | T::String) {
                    return Err(Error::semantic(index.span, format!("an index must be a whole number or a string key, not {}", i.ty)));
                }
                Ok(TExpr { kind: TExprKind::Index { target: Box::new(t), index: Box::new(i) }, ty: T::Dynamic, span })
            }
            ExprKind::Member { target, name } => {
                let t = self.check(target)?;
                if t.ty != T::Dynamic {
                    return Err(Error::semantic(span, format!("`.{}` needs a dynamic value; this is {}", name.name, t.ty)));
                }
                let key = TExpr::literal(Literal::String(name.name.clone()), name.span);
                Ok(TExpr { kind: TExprKind::Index { target: Box::new(t), index: Box::new(key) }, ty: T::Dynamic, span })
            }
            ExprKind::Call { func, args } => self.call(func, args, span),
            ExprKind::Tabular(_) => Err(Error::semantic(span, "a tabular expression is not a value here")
                .with_help("only an `in` list takes one; elsewhere use toscalar(...)")),
            ExprKind::ToScalar(p) => {
                // `toscalar(x)` of a column or scalar `let` is that value.
                if let (SourceKind::Table(n), true) = (&p.source.kind, p.ops.is_empty()) {
                    if self.schema.get(&n.name).is_some() || self.scope.scalars.contains_key(&n.name) {
                        return self.check(&Expr { kind: ExprKind::Name(n.name.clone()), span: n.span });
                    }
                }
                let plan = super::tabular_operand(p, self.scope, self.catalog)?;
                let Some((_, ty)) = plan.schema.columns.first() else {
                    return Err(Error::semantic(span, "the tabular expression of `toscalar` has no columns"));
                };
                Ok(TExpr { ty: *ty, kind: TExprKind::Scalar(Box::new(plan)), span })
            }
        }
    }

    /// The plan of an `in` item that is tabular: a tabular expression, or a name that is
    /// not a column or a scalar but a table or a tabular `let`.
    fn in_table(&self, item: &Expr) -> Result<Option<crate::plan::Plan>> {
        let pipeline = match &item.kind {
            ExprKind::Tabular(p) => p.as_ref().clone(),
            ExprKind::Name(n)
                if self.schema.get(n).is_none()
                    && !self.scope.scalars.contains_key(n)
                    && (self.scope.tables.contains_key(n) || self.catalog.tables.contains_key(n)) =>
            {
                let ident = Ident { name: n.clone(), span: item.span };
                Pipeline { source: Source { kind: SourceKind::Table(ident), span: item.span }, ops: Vec::new(), span: item.span }
            }
            // A call of a user-defined function whose body is tabular.
            ExprKind::Call { func, args }
                if self.scope.functions.get(&func.name).is_some_and(|d| !matches!(d.body, LetValue::Scalar(_))) =>
            {
                let source = Source { kind: SourceKind::Call { func: func.clone(), args: args.clone() }, span: item.span };
                Pipeline { source, ops: Vec::new(), span: item.span }
            }
            _ => return Ok(None),
        };
        Ok(Some(super::tabular_operand(&pipeline, self.scope, self.catalog)?))
    }

    fn name(&self, n: &str, span: Span) -> Result<TExpr> {
        if let Some(ty) = self.schema.get(n) {
            if let Some(AggState { inside: false }) = self.agg {
                return Err(Error::semantic(span, format!("column `{n}` must be inside an aggregation function here"))
                    .with_help(format!("use e.g. take_any({n}), or list `{n}` after `by`")));
            }
            return Ok(column(n, ty, span));
        }
        if let Some(v) = self.scope.scalars.get(n) {
            return Ok(TExpr { span, ..v.clone() });
        }
        if self.scope.tables.contains_key(n) || self.catalog.tables.contains_key(n) {
            return Err(Error::semantic(span, format!("`{n}` is a table, not a scalar value")));
        }
        let ident = Ident { name: n.to_string(), span };
        let mut err = unknown_column(&ident, self.schema);
        if err.help.is_none() {
            if let Some(s) = nearest(n, self.scope.scalars.keys().map(|s| s.as_str())) {
                err = err.with_help(format!("did you mean `{s}`?"));
            }
        }
        Err(err)
    }

    fn binary(&self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Result<TExpr> {
        if let (ExprKind::Star, BinaryOp::Str(sop)) = (&lhs.kind, op) {
            return self.every_column(sop, rhs, span);
        }
        let l = self.check(lhs)?;
        let r = self.check(rhs)?;
        let mismatch = |what: &str| {
            Error::semantic(span, format!("`{}` is not defined for {} and {}", op.symbol(), l.ty, r.ty)).with_help(what.to_string())
        };
        let ty = match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => match arithmetic_type(op, l.ty, r.ty) {
                Some(t) => t,
                None => return Err(mismatch("convert the operands first, e.g. with toint(), todouble() or todatetime()")),
            },
            BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                if !comparable(l.ty, r.ty) {
                    return Err(mismatch("compare values of the same kind; convert one side with tostring(), toint(), todatetime() ..."));
                }
                T::Bool
            }
            BinaryOp::EqCi | BinaryOp::NotEqCi => {
                if !(l.ty.is_textual() && r.ty.is_textual()) {
                    return Err(mismatch("`=~` and `!~` compare strings; use tostring() on the other side"));
                }
                T::Bool
            }
            BinaryOp::And | BinaryOp::Or => {
                if !(matches!(l.ty, T::Bool | T::Dynamic) && matches!(r.ty, T::Bool | T::Dynamic)) {
                    return Err(mismatch("both sides of `and`/`or` must be bool conditions"));
                }
                T::Bool
            }
            BinaryOp::Str(_) => {
                if !r.ty.is_textual() {
                    return Err(mismatch("the right side of a string operator must be a string"));
                }
                T::Bool
            }
        };
        Ok(fold_constant(&TExpr { kind: TExprKind::Binary { op, lhs: Box::new(l), rhs: Box::new(r) }, ty, span }))
    }

    fn call(&self, func: &Ident, args: &[Expr], span: Span) -> Result<TExpr> {
        if let Some(def) = self.scope.functions.get(&func.name) {
            return self.user_call(def, func, args);
        }
        if let Some(e) = self.special_call(func, args, span)? {
            return Ok(e);
        }
        let Some(f) = lookup(&func.name) else {
            if KNOWN_UNSUPPORTED.contains(&func.name.as_str()) {
                let help = match crate::functions::offline_reason(&func.name) {
                    Some(why) => format!("`{}` cannot run here: {why}", func.name),
                    None => "run `flowkql functions` for the functions supported today".to_string(),
                };
                return Err(Error::unsupported(func.span, format!("the function `{}`", func.name)).with_help(help));
            }
            let mut e = Error::semantic(func.span, format!("unknown function `{}`", func.name));
            if let Some(n) = nearest(&func.name, FUNCTIONS.iter().map(|f| f.name)) {
                e = e.with_help(format!("did you mean `{n}`?"));
            }
            return Err(e);
        };
        if args.len() < f.min_args || args.len() > f.max_args {
            let expected = if f.min_args == f.max_args {
                format!("{}", f.min_args)
            } else if f.max_args == usize::MAX {
                format!("at least {}", f.min_args)
            } else {
                format!("{} to {}", f.min_args, f.max_args)
            };
            return Err(Error::semantic(span, format!("`{}` takes {expected} argument(s), got {}", f.name, args.len()))
                .with_help(format!("usage: {}", f.signature)));
        }
        let agg_args = match (f.kind, self.agg) {
            (FnKind::Aggregate, None) => {
                return Err(Error::semantic(func.span, format!("`{}` is an aggregation: use it in `summarize`", f.name)));
            }
            (FnKind::Aggregate, Some(AggState { inside: true })) => {
                return Err(Error::semantic(func.span, format!("aggregations cannot be nested: `{}` inside another aggregation", f.name)));
            }
            (FnKind::Aggregate, Some(_)) => Some(AggState { inside: true }),
            (FnKind::Scalar, a) => a,
        };
        let inner = self.with_agg(agg_args);
        let mut targs = Vec::with_capacity(args.len());
        for a in args {
            if a.kind == ExprKind::Star && f.name == "count" {
                continue;
            }
            targs.push(inner.check(a)?);
        }
        let ty = call_type(f, &targs, span)?;
        let call = TExpr { kind: TExprKind::Call { func: f, args: targs }, ty, span };
        Ok(self.fold_time(call))
    }

    /// Calls that look at the row's columns or at a type argument rather than at values:
    /// `column_ifexists`, `pack_all`, `bag_pack_columns`, `extract_json(path, text, typeof(T))`.
    fn special_call(&self, func: &Ident, args: &[Expr], span: Span) -> Result<Option<TExpr>> {
        let string_arg = |e: &Expr| match &e.kind {
            ExprKind::Literal(Literal::String(s)) => Ok(s.clone()),
            _ => Err(Error::semantic(e.span, format!("`{}` needs a string literal here", func.name))),
        };
        let bag_of = |names: Vec<(String, Span)>| -> Result<TExpr> {
            let mut pairs = Vec::new();
            for (n, at) in names {
                pairs.push(TExpr::literal(Literal::String(n.clone()), at));
                pairs.push(self.name(&n, at)?);
            }
            let f = lookup("bag_pack").ok_or_else(|| Error::unsupported(span, "bag_pack"))?;
            Ok(TExpr { kind: TExprKind::Call { func: f, args: pairs }, ty: T::Dynamic, span })
        };
        Ok(Some(match (func.name.as_str(), args) {
            // column-ifexists-function.md: the column when the input has it, else the default.
            ("column_ifexists", [name, default]) => {
                let n = string_arg(name)?;
                match self.schema.get(&n) {
                    Some(_) => self.name(&n, name.span)?,
                    None => self.check(default)?,
                }
            }
            ("pack_all", []) => bag_of(self.schema.columns.iter().map(|c| (c.0.clone(), span)).collect())?,
            ("pack_all", [flag]) => match &flag.kind {
                ExprKind::Literal(Literal::Bool(false)) => bag_of(self.schema.columns.iter().map(|c| (c.0.clone(), span)).collect())?,
                _ => return Err(Error::unsupported(flag.span, "`pack_all(true)` (leaving out null and empty values)")),
            },
            ("bag_pack_columns", cols) if !cols.is_empty() => {
                let mut names = Vec::new();
                for c in cols {
                    match &c.kind {
                        ExprKind::Name(n) => names.push((n.clone(), c.span)),
                        _ => return Err(Error::semantic(c.span, "`bag_pack_columns` takes column names")),
                    }
                }
                bag_of(names)?
            }
            ("extract_json" | "extractjson", [path, text, ty]) => {
                let type_name = match &ty.kind {
                    ExprKind::Call { func: t, args } if t.name == "typeof" && args.len() == 1 => match &args[0].kind {
                        ExprKind::Name(n) => n.clone(),
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                let Some(result) = KqlType::from_name(&type_name) else {
                    return Err(Error::semantic(
                        ty.span,
                        "the third argument of `extract_json` is a type: typeof(long), typeof(string), ...",
                    ));
                };
                let f = lookup(&func.name).ok_or_else(|| Error::unsupported(span, "extract_json"))?;
                let checked = vec![self.check(path)?, self.check(text)?];
                TExpr { kind: TExprKind::Call { func: f, args: checked }, ty: result, span }
            }
            _ => return Ok(None),
        }))
    }

    /// `* has "x"` (and the other string operators): true when any column's text passes
    /// (for a negated operator, when every column's does), as `search` looks in every
    /// column; non-string columns are compared by their `tostring` text.
    fn every_column(&self, op: StringOp, rhs: &Expr, span: Span) -> Result<TExpr> {
        let r = self.check(rhs)?;
        if !r.ty.is_textual() {
            return Err(Error::semantic(rhs.span, format!("`*` is compared with text here, not {}", r.ty)));
        }
        let tostring = lookup("tostring").ok_or_else(|| Error::runtime("tostring missing from the registry"))?;
        let join = if op.negated { BinaryOp::And } else { BinaryOp::Or };
        let mut out: Option<TExpr> = None;
        for (name, ty) in &self.schema.columns {
            let mut l = column(name, *ty, span);
            if *ty != T::String {
                l = TExpr { kind: TExprKind::Call { func: tostring, args: vec![l] }, ty: T::String, span };
            }
            let test =
                TExpr { kind: TExprKind::Binary { op: BinaryOp::Str(op), lhs: Box::new(l), rhs: Box::new(r.clone()) }, ty: T::Bool, span };
            out = Some(match out {
                None => test,
                Some(prev) => TExpr { kind: TExprKind::Binary { op: join, lhs: Box::new(prev), rhs: Box::new(test) }, ty: T::Bool, span },
            });
        }
        Ok(out.unwrap_or_else(|| TExpr::literal(Literal::Bool(op.negated), span)))
    }

    /// A user-defined scalar function: its body checked with the parameters bound to
    /// the arguments, in place of the call.
    fn user_call(&self, def: &FunctionDef, func: &Ident, args: &[Expr]) -> Result<TExpr> {
        let values = args.iter().map(|a| self.check(a)).collect::<Result<Vec<_>>>()?;
        let inner = super::function_scope(def, func, values, self.scope, self.catalog)?;
        match &def.body {
            LetValue::Scalar(e) => {
                let empty = Schema::default();
                Checker { schema: &empty, scope: &inner, catalog: self.catalog, agg: self.agg }.check(e)
            }
            _ => {
                Err(Error::semantic(func.span, format!("`{}` returns a table; use it as a table, e.g. `{}() | ...`", func.name, func.name)))
            }
        }
    }

    /// `now()` and `ago(constant)` become datetime literals: `now()` is fixed for the
    /// whole query, as in Kusto, and a literal keeps predicate pushdown possible.
    fn fold_time(&self, call: TExpr) -> TExpr {
        let TExprKind::Call { func, args } = &call.kind else {
            return call;
        };
        let now = self.catalog.now;
        let offset = match (func.name, args.as_slice()) {
            ("now", []) => Some(0),
            ("now", [a]) => match fold_constant(a).as_literal() {
                Some(Literal::TimeSpan(ns)) => Some(*ns),
                _ => None,
            },
            ("ago", [a]) => match fold_constant(a).as_literal() {
                Some(Literal::TimeSpan(ns)) => Some(-*ns),
                _ => None,
            },
            _ => None,
        };
        if let Some(off) = offset {
            return TExpr::literal(Literal::DateTime(now.saturating_add(off)), call.span);
        }
        fold_constant(&fold_conversion(call))
    }

    /// `percentiles(x, p1, p2, ...)`: one `percentile(x, p)` column per p, named
    /// `percentile_x_p`.
    /// `percentiles(x, p1, ...)` and `percentilesw(x, weight, p1, ...)`: one
    /// `percentile(x, p)` (or `percentilew`) column per p, named `percentile_x_p`.
    fn percentiles(&self, func: &Ident, args: &[Expr], item: &NamedExpr) -> Result<Vec<(String, TExpr)>> {
        let (single, fixed) = if func.name == "percentilesw" { ("percentilew", 2) } else { ("percentile", 1) };
        if args.len() <= fixed {
            let usage = if fixed == 2 { "percentilesw(x, weight, 50, 95)" } else { "percentiles(x, 50, 95)" };
            return Err(Error::semantic(item.span, format!("`{}` needs a value and at least one percentile", func.name)).with_help(usage));
        }
        let mut out = Vec::new();
        for p in &args[fixed..] {
            let mut call_args = args[..fixed].to_vec();
            call_args.push(p.clone());
            let call =
                Expr { kind: ExprKind::Call { func: Ident { name: single.into(), span: func.span }, args: call_args }, span: item.span };
            let e = self.check(&call)?;
            let name = expr_name(&call).unwrap_or_else(|| format!("percentile_{}", out.len()));
            out.push((name, e));
        }
        Ok(out)
    }

    fn arg_extreme(&self, func: &Ident, args: &[Expr], item: &NamedExpr, keys: &[String]) -> Result<Vec<(String, TExpr)>> {
        let Some(f) = lookup(&func.name) else {
            return Err(Error::semantic(func.span, "unknown function"));
        };
        let inner = self.with_agg(Some(AggState { inside: true }));
        let Some(first) = args.first() else {
            return Err(
                Error::semantic(item.span, format!("`{}` needs at least the expression to maximize", f.name)).with_help(f.signature)
            );
        };
        let by = inner.check(first)?;
        let mut out = Vec::new();
        let by_name = match &item.name {
            Some(id) => id.name.clone(),
            None => expr_name(first).unwrap_or_else(|| format!("{}_", f.name)),
        };
        let mk = |value: TExpr| TExpr { ty: value.ty, span: item.span, kind: TExprKind::Call { func: f, args: vec![by.clone(), value] } };
        out.push((by_name, mk(by.clone())));
        for a in &args[1..] {
            if a.kind == ExprKind::Star {
                for (n, t) in &self.schema.columns {
                    if keys.contains(n) || Some(n.as_str()) == expr_name(first).as_deref() {
                        continue;
                    }
                    out.push((n.clone(), mk(column(n, *t, a.span))));
                }
                continue;
            }
            let v = inner.check(a)?;
            let name = expr_name(a).unwrap_or_else(|| format!("{}_", f.name));
            out.push((name, mk(v)));
        }
        Ok(out)
    }
}

/// Conversions of constants become constants (`todatetime('2022-11-13')` is a datetime
/// literal), so a filter on them keeps its file-statistics pushdown.
fn fold_conversion(call: TExpr) -> TExpr {
    let TExprKind::Call { func, args } = &call.kind else { return call };
    let [arg] = args.as_slice() else { return call };
    let Some(lit) = fold_constant(arg).as_literal().cloned() else { return call };
    let folded = match (func.name, &lit) {
        ("todatetime", Literal::String(s)) => {
            Some(crate::syntax::lex::parse_datetime_text(s).map(Literal::DateTime).unwrap_or(Literal::Null(T::DateTime)))
        }
        ("todatetime", Literal::DateTime(_)) => Some(lit.clone()),
        ("totimespan", Literal::String(s)) => {
            Some(crate::syntax::lex::parse_timespan_text(s).map(Literal::TimeSpan).unwrap_or(Literal::Null(T::TimeSpan)))
        }
        ("totimespan", Literal::TimeSpan(_)) => Some(lit.clone()),
        ("tolong", Literal::Long(_) | Literal::Int(_)) | ("toint", Literal::Int(_)) => literal_to_type(&lit, call.ty),
        ("todouble" | "toreal", Literal::Long(_) | Literal::Int(_) | Literal::Real(_)) => literal_to_type(&lit, T::Real),
        _ => None,
    };
    match folded {
        Some(l) => TExpr { kind: TExprKind::Literal(l), ty: call.ty, span: call.span },
        None => call,
    }
}

/// Whether `==`/`<` and friends are defined between two types.
/// An element of a dynamic array in an `in` list, as the constant it compares as (null
/// matches nothing and is dropped).
fn json_element(v: &serde_json::Value) -> Option<Literal> {
    use serde_json::Value as J;
    match v {
        J::Null => None,
        J::Bool(b) => Some(Literal::Bool(*b)),
        J::Number(n) => Some(n.as_i64().map(Literal::Long).unwrap_or_else(|| Literal::Real(n.as_f64().unwrap_or(f64::NAN)))),
        J::String(s) => Some(Literal::String(s.clone())),
        other => Some(Literal::Dynamic(other.clone())),
    }
}

fn comparable(a: KqlType, b: KqlType) -> bool {
    a == b || (a.is_numeric() && b.is_numeric()) || (a.is_textual() && b.is_textual()) || a == T::Dynamic || b == T::Dynamic
}

fn numeric_result(a: KqlType, b: KqlType) -> KqlType {
    if matches!(a, T::Real | T::Decimal) || matches!(b, T::Real | T::Decimal) {
        T::Real
    } else {
        T::Long
    }
}

/// The result type of `a op b` for arithmetic, per Kusto (int arithmetic widens to long).
pub fn arithmetic_type(op: BinaryOp, a: KqlType, b: KqlType) -> Option<KqlType> {
    use BinaryOp::*;
    Some(match (op, a, b) {
        (_, a, b) if a.is_numeric() && b.is_numeric() => numeric_result(a, b),
        (Add, T::DateTime, T::TimeSpan) | (Add, T::TimeSpan, T::DateTime) | (Sub, T::DateTime, T::TimeSpan) => T::DateTime,
        (Sub, T::DateTime, T::DateTime) => T::TimeSpan,
        (Add | Sub, T::TimeSpan, T::TimeSpan) => T::TimeSpan,
        (Mul, T::TimeSpan, n) | (Mul, n, T::TimeSpan) if n.is_numeric() => T::TimeSpan,
        (Div, T::TimeSpan, n) if n.is_numeric() => T::TimeSpan,
        (Div, T::TimeSpan, T::TimeSpan) => T::Real,
        _ => return None,
    })
}

fn expect(f: &Function, arg: &TExpr, n: usize, ok: bool, wanted: &str) -> Result<()> {
    if ok {
        return Ok(());
    }
    Err(Error::semantic(arg.span, format!("argument {} of `{}` must be {wanted}, but it is {}", n + 1, f.name, arg.ty))
        .with_help(format!("usage: {}", f.signature)))
}

fn is_integer(t: KqlType) -> bool {
    matches!(t, T::Int | T::Long)
}

/// The result type of a call, after checking its arguments' types.
fn call_type(f: &Function, args: &[TExpr], span: Span) -> Result<KqlType> {
    let arg = |n: usize| &args[n];
    let ty = |n: usize| args[n].ty;
    let textual = |n: usize, what: &str| expect(f, arg(n), n, ty(n).is_textual(), what);
    let boolean = |n: usize| expect(f, arg(n), n, matches!(ty(n), T::Bool | T::Dynamic), "bool");
    let datetime = |n: usize| expect(f, arg(n), n, ty(n) == T::DateTime, "datetime");
    let numeric = |n: usize| expect(f, arg(n), n, ty(n).is_numeric(), "a number");
    let integer = |n: usize| expect(f, arg(n), n, is_integer(ty(n)), "a whole number (int or long)");
    Ok(match f.name {
        "iff" | "iif" => {
            boolean(0)?;
            unify(f, &args[1..], span)?
        }
        "case" => {
            if args.len().is_multiple_of(2) {
                return Err(Error::semantic(
                    span,
                    "`case` takes condition/value pairs and a final else value (an odd number of arguments)",
                ));
            }
            let mut values = Vec::new();
            for pair in args[..args.len() - 1].chunks(2) {
                expect(f, &pair[0], 0, matches!(pair[0].ty, T::Bool | T::Dynamic), "bool")?;
                values.push(pair[1].clone());
            }
            values.push(args[args.len() - 1].clone());
            unify(f, &values, span)?
        }
        "coalesce" => unify(f, args, span)?,
        "isempty" | "isnotempty" | "isnull" | "isnotnull" => T::Bool,
        "not" => {
            boolean(0)?;
            T::Bool
        }
        "tostring" => T::String,
        "toint" => T::Int,
        "tolong" => T::Long,
        "todouble" | "toreal" => T::Real,
        "tobool" | "toboolean" => T::Bool,
        "todatetime" => T::DateTime,
        "totimespan" => T::TimeSpan,
        "strcat" => T::String,
        "strlen" => T::Long,
        "substring" => {
            integer(1)?;
            if args.len() == 3 {
                integer(2)?;
            }
            T::String
        }
        "tolower" | "toupper" => {
            textual(0, "a string")?;
            T::String
        }
        "trim" | "trim_start" | "trim_end" => {
            textual(0, "a string (a regular expression)")?;
            T::String
        }
        "replace_string" => {
            for n in 0..3 {
                textual(n, "a string")?;
            }
            T::String
        }
        "extract" => {
            textual(0, "a string (a regular expression)")?;
            integer(1)?;
            T::String
        }
        "split" => {
            textual(0, "a string")?;
            textual(1, "a string")?;
            if args.len() == 3 {
                integer(2)?;
            }
            T::Dynamic
        }
        "array_length" => {
            expect(f, arg(0), 0, ty(0) == T::Dynamic, "dynamic (an array)")?;
            T::Long
        }
        "now" => {
            if args.len() == 1 {
                expect(f, arg(0), 0, ty(0) == T::TimeSpan, "a timespan")?;
            }
            T::DateTime
        }
        "ago" => {
            expect(f, arg(0), 0, ty(0) == T::TimeSpan, "a timespan")?;
            T::DateTime
        }
        "bin" | "floor" => {
            let ok = match (ty(0), ty(1)) {
                (T::DateTime, T::TimeSpan) | (T::TimeSpan, T::TimeSpan) => true,
                (a, b) => a.is_numeric() && b.is_numeric(),
            };
            expect(f, arg(1), 1, ok, "a bin size of the value's kind (a timespan for datetimes, a number for numbers)")?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "startofday" | "startofweek" | "startofmonth" | "startofyear" | "endofday" => {
            datetime(0)?;
            if args.len() == 2 {
                integer(1)?;
            }
            T::DateTime
        }
        "datetime_part" => {
            textual(0, "a part name string")?;
            datetime(1)?;
            T::Int
        }
        "format_datetime" => {
            datetime(0)?;
            textual(1, "a format string")?;
            T::String
        }
        "dayofweek" => {
            datetime(0)?;
            T::TimeSpan
        }
        "dayofmonth" | "hourofday" | "getmonth" | "monthofyear" | "getyear" => {
            datetime(0)?;
            T::Int
        }
        "round" => {
            numeric(0)?;
            if args.len() == 2 {
                integer(1)?;
            }
            ty(0)
        }
        "abs" => {
            expect(f, arg(0), 0, ty(0).is_numeric() || ty(0) == T::TimeSpan, "a number or a timespan")?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "ipv4_is_match" | "ipv4_compare" => {
            textual(0, "a string (an IPv4 address)")?;
            textual(1, "a string (an IPv4 address)")?;
            if args.len() == 3 {
                integer(2)?;
            }
            if f.name == "ipv4_compare" {
                T::Long
            } else {
                T::Bool
            }
        }
        "ipv4_is_in_range" => {
            textual(0, "a string (an IPv4 address)")?;
            textual(1, "a string (an IPv4 range)")?;
            T::Bool
        }
        "ipv4_is_private" => {
            textual(0, "a string (an IPv4 address)")?;
            T::Bool
        }
        "unixtime_seconds_todatetime" | "unixtime_milliseconds_todatetime" => {
            numeric(0)?;
            T::DateTime
        }
        "dayofyear" => {
            datetime(0)?;
            T::Int
        }
        "endofweek" | "endofmonth" | "endofyear" => {
            datetime(0)?;
            if args.len() == 2 {
                integer(1)?;
            }
            T::DateTime
        }
        "sign" => {
            numeric(0)?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "isinf" => {
            numeric(0)?;
            T::Bool
        }
        "strcmp" => {
            textual(0, "a string")?;
            textual(1, "a string")?;
            T::Long
        }
        "bin_at" => {
            let ok = match (ty(0), ty(1), ty(2)) {
                (T::DateTime, T::TimeSpan, T::DateTime) | (T::TimeSpan, T::TimeSpan, T::TimeSpan) => true,
                (a, b, c) => a.is_numeric() && b.is_numeric() && c.is_numeric(),
            };
            expect(f, arg(2), 2, ok, "an anchor of the value's kind, with a size of its kind")?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "parse_ipv6" => {
            textual(0, "a string (an IPv6 or IPv4 address)")?;
            T::String
        }
        "ipv6_compare" | "ipv6_is_match" => {
            textual(0, "a string (an IPv6 or IPv4 address)")?;
            textual(1, "a string (an IPv6 or IPv4 address)")?;
            if args.len() == 3 {
                integer(2)?;
            }
            if f.name == "ipv6_compare" {
                T::Long
            } else {
                T::Bool
            }
        }
        "parse_ipv4" => {
            textual(0, "a string (an IPv4 address)")?;
            T::Long
        }
        "max_of" | "min_of" => {
            for (n, a) in args.iter().enumerate() {
                expect(
                    f,
                    a,
                    n,
                    a.ty.is_numeric() || matches!(a.ty, T::DateTime | T::TimeSpan | T::String),
                    "a number, datetime, timespan or string",
                )?;
            }
            unify(f, args, span)?
        }
        "ceiling" => {
            numeric(0)?;
            ty(0)
        }
        "sqrt" | "exp" | "log" | "log10" | "log2" => {
            numeric(0)?;
            T::Real
        }
        "pow" => {
            numeric(0)?;
            numeric(1)?;
            T::Real
        }
        "isnan" => {
            numeric(0)?;
            T::Bool
        }
        "countof" => {
            textual(1, "a string")?;
            T::Long
        }
        "indexof" | "indexof_regex" => {
            textual(1, "a string")?;
            for n in 2..args.len() {
                integer(n)?;
            }
            T::Long
        }
        "replace_regex" => {
            textual(1, "a string (a regular expression)")?;
            textual(2, "a string")?;
            T::String
        }
        "extract_all" => {
            textual(0, "a string (a regular expression)")?;
            if args.len() == 3 {
                expect(f, arg(1), 1, ty(1) == T::Dynamic, "a dynamic array of capture groups")?;
            }
            T::Dynamic
        }
        "reverse" | "url_decode" => T::String,
        "strcat_delim" => {
            textual(0, "a string delimiter")?;
            T::String
        }
        "datetime_add" => {
            textual(0, "a part name string")?;
            integer(1)?;
            datetime(2)?;
            T::DateTime
        }
        "datetime_diff" => {
            textual(0, "a part name string")?;
            datetime(1)?;
            datetime(2)?;
            T::Long
        }
        "format_bytes" => {
            numeric(0)?;
            if args.len() >= 2 {
                integer(1)?;
            }
            if args.len() == 3 {
                textual(2, "a units string")?;
            }
            T::String
        }
        "ipv4_is_in_any_range" => {
            textual(0, "a string (an IPv4 address)")?;
            for n in 1..args.len() {
                expect(f, arg(n), n, ty(n).is_textual(), "a string range or a dynamic array of ranges")?;
            }
            T::Bool
        }
        "ipv4_netmask_suffix" => {
            textual(0, "a string (an IPv4 address)")?;
            T::Long
        }
        "format_ipv4" | "format_ipv4_mask" => {
            textual(0, "a string (an IPv4 address)")?;
            if args.len() == 2 {
                integer(1)?;
            }
            T::String
        }
        "parse_json" | "todynamic" | "parsejson" => T::Dynamic,
        "pack" | "bag_pack" => {
            if !args.len().is_multiple_of(2) {
                return Err(Error::semantic(span, format!("`{}` takes key/value pairs (an even number of arguments)", f.name)));
            }
            for n in (0..args.len()).step_by(2) {
                textual(n, "a string key")?;
            }
            T::Dynamic
        }
        "pack_array" => T::Dynamic,
        "array_concat" | "set_union" | "set_intersect" => {
            for n in 0..args.len() {
                expect(f, arg(n), n, ty(n) == T::Dynamic, "a dynamic array")?;
            }
            T::Dynamic
        }
        "array_slice" => {
            expect(f, arg(0), 0, ty(0) == T::Dynamic, "a dynamic array")?;
            integer(1)?;
            integer(2)?;
            T::Dynamic
        }
        "strcat_array" | "array_strcat" => {
            expect(f, arg(0), 0, ty(0) == T::Dynamic, "a dynamic array")?;
            textual(1, "a string delimiter")?;
            T::String
        }
        "bag_keys" => {
            expect(f, arg(0), 0, ty(0) == T::Dynamic, "a dynamic property bag")?;
            T::Dynamic
        }
        "row_number" => {
            if !args.is_empty() {
                integer(0)?;
            }
            if args.len() == 2 {
                boolean(1)?;
            }
            T::Long
        }
        "prev" | "next" => {
            if args.len() >= 2 {
                integer(1)?;
            }
            if args.len() == 3 && args[2].ty != ty(0) && !(args[2].ty.is_numeric() && ty(0).is_numeric()) {
                expect(f, arg(2), 2, false, &format!("a default of the column's type ({})", ty(0)))?;
            }
            ty(0)
        }
        // Aggregates
        "count" => T::Long,
        "dcountif" => {
            boolean(1)?;
            T::Long
        }
        "count_distinct" => T::Long,
        "make_set_if" | "make_list_if" => {
            boolean(1)?;
            if args.len() == 3 {
                integer(2)?;
            }
            T::Dynamic
        }
        "makeset" | "makelist" | "make_bag" => {
            if args.len() == 2 {
                integer(1)?;
            }
            T::Dynamic
        }
        "percentiles" => {
            expect(f, arg(0), 0, ty(0).is_numeric() || matches!(ty(0), T::DateTime | T::TimeSpan), "a number, datetime or timespan")?;
            for n in 1..args.len() {
                numeric(n)?;
            }
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "countif" => {
            boolean(0)?;
            T::Long
        }
        "dcount" => T::Long,
        "sum" | "sumif" => {
            if f.name == "sumif" {
                boolean(1)?;
            }
            expect(f, arg(0), 0, ty(0).is_numeric() || ty(0) == T::TimeSpan, "a number or a timespan")?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "avg" | "avgif" => {
            if f.name == "avgif" {
                boolean(1)?;
            }
            numeric(0)?;
            T::Real
        }
        "stdev" | "variance" => {
            numeric(0)?;
            T::Real
        }
        "min" | "max" | "minif" | "maxif" => {
            if f.name.ends_with("if") {
                boolean(1)?;
            }
            expect(f, arg(0), 0, ty(0) != T::Dynamic, "a scalar (not dynamic)")?;
            ty(0)
        }
        "make_set" | "make_list" => {
            if args.len() == 2 {
                integer(1)?;
            }
            T::Dynamic
        }
        "percentile" => {
            expect(f, arg(0), 0, ty(0).is_numeric() || matches!(ty(0), T::DateTime | T::TimeSpan), "a number, datetime or timespan")?;
            numeric(1)?;
            match ty(0) {
                T::Int => T::Long,
                t => t,
            }
        }
        "take_any" | "any" => ty(0),
        "take_anyif" => {
            boolean(1)?;
            ty(0)
        }
        "arg_max" | "arg_min" => {
            expect(f, arg(0), 0, ty(0) != T::Dynamic, "a scalar to maximize")?;
            args.get(1).map(|a| a.ty).unwrap_or(ty(0))
        }
        other => match super::signatures::call_type(f, args)? {
            Some(t) => t,
            None => return Err(Error::unsupported(span, format!("the function `{other}`"))),
        },
    })
}

/// The common type of branch values (`iff`, `case`, `coalesce`).
fn unify(f: &Function, values: &[TExpr], span: Span) -> Result<KqlType> {
    let mut ty: Option<KqlType> = None;
    for v in values {
        // A null literal takes the other branches' type.
        if matches!(v.kind, TExprKind::Literal(Literal::Null(_))) {
            continue;
        }
        ty = Some(match ty {
            None => v.ty,
            Some(t) if t == v.ty => t,
            Some(t) if t.is_numeric() && v.ty.is_numeric() => numeric_result(t, v.ty),
            Some(t) if t.is_textual() && v.ty.is_textual() => T::String,
            Some(t) => {
                return Err(Error::semantic(
                    v.span,
                    format!("the values of `{}` must have one type; this one is {} and an earlier one {}", f.name, v.ty, t),
                )
                .with_help("convert them to one type, e.g. with tostring()"))
            }
        });
    }
    Ok(ty.or_else(|| values.first().map(|v| v.ty)).unwrap_or_else(|| {
        let _ = span;
        T::String
    }))
}

/// Evaluates operations on constants (`1024*1024`, `-1h`), so the plan holds literals.
pub fn fold_constant(e: &TExpr) -> TExpr {
    let folded = match &e.kind {
        TExprKind::Unary { op: UnaryOp::Neg, operand } => match operand.as_literal() {
            Some(Literal::Long(n)) => n.checked_neg().map(Literal::Long),
            Some(Literal::Int(n)) => Some(Literal::Long(-(*n as i64))),
            Some(Literal::Real(f)) => Some(Literal::Real(-f)),
            Some(Literal::TimeSpan(n)) => n.checked_neg().map(Literal::TimeSpan),
            _ => None,
        },
        TExprKind::Unary { op: UnaryOp::Plus, operand } => operand.as_literal().cloned(),
        TExprKind::Binary { op, lhs, rhs } => match (lhs.as_literal(), rhs.as_literal()) {
            (Some(a), Some(b)) => fold_binary(*op, a, b),
            _ => None,
        },
        // `bin(ago(7d), 1h)`: a constant bin of a constant time stays a literal, so it can
        // bound `make-series` and reach Parquet statistics.
        TExprKind::Call { func, args } if matches!(func.name, "bin" | "floor") => match (args[0].as_literal(), args[1].as_literal()) {
            (Some(Literal::DateTime(ns)), Some(Literal::TimeSpan(size))) if *size > 0 => {
                Some(Literal::DateTime(bin_datetime_ns(*ns, *size)))
            }
            _ => None,
        },
        _ => None,
    };
    match folded {
        Some(lit) if lit.kql_type() == e.ty || matches!(lit, Literal::Null(_)) => {
            TExpr { kind: TExprKind::Literal(lit), ty: e.ty, span: e.span }
        }
        _ => e.clone(),
    }
}

/// A datetime rounded down to a multiple of `size` counted from 0001-01-01, as Kusto's
/// `bin` counts ticks (the same rule the column kernel applies).
fn bin_datetime_ns(ns: i64, size: i64) -> i64 {
    const NANOS_0001_TO_1970: i128 = 719_162 * 86_400 * 1_000_000_000;
    let shifted = ns as i128 + NANOS_0001_TO_1970;
    (ns as i128 - shifted.rem_euclid(size as i128)) as i64
}

fn as_i64(l: &Literal) -> Option<i64> {
    match l {
        Literal::Long(n) => Some(*n),
        Literal::Int(n) => Some(*n as i64),
        _ => None,
    }
}

fn as_f64(l: &Literal) -> Option<f64> {
    match l {
        Literal::Real(f) => Some(*f),
        other => as_i64(other).map(|n| n as f64),
    }
}

fn fold_binary(op: BinaryOp, a: &Literal, b: &Literal) -> Option<Literal> {
    use BinaryOp::*;
    if let (Some(x), Some(y)) = (as_i64(a), as_i64(b)) {
        return match op {
            Add => x.checked_add(y).map(Literal::Long),
            Sub => x.checked_sub(y).map(Literal::Long),
            Mul => x.checked_mul(y).map(Literal::Long),
            // Kusto's integer division truncates toward zero, like Rust's.
            Div if y != 0 => x.checked_div(y).map(Literal::Long),
            Mod if y != 0 => x.checked_rem(y).map(Literal::Long),
            _ => None,
        };
    }
    if let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) {
        return match op {
            Add => Some(Literal::Real(x + y)),
            Sub => Some(Literal::Real(x - y)),
            Mul => Some(Literal::Real(x * y)),
            Div => Some(Literal::Real(x / y)),
            Mod => Some(Literal::Real(x % y)),
            _ => None,
        };
    }
    match (op, a, b) {
        (Add, Literal::TimeSpan(x), Literal::TimeSpan(y)) => x.checked_add(*y).map(Literal::TimeSpan),
        (Sub, Literal::TimeSpan(x), Literal::TimeSpan(y)) => x.checked_sub(*y).map(Literal::TimeSpan),
        (Add, Literal::DateTime(x), Literal::TimeSpan(y)) | (Add, Literal::TimeSpan(y), Literal::DateTime(x)) => {
            x.checked_add(*y).map(Literal::DateTime)
        }
        (Sub, Literal::DateTime(x), Literal::TimeSpan(y)) => x.checked_sub(*y).map(Literal::DateTime),
        (Sub, Literal::DateTime(x), Literal::DateTime(y)) => x.checked_sub(*y).map(Literal::TimeSpan),
        (Mul, Literal::TimeSpan(x), n) | (Mul, n, Literal::TimeSpan(x)) => match n {
            Literal::Real(f) => Some(Literal::TimeSpan((*x as f64 * f).round() as i64)),
            other => as_i64(other).and_then(|k| x.checked_mul(k)).map(Literal::TimeSpan),
        },
        (Div, Literal::TimeSpan(x), Literal::TimeSpan(y)) if *y != 0 => Some(Literal::Real(*x as f64 / *y as f64)),
        (Div, Literal::TimeSpan(x), n) => as_f64(n).filter(|d| *d != 0.0).map(|d| Literal::TimeSpan((*x as f64 / d).round() as i64)),
        _ => None,
    }
}

/// Converts a constant to a column's type where Kusto would (a long literal into a real
/// column, say), or `None` when the value does not fit.
pub fn literal_to_type(lit: &Literal, ty: KqlType) -> Option<Literal> {
    if lit.kql_type() == ty {
        return Some(lit.clone());
    }
    Some(match (lit, ty) {
        (Literal::Null(_), t) => Literal::Null(t),
        (Literal::Long(n), T::Int) => Literal::Int(i32::try_from(*n).ok()?),
        (Literal::Int(n), T::Long) => Literal::Long(*n as i64),
        (Literal::Long(n), T::Real | T::Decimal) => Literal::Real(*n as f64),
        (Literal::Int(n), T::Real | T::Decimal) => Literal::Real(*n as f64),
        (Literal::Real(f), T::Decimal) => Literal::Real(*f),
        (Literal::String(s), T::Guid) => Literal::Guid(s.to_ascii_lowercase()),
        (l, T::Dynamic) => Literal::Dynamic(crate::syntax::lex_format::literal_to_json(l)),
        _ => return None,
    })
}
