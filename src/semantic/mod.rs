//! Semantic checking: the AST against table schemas, to a typed logical plan
//! ([`check_query`]). Names are resolved here (with "did you mean" help), types
//! computed, and result columns named the way Kusto names them, so every later stage
//! can trust the plan.

mod expr;
mod external;
mod multi;
mod naming;
mod pivot;
mod search;
mod signatures;
mod subquery;
mod unpack;

use crate::error::{nearest, Error, Result};
use crate::plan::{AggColumn, CheckedQuery, JoinKind, KvMode, KvSpec, NestedLevel, Node, Plan, ScanStepPlan, SortSpec, TExpr, TExprKind};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::types::{KqlType, Schema};
use std::collections::HashMap;

pub use expr::{fold_constant, literal_to_type};
pub use naming::unique_name;
pub use unpack::{SlotFinder, Slots};

/// What a query can see: table schemas by name, and the fixed time `now()` returns.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub tables: HashMap<String, Schema>,
    /// Nanoseconds since the epoch, UTC.
    pub now: i64,
    /// Overrides of top-level scalar `let`s (`--set NAME=VALUE`), as query text.
    pub overrides: HashMap<String, String>,
    /// Learns `bag_unpack` columns from the data, when there is data.
    pub slot_finder: Option<SlotFinder>,
    /// Learns a column's distinct values (as text) from the data, for `pivot`.
    pub value_finder: Option<SlotFinder>,
    /// For a run: the local files bound to `externaldata` URIs (`--externaldata URI=PATH`).
    /// `None` when checking without data, where a URI needs no file.
    pub external: Option<HashMap<String, std::path::PathBuf>>,
    /// Warnings the check raises (a fuzzy union's left-out legs), in order.
    pub warnings: std::cell::RefCell<Vec<Error>>,
}

impl Catalog {
    pub fn new(now: i64) -> Self {
        Catalog {
            tables: HashMap::new(),
            now,
            overrides: HashMap::new(),
            slot_finder: None,
            value_finder: None,
            external: None,
            warnings: Default::default(),
        }
    }

    /// Whether this check is for a run (the session lent its data, see
    /// `Session::check_for_run`), rather than a check without data.
    pub fn for_run(&self) -> bool {
        self.external.is_some()
    }

    pub fn warn(&self, warning: Error) {
        self.warnings.borrow_mut().push(warning);
    }

    /// A catalog holding every built-in table schema.
    pub fn builtin(now: i64) -> Self {
        let mut c = Catalog::new(now);
        for name in crate::schema::builtin_names() {
            if let Some(s) = crate::schema::builtin(name) {
                c.tables.insert(name.to_string(), s);
            }
        }
        c
    }
}

/// Names bound by `let`, visible to the rest of the query.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    scalars: HashMap<String, TExpr>,
    tables: HashMap<String, Plan>,
    functions: HashMap<String, FunctionDef>,
    /// How deep in user-defined function calls: Kusto forbids recursion, and a limit
    /// turns a runaway definition into an error instead of a crash.
    depth: usize,
}

const MAX_CALL_DEPTH: usize = 32;

/// Binds one `let` in `scope`. `overrides` (top-level only) replaces a scalar's value.
fn bind_let(l: &Let, scope: &mut Scope, catalog: &Catalog, overrides: Option<&mut Vec<String>>) -> Result<()> {
    match &l.value {
        LetValue::Scalar(e) => {
            if let ExprKind::Name(n) = &e.kind {
                if let Some(plan) = table_by_name(n, scope, catalog) {
                    scope.tables.insert(l.name.name.clone(), plan);
                    return Ok(());
                }
            }
            let mut value = expr::check_scalar(e, &Schema::default(), scope, catalog)?;
            if let (Some(used), Some(text)) = (overrides, catalog.overrides.get(&l.name.name)) {
                value = override_value(&l.name, text, value.ty, catalog)?;
                used.push(l.name.name.clone());
            }
            scope.scalars.insert(l.name.name.clone(), value);
        }
        LetValue::Tabular(p) => {
            let plan = check_pipeline(p, scope, catalog)?.0;
            scope.tables.insert(l.name.name.clone(), plan);
        }
        LetValue::Function(f) => {
            scope.functions.insert(l.name.name.clone(), (**f).clone());
        }
    }
    Ok(())
}

/// The scope a user-defined function's body runs in: the caller's lets, its parameters
/// bound to the call's argument values (or their defaults), then the body's own lets.
pub(crate) fn function_scope(def: &FunctionDef, name: &Ident, args: Vec<TExpr>, scope: &Scope, catalog: &Catalog) -> Result<Scope> {
    function_scope_with_input(def, name, args, None, scope, catalog)
}

/// As [`function_scope`]; `input` is the table `invoke` passes to the first, tabular,
/// parameter.
fn function_scope_with_input(
    def: &FunctionDef,
    name: &Ident,
    args: Vec<TExpr>,
    input: Option<Plan>,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Scope> {
    if scope.depth >= MAX_CALL_DEPTH {
        return Err(Error::semantic(name.span, format!("`{}` calls functions more than {MAX_CALL_DEPTH} deep", name.name))
            .with_help("Kusto does not allow recursive functions"));
    }
    let (tabular, params): (Vec<&Param>, Vec<&Param>) = def.params.iter().partition(|p| p.ty.is_none());
    let mut inner = scope.clone();
    match (tabular.as_slice(), input) {
        ([], None) => {}
        ([t], Some(plan)) => {
            inner.tables.insert(t.name.name.clone(), plan);
        }
        ([t, ..], None) => {
            return Err(Error::semantic(
                name.span,
                format!("`{}` takes a table (`{}`): call it with `T | invoke {}(...)`", name.name, t.name.name, name.name),
            ));
        }
        ([], Some(_)) => {
            return Err(Error::semantic(name.span, format!("`{}` has no tabular parameter for `invoke` to pass the rows to", name.name)));
        }
        _ => return Err(Error::unsupported(name.span, "functions with several tabular parameters")),
    }
    let required = params.iter().filter(|p| p.default.is_none()).count();
    if args.len() < required || args.len() > params.len() {
        let sig = def.params.iter().map(|p| p.name.name.as_str()).collect::<Vec<_>>().join(", ");
        return Err(Error::semantic(name.span, format!("`{}` takes {} argument(s), got {}", name.name, params.len(), args.len()))
            .with_help(format!("usage: {}({sig})", name.name)));
    }
    inner.depth += 1;
    let mut args = args.into_iter();
    for p in params {
        let Some(ty) = p.ty else { continue };
        let value = match (args.next(), &p.default) {
            (Some(v), _) => v,
            (None, Some(d)) => expr::check_scalar(d, &Schema::default(), scope, catalog)?,
            (None, None) => return Err(Error::semantic(name.span, format!("missing argument `{}`", p.name.name))),
        };
        if value.ty != ty && !(value.ty.is_numeric() && ty.is_numeric()) && !(value.ty.is_textual() && ty.is_textual()) {
            return Err(Error::semantic(value.span, format!("parameter `{}` is {ty}, but the argument is {}", p.name.name, value.ty)));
        }
        inner.scalars.insert(p.name.name.clone(), value);
    }
    for l in &def.lets {
        bind_let(l, &mut inner, catalog, None)?;
    }
    Ok(inner)
}

/// Stage 2: check a parsed query against the catalog and build its logical plan.
pub fn check_query(query: &Query, catalog: &Catalog) -> Result<CheckedQuery> {
    let mut scope = Scope::default();
    let mut used_overrides = Vec::new();
    for p in &query.parameters {
        let value = match (catalog.overrides.get(&p.name.name), &p.default) {
            (Some(text), _) => {
                used_overrides.push(p.name.name.clone());
                override_value(&p.name, text, p.ty, catalog)?
            }
            (None, Some(d)) => {
                let v = fold_constant(&expr::check_scalar(d, &Schema::default(), &scope, catalog)?);
                let lit = v
                    .as_literal()
                    .and_then(|l| literal_to_type(l, p.ty))
                    .ok_or_else(|| Error::semantic(d.span, format!("the default of `{}` must be a {} constant", p.name.name, p.ty)))?;
                TExpr::literal(lit, d.span)
            }
            // A check without data needs only the type; a run needs a value.
            (None, None) if !catalog.for_run() => TExpr { ty: p.ty, ..TExpr::literal(Literal::Null(p.ty), p.name.span) },
            (None, None) => {
                return Err(Error::semantic(p.name.span, format!("the query parameter `{}` has no value", p.name.name)).with_help(format!(
                    "give it one with --set {}=VALUE, or declare a default: `{}:{} = ...`",
                    p.name.name, p.name.name, p.ty
                )))
            }
        };
        scope.scalars.insert(p.name.name.clone(), value);
    }
    for l in &query.lets {
        bind_let(l, &mut scope, catalog, Some(&mut used_overrides))?;
    }
    if let Some(unused) = catalog.overrides.keys().find(|k| !used_overrides.contains(k)) {
        let lets: Vec<&str> =
            query.parameters.iter().map(|p| p.name.name.as_str()).chain(query.lets.iter().map(|l| l.name.name.as_str())).collect();
        let mut e = Error::usage(format!("--set {unused}: the query has no top-level scalar `let {unused}`"));
        if let Some(n) = nearest(unused, lets.iter().copied()) {
            e = e.with_help(format!("did you mean `{n}`?"));
        }
        return Err(e);
    }
    let (plan, render) = check_pipeline(&query.body, &scope, catalog)?;
    Ok(CheckedQuery { plan, render })
}

fn override_value(name: &Ident, text: &str, ty: KqlType, catalog: &Catalog) -> Result<TExpr> {
    let usage = |msg: String| Error::usage(msg);
    let parsed = crate::syntax::parse_query(&format!("print {text}"), false)
        .map_err(|e| usage(format!("--set {}={text}: {}", name.name, e.message)))?;
    let SourceKind::Print(items) = &parsed.query.body.source.kind else {
        return Err(usage(format!("--set {}={text}: not a scalar value", name.name)));
    };
    let [item] = items.as_slice() else {
        return Err(usage(format!("--set {}={text}: give exactly one value", name.name)));
    };
    let value = expr::check_scalar(&item.expr, &Schema::default(), &Scope::default(), catalog)
        .map_err(|e| usage(format!("--set {}={text}: {}", name.name, e.message)))?;
    let value = fold_constant(&value);
    if value.as_literal().is_none() {
        return Err(usage(format!("--set {}={text}: the value must be a constant", name.name)));
    }
    if value.ty != ty && !(value.ty.is_numeric() && ty.is_numeric()) {
        return Err(usage(format!("--set {}={text}: `{}` is {ty} in the query, the value given is {}", name.name, name.name, value.ty))
            .with_help(format!("give a {ty} value, e.g. {}", example_of(ty))));
    }
    Ok(TExpr { span: name.span, ..value })
}

fn example_of(ty: KqlType) -> &'static str {
    match ty {
        KqlType::TimeSpan => "--set timeframe=2h",
        KqlType::DateTime => "--set start=datetime(2022-11-13)",
        KqlType::String => "--set subnet='10.1.1.0/24'",
        KqlType::Bool => "--set flag=true",
        _ => "--set threshold=50",
    }
}

fn table_by_name(name: &str, scope: &Scope, catalog: &Catalog) -> Option<Plan> {
    if let Some(p) = scope.tables.get(name) {
        return Some(p.clone());
    }
    // A tabular function without parameters may be named without parentheses.
    if let Some(def) = scope.functions.get(name).filter(|d| d.params.is_empty()) {
        let ident = Ident { name: name.to_string(), span: def.span };
        return tabular_call(def, &ident, Vec::new(), scope, catalog).ok();
    }
    let schema = catalog.tables.get(name)?;
    Some(Plan { node: Node::Scan { table: name.to_string() }, schema: schema.clone() })
}

fn check_pipeline(p: &Pipeline, scope: &Scope, catalog: &Catalog) -> Result<(Plan, Option<Render>)> {
    let mut plan = check_source(&p.source, scope, catalog)?;
    let mut render = None;
    // `as T` names the rows so far for the operators after it (as-operator.md: a join's
    // right side may read `T`).
    let mut named: Option<Scope> = None;
    for (n, op) in p.ops.iter().enumerate() {
        let scope = named.as_ref().unwrap_or(scope);
        if let OperatorKind::As(name) = &op.kind {
            let mut inner = scope.clone();
            inner.tables.insert(name.name.clone(), plan.clone());
            named = Some(inner);
            continue;
        }
        if let OperatorKind::Render(r) = &op.kind {
            if n + 1 != p.ops.len() {
                return Err(Error::semantic(op.span, "`render` must be the last operator of the query")
                    .with_help("move the operators after `render` before it"));
            }
            render = Some(r.clone());
            continue;
        }
        plan = match (&op.kind, n.checked_sub(1).map(|k| &p.ops[k].kind)) {
            // `... | as T1 | union ...`: the union labels these rows `T1`.
            (OperatorKind::Union(u), Some(OperatorKind::As(name))) => {
                check_union(Some((plan, name.name.clone())), u, op.span, scope, catalog)?
            }
            _ => check_operator(plan, op, scope, catalog)?,
        };
    }
    Ok((plan, render))
}

fn check_source(src: &Source, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    match &src.kind {
        SourceKind::Table(name) => table_by_name(&name.name, scope, catalog).ok_or_else(|| unknown_table(name, scope, catalog)),
        SourceKind::Nested(p) => {
            let (plan, render) = check_pipeline(p, scope, catalog)?;
            if let Some(r) = render {
                return Err(Error::semantic(r.span, "`render` must be the last operator of the query"));
            }
            Ok(plan)
        }
        SourceKind::Union(u) => check_union(None, u, src.span, scope, catalog),
        SourceKind::Search(s) => search::check_search(None, s, src.span, scope, catalog),
        SourceKind::Find(f) => search::check_find(f, src.span, scope, catalog),
        SourceKind::Call { func, args } => {
            let Some(def) = scope.functions.get(&func.name) else {
                return Err(unknown_table(func, scope, catalog));
            };
            let values = args.iter().map(|a| expr::check_scalar(a, &Schema::default(), scope, catalog)).collect::<Result<Vec<_>>>()?;
            tabular_call(def, func, values, scope, catalog)
        }
        SourceKind::Datatable { columns, values } => check_datatable(columns, values, src.span, scope, catalog),
        SourceKind::ExternalData(e) => external::check_externaldata(e, catalog),
        SourceKind::Print(items) => {
            let empty = Schema::default();
            let mut cols: Vec<(String, TExpr)> = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let e = expr::check_scalar(&item.expr, &empty, scope, catalog)?;
                let name = match &item.name {
                    Some(id) => id.name.clone(),
                    None => format!("print_{n}"),
                };
                if cols.iter().any(|(c, _)| *c == name) {
                    return Err(duplicate_column(&name, item.span));
                }
                cols.push((name, e));
            }
            let schema = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            Ok(Plan { node: Node::Print { columns: cols }, schema })
        }
        SourceKind::Range { name, from, to, step } => {
            let empty = Schema::default();
            let from = fold_constant(&expr::check_scalar(from, &empty, scope, catalog)?);
            let to = fold_constant(&expr::check_scalar(to, &empty, scope, catalog)?);
            let step = fold_constant(&expr::check_scalar(step, &empty, scope, catalog)?);
            let ty = match (from.ty, to.ty, step.ty) {
                (KqlType::DateTime, KqlType::DateTime, KqlType::TimeSpan) => KqlType::DateTime,
                (KqlType::TimeSpan, KqlType::TimeSpan, KqlType::TimeSpan) => KqlType::TimeSpan,
                (a, b, c) if a.is_numeric() && b.is_numeric() && c.is_numeric() => {
                    if [a, b, c].iter().any(|t| matches!(t, KqlType::Real | KqlType::Decimal)) {
                        KqlType::Real
                    } else {
                        KqlType::Long
                    }
                }
                (a, b, c) => {
                    return Err(Error::semantic(
                        src.span,
                        format!("`range` needs numbers, or datetimes with a timespan step; got {a}, {b} and {c}"),
                    ));
                }
            };
            for e in [&from, &to, &step] {
                if e.as_literal().is_none() {
                    return Err(Error::semantic(e.span, "`range` bounds and step must be constants"));
                }
            }
            Ok(Plan { node: Node::Range { from, to, step }, schema: Schema::new(vec![(name.name.clone(), ty)]) })
        }
    }
}

fn tabular_call(def: &FunctionDef, name: &Ident, args: Vec<TExpr>, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    tabular_call_with_input(def, name, args, None, scope, catalog)
}

fn tabular_call_with_input(
    def: &FunctionDef,
    name: &Ident,
    args: Vec<TExpr>,
    input: Option<Plan>,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Plan> {
    let inner = function_scope_with_input(def, name, args, input, scope, catalog)?;
    match &def.body {
        LetValue::Tabular(p) => tabular_operand(p, &inner, catalog),
        LetValue::Scalar(e) => match &e.kind {
            ExprKind::Name(n) => {
                table_by_name(n, &inner, catalog).ok_or_else(|| unknown_table(&Ident { name: n.clone(), span: e.span }, &inner, catalog))
            }
            // The body calls another tabular function.
            ExprKind::Call { func, args } if inner.functions.contains_key(&func.name) => {
                let source = Source { kind: SourceKind::Call { func: func.clone(), args: args.clone() }, span: e.span };
                check_source(&source, &inner, catalog)
            }
            _ => Err(Error::semantic(name.span, format!("`{}` returns a scalar, not a table", name.name))),
        },
        LetValue::Function(_) => Err(Error::unsupported(name.span, "a function returning a function")),
    }
}

fn unknown_table(name: &Ident, scope: &Scope, catalog: &Catalog) -> Error {
    let mut candidates: Vec<&str> = catalog.tables.keys().map(|s| s.as_str()).collect();
    candidates.extend(scope.tables.keys().map(|s| s.as_str()));
    candidates.sort();
    let mut e = Error::semantic(name.span, format!("unknown table `{}`", name.name)).with_label("no table or tabular `let` has this name");
    if let Some(n) = nearest(&name.name, candidates.iter().copied()) {
        e = e.with_help(format!("did you mean `{n}`?"));
    } else if catalog.tables.is_empty() {
        e = e.with_help("bind the table to a file with --table NAME=PATH, or use --sample");
    } else {
        e = e.with_help(format!("known tables: {}", candidates.join(", ")));
    }
    e
}

fn duplicate_column(name: &str, span: Span) -> Error {
    Error::semantic(span, format!("a column named `{name}` is already declared"))
        .with_help("give this column another name with `Name = ...`")
}

fn check_datatable(columns: &[(Ident, KqlType)], values: &[Expr], span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let width = columns.len();
    if width == 0 || !values.len().is_multiple_of(width) {
        return Err(Error::semantic(
            span,
            format!("datatable has {} columns but {} values, which is not a whole number of rows", width, values.len()),
        ));
    }
    let empty = Schema::default();
    let mut rows = Vec::new();
    for chunk in values.chunks(width) {
        let mut row = Vec::with_capacity(width);
        for ((col, ty), v) in columns.iter().zip(chunk) {
            let e = fold_constant(&expr::check_scalar(v, &empty, scope, catalog)?);
            let Some(lit) = e.as_literal() else {
                return Err(Error::semantic(v.span, "datatable values must be constants"));
            };
            let lit = literal_to_type(lit, *ty)
                .ok_or_else(|| Error::semantic(v.span, format!("column `{}` is {ty}, but this value is {}", col.name, e.ty)))?;
            row.push(lit);
        }
        rows.push(row);
    }
    let schema = Schema::new(columns.iter().map(|(c, t)| (c.name.clone(), *t)).collect());
    Ok(Plan { node: Node::Datatable { rows }, schema })
}

fn check_operator(input: Plan, op: &Operator, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let wrap = |node: Node, schema: Schema| Ok(Plan { node, schema });
    match &op.kind {
        OperatorKind::Where(e) => {
            let pred = expr::check_scalar(e, &schema, scope, catalog)?;
            if !matches!(pred.ty, KqlType::Bool | KqlType::Dynamic) {
                return Err(Error::semantic(e.span, format!("`where` needs a bool condition, but this expression is {}", pred.ty))
                    .with_help("compare it with something, e.g. `x == ...` or `isnotempty(x)`"));
            }
            wrap(Node::Filter { input: Box::new(input), predicate: pred }, schema)
        }
        OperatorKind::Project(items) => {
            let mut cols: Vec<(String, TExpr)> = Vec::new();
            for item in &multi::expand(items, &[])? {
                let e = expr::check_scalar(&item.expr, &schema, scope, catalog)?;
                let name = match &item.name {
                    Some(id) => id.name.clone(),
                    // A name derived from a computed value that is taken gets the first
                    // free numeric suffix (`project strlen(x), strlen(x)` gives
                    // `strlen_x` and `strlen_x1`); a column itself clashes, as in Kusto.
                    None => match naming::expr_name_in(&item.expr, &schema) {
                        Some(n) if !is_column_itself(&e) => unique_name(&n, cols.iter().map(|(c, _)| c.as_str())),
                        Some(n) => n,
                        None => naming::generated(cols.iter().map(|(n, _)| n.as_str()).chain(schema.names())),
                    },
                };
                if cols.iter().any(|(c, _)| *c == name) {
                    return Err(duplicate_column(&name, item.span));
                }
                cols.push((name, e));
            }
            let out = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            wrap(Node::Project { input: Box::new(input), columns: cols }, out)
        }
        OperatorKind::Extend(items) => {
            let mut cols: Vec<(String, TExpr)> = schema.columns.iter().map(|(n, t)| (n.clone(), column(n, *t, op.span))).collect();
            // Later items see the columns that earlier items of the same `extend` made.
            let mut current = schema.clone();
            let mut defined: HashMap<String, TExpr> = HashMap::new();
            let taken: Vec<String> = schema.columns.iter().map(|(n, _)| n.clone()).collect();
            for item in &multi::expand(items, &taken)? {
                // A reference to a column made earlier in this `extend` means that value.
                let e = substitute(&expr::check_scalar(&item.expr, &current, scope, catalog)?, &defined);
                let name = match &item.name {
                    Some(id) => id.name.clone(),
                    None => naming::expr_name_in(&item.expr, &current).unwrap_or_else(|| naming::generated(current.names())),
                };
                defined.insert(name.clone(), e.clone());
                match cols.iter_mut().find(|(c, _)| *c == name) {
                    Some(slot) => slot.1 = e,
                    None => cols.push((name, e)),
                }
                current = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            }
            wrap(Node::Project { input: Box::new(input), columns: cols }, current)
        }
        OperatorKind::ProjectAway(patterns) => {
            let matched = match_patterns(patterns, &schema)?;
            let cols: Vec<(String, TExpr)> =
                schema.columns.iter().filter(|(n, _)| !matched.contains(n)).map(|(n, t)| (n.clone(), column(n, *t, op.span))).collect();
            let out = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            wrap(Node::Project { input: Box::new(input), columns: cols }, out)
        }
        OperatorKind::ProjectKeep(patterns) => {
            let matched = match_patterns(patterns, &schema)?;
            let cols: Vec<(String, TExpr)> =
                schema.columns.iter().filter(|(n, _)| matched.contains(n)).map(|(n, t)| (n.clone(), column(n, *t, op.span))).collect();
            let out = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            wrap(Node::Project { input: Box::new(input), columns: cols }, out)
        }
        OperatorKind::ProjectRename(pairs) => {
            let mut cols: Vec<(String, TExpr)> = schema.columns.iter().map(|(n, t)| (n.clone(), column(n, *t, op.span))).collect();
            for (new, old) in pairs {
                let Some(slot) = cols.iter_mut().find(|(_, e)| matches!(&e.kind, TExprKind::Column(c) if *c == old.name)) else {
                    return Err(unknown_column(old, &schema));
                };
                slot.0 = new.name.clone();
            }
            let mut seen = std::collections::HashSet::new();
            for (n, _) in &cols {
                if !seen.insert(n) {
                    return Err(duplicate_column(n, op.span));
                }
            }
            let out = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            wrap(Node::Project { input: Box::new(input), columns: cols }, out)
        }
        OperatorKind::ProjectReorder(items) => {
            let mut first: Vec<String> = Vec::new();
            for (pattern, order) in items {
                let mut names = match_patterns(std::slice::from_ref(pattern), &schema)?;
                names.retain(|n| !first.contains(n));
                match order {
                    Some(SortOrder::Asc) => names.sort(),
                    Some(SortOrder::Desc) => names.sort_by(|a, b| b.cmp(a)),
                    None => {}
                }
                first.extend(names);
            }
            let rest = schema.names().filter(|n| !first.iter().any(|f| f == n)).map(|s| s.to_string()).collect::<Vec<_>>();
            let cols: Vec<(String, TExpr)> = first
                .into_iter()
                .chain(rest)
                .map(|n| {
                    let t = schema.get(&n).unwrap_or(KqlType::String);
                    let e = column(&n, t, op.span);
                    (n, e)
                })
                .collect();
            let out = Schema::new(cols.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
            wrap(Node::Project { input: Box::new(input), columns: cols }, out)
        }
        OperatorKind::Summarize { aggregates, by } => check_summarize(input, aggregates, by, op.span, scope, catalog),
        OperatorKind::Sort(keys) => {
            let keys = keys.iter().map(|k| sort_spec(k, &schema, scope, catalog)).collect::<Result<Vec<_>>>()?;
            wrap(Node::Sort { input: Box::new(input), keys }, schema)
        }
        OperatorKind::Take(e) => {
            let count = row_count(e, scope, catalog)?;
            wrap(Node::Limit { input: Box::new(input), count }, schema)
        }
        OperatorKind::Top { count, key } => {
            let count = row_count(count, scope, catalog)?;
            let key = sort_spec(key, &schema, scope, catalog)?;
            let sorted = Plan { node: Node::Sort { input: Box::new(input), keys: vec![key] }, schema: schema.clone() };
            wrap(Node::Limit { input: Box::new(sorted), count }, schema)
        }
        OperatorKind::Count => {
            let count_fn = crate::functions::lookup("count").ok_or_else(|| Error::runtime("count() missing from the registry"))?;
            let agg = AggColumn {
                name: "Count".into(),
                expr: TExpr { kind: TExprKind::Call { func: count_fn, args: vec![] }, ty: KqlType::Long, span: op.span },
            };
            let out = Schema::new(vec![("Count".into(), KqlType::Long)]);
            wrap(Node::Aggregate { input: Box::new(input), keys: vec![], aggregates: vec![agg] }, out)
        }
        OperatorKind::Distinct(cols) => {
            let names: Vec<String> = if cols.is_empty() {
                schema.names().map(|s| s.to_string()).collect()
            } else {
                let mut names = Vec::new();
                for c in cols {
                    let ExprKind::Name(n) = &c.kind else {
                        return Err(
                            Error::semantic(c.span, "`distinct` takes column names").with_help("compute the value with `extend` first")
                        );
                    };
                    if schema.get(n).is_none() {
                        return Err(unknown_column(&Ident { name: n.clone(), span: c.span }, &schema));
                    }
                    if !names.contains(n) {
                        names.push(n.clone());
                    }
                }
                names
            };
            let out = Schema::new(names.iter().map(|n| (n.clone(), schema.get(n).unwrap_or(KqlType::String))).collect());
            wrap(Node::Distinct { input: Box::new(input), columns: names }, out)
        }
        OperatorKind::Render(_) => Ok(input),
        OperatorKind::Join(j) => check_join(input, j, op.span, scope, catalog, false),
        OperatorKind::Lookup(j) => check_join(input, j, op.span, scope, catalog, true),
        OperatorKind::As(_) => Ok(input),
        OperatorKind::Invoke { func, args } => {
            let Some(def) = scope.functions.get(&func.name) else {
                let mut e = Error::semantic(func.span, format!("unknown function `{}`", func.name));
                if let Some(n) = nearest(&func.name, scope.functions.keys().map(|s| s.as_str())) {
                    e = e.with_help(format!("did you mean `{n}`?"));
                }
                return Err(e);
            };
            let values = args.iter().map(|a| expr::check_scalar(a, &Schema::default(), scope, catalog)).collect::<Result<Vec<_>>>()?;
            tabular_call_with_input(def, func, values, Some(input), scope, catalog)
        }
        OperatorKind::MakeSeries(m) => check_make_series(input, m, op.span, scope, catalog),
        OperatorKind::TopNested(levels) => check_top_nested(input, levels, scope, catalog),
        OperatorKind::Evaluate { plugin, args, named, output } if plugin.name == "pivot" && named.is_empty() => {
            pivot::check_pivot(input, plugin, args, output.as_ref(), scope, catalog)
        }
        OperatorKind::Evaluate { plugin, args, named, output } if plugin.name == "bag_unpack" => {
            unpack::check_bag_unpack(input, plugin, args, named, output.as_ref(), scope, catalog)
        }
        OperatorKind::Evaluate { plugin, args, named, output } => {
            if let Some((n, _)) = named.first() {
                return Err(Error::unsupported(n.span, format!("named arguments of `{}`", plugin.name)));
            }
            if let Some(o) = output {
                return Err(Error::unsupported(o.span, format!("an output schema for `{}`", plugin.name)));
            }
            check_evaluate(input, plugin, args, scope, catalog)
        }
        OperatorKind::Serialize(items) if items.is_empty() => Ok(input),
        OperatorKind::Serialize(items) => {
            let extend = Operator { kind: OperatorKind::Extend(items.clone()), span: op.span };
            check_operator(input, &extend, scope, catalog)
        }
        OperatorKind::GetSchema => {
            let rows = schema
                .columns
                .iter()
                .enumerate()
                .map(|(n, (c, t))| {
                    let dotnet = match t {
                        KqlType::Bool => "System.Boolean",
                        KqlType::Int => "System.Int32",
                        KqlType::Long => "System.Int64",
                        KqlType::Real => "System.Double",
                        KqlType::Decimal => "System.Data.SqlTypes.SqlDecimal",
                        KqlType::String => "System.String",
                        KqlType::DateTime => "System.DateTime",
                        KqlType::TimeSpan => "System.TimeSpan",
                        KqlType::Guid => "System.Guid",
                        KqlType::Dynamic => "System.Object",
                    };
                    vec![
                        Literal::String(c.clone()),
                        Literal::Int(n as i32),
                        Literal::String(dotnet.into()),
                        Literal::String(t.name().into()),
                    ]
                })
                .collect();
            let out = Schema::new(vec![
                ("ColumnName".into(), KqlType::String),
                ("ColumnOrdinal".into(), KqlType::Int),
                ("DataType".into(), KqlType::String),
                ("ColumnType".into(), KqlType::String),
            ]);
            wrap(Node::Datatable { rows }, out)
        }
        OperatorKind::MvExpand(m) => check_mv_expand(input, m, scope, catalog),
        OperatorKind::MvApply(m) => subquery::check_mv_apply(input, m, scope, catalog),
        OperatorKind::Search(s) => search::check_search(Some(input), s, op.span, scope, catalog),
        OperatorKind::ParseKv(p) => check_parse_kv(input, p, op.span, scope, catalog),
        OperatorKind::Partition(p) => subquery::check_partition(input, p, scope, catalog),
        OperatorKind::Scan(sc) => subquery::check_scan(input, sc, scope, catalog),
        OperatorKind::TopHitters { count, of, by } => check_top_hitters(input, count, of, by.as_ref(), op.span, scope, catalog),
        OperatorKind::Sample(n) => {
            let count = row_count(n, scope, catalog)?;
            wrap(Node::Sample { input: Box::new(input), count, distinct: None }, schema)
        }
        OperatorKind::SampleDistinct { count, column } => {
            let count = row_count(count, scope, catalog)?;
            let ty = schema.get(&column.name).ok_or_else(|| unknown_column(column, &schema))?;
            let out = Schema::new(vec![(column.name.clone(), ty)]);
            wrap(Node::Sample { input: Box::new(input), count, distinct: Some(column.name.clone()) }, out)
        }
        OperatorKind::Parse(p) => check_parse(input, p, op.span, scope, catalog),
        OperatorKind::Union(u) => check_union(Some((input, "union_arg0".to_string())), u, op.span, scope, catalog),
    }
}

/// `e` with references to `defined` columns replaced by their defining expressions.
fn substitute(e: &TExpr, defined: &HashMap<String, TExpr>) -> TExpr {
    let sub = |x: &TExpr| Box::new(substitute(x, defined));
    let kind = match &e.kind {
        TExprKind::Column(c) => match defined.get(c) {
            Some(d) => return TExpr { span: e.span, ..d.clone() },
            None => return e.clone(),
        },
        TExprKind::Literal(_) | TExprKind::Scalar(_) => return e.clone(),
        TExprKind::Call { func, args } => TExprKind::Call { func, args: args.iter().map(|a| substitute(a, defined)).collect() },
        TExprKind::Unary { op, operand } => TExprKind::Unary { op: *op, operand: sub(operand) },
        TExprKind::Binary { op, lhs, rhs } => TExprKind::Binary { op: *op, lhs: sub(lhs), rhs: sub(rhs) },
        TExprKind::In { lhs, list, tables, negated, case_sensitive } => {
            TExprKind::In { lhs: sub(lhs), list: list.clone(), tables: tables.clone(), negated: *negated, case_sensitive: *case_sensitive }
        }
        TExprKind::Between { lhs, low, high, negated } => {
            TExprKind::Between { lhs: sub(lhs), low: sub(low), high: sub(high), negated: *negated }
        }
        TExprKind::HasAny { lhs, terms, tables, all } => {
            TExprKind::HasAny { lhs: sub(lhs), terms: terms.clone(), tables: tables.clone(), all: *all }
        }
        TExprKind::Index { target, index } => TExprKind::Index { target: sub(target), index: sub(index) },
    };
    TExpr { kind, ty: e.ty, span: e.span }
}

/// A column reference, or a conversion of a column to its own type (`tostring(s)` of a
/// string): Kusto treats both as the column when naming.
fn is_column_itself(e: &TExpr) -> bool {
    match &e.kind {
        TExprKind::Column(_) => true,
        TExprKind::Call { func, args } => {
            func.naming == crate::functions::Naming::FirstArgument && matches!(args.as_slice(), [a] if a.ty == e.ty && is_column_itself(a))
        }
        _ => false,
    }
}

pub(crate) fn column(name: &str, ty: KqlType, span: Span) -> TExpr {
    TExpr { kind: TExprKind::Column(name.to_string()), ty, span }
}

pub(crate) fn unknown_column(name: &Ident, schema: &Schema) -> Error {
    let mut e = Error::semantic(name.span, format!("unknown column `{}`", name.name)).with_label("not a column of the input here");
    if let Some(n) = nearest(&name.name, schema.names()) {
        e = e.with_help(format!("did you mean `{n}`? (KQL names are case-sensitive)"));
    }
    e
}

/// Column names matching `project-away`/`project-keep` patterns (`*` wildcards).
fn match_patterns(patterns: &[Ident], schema: &Schema) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for p in patterns {
        let hits: Vec<&str> = if p.name.contains('*') {
            schema.names().filter(|n| wildcard_match(&p.name, n)).collect()
        } else {
            schema.names().filter(|n| *n == p.name).collect()
        };
        if hits.is_empty() && !p.name.contains('*') {
            return Err(unknown_column(p, schema));
        }
        for h in hits {
            if !out.iter().any(|o| o == h) {
                out.push(h.to_string());
            }
        }
    }
    Ok(out)
}

fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = name;
    for (n, part) in parts.iter().enumerate() {
        if n == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if n == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty() || parts.len() > 1
}

fn sort_spec(k: &SortKey, schema: &Schema, scope: &Scope, catalog: &Catalog) -> Result<SortSpec> {
    let e = expr::check_scalar(&k.expr, schema, scope, catalog)?;
    let descending = k.order == SortOrder::Desc;
    // Kusto: nulls last when descending, first when ascending, unless stated.
    let nulls_first = k.nulls_first.unwrap_or(!descending);
    Ok(SortSpec { expr: e, descending, nulls_first })
}

fn row_count(e: &Expr, scope: &Scope, catalog: &Catalog) -> Result<usize> {
    let t = fold_constant(&expr::check_scalar(e, &Schema::default(), scope, catalog)?);
    match t.as_literal() {
        Some(Literal::Long(n)) if *n >= 0 => Ok(*n as usize),
        Some(Literal::Int(n)) if *n >= 0 => Ok(*n as usize),
        _ => Err(Error::semantic(e.span, "the row count must be a non-negative whole number")),
    }
}

pub(super) fn check_summarize(
    input: Plan,
    aggregates: &[NamedExpr],
    by: &[NamedExpr],
    span: Span,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Plan> {
    let schema = input.schema.clone();
    let mut names: Vec<String> = Vec::new();
    let mut keys: Vec<(String, TExpr)> = Vec::new();
    for item in by {
        let e = expr::check_scalar(&item.expr, &schema, scope, catalog)?;
        if e.ty == KqlType::Dynamic {
            return Err(
                Error::semantic(item.expr.span, "cannot group by a dynamic value").with_help("convert it first, e.g. `by tostring(x)`")
            );
        }
        let name = match &item.name {
            Some(id) => id.name.clone(),
            None => naming::expr_name_in(&item.expr, &schema).unwrap_or_else(|| naming::generated(names.iter().map(|s| s.as_str()))),
        };
        let name = if item.name.is_some() {
            if names.contains(&name) {
                return Err(duplicate_column(&name, item.span));
            }
            name
        } else {
            unique_name(&name, names.iter().map(|s| s.as_str()))
        };
        names.push(name.clone());
        keys.push((name, e));
    }
    let key_names: Vec<String> = names.clone();
    let mut aggs: Vec<AggColumn> = Vec::new();
    for item in aggregates {
        for (name, e) in expr::check_aggregate(item, &schema, &key_names, scope, catalog)? {
            let name = match (&item.name, name) {
                (Some(id), _) if names.contains(&id.name) => return Err(duplicate_column(&id.name, item.span)),
                (_, n) => unique_name(&n, names.iter().map(|s| s.as_str())),
            };
            names.push(name.clone());
            aggs.push(AggColumn { name, expr: e });
        }
    }
    if aggs.is_empty() && keys.is_empty() {
        return Err(Error::semantic(span, "`summarize` needs an aggregation or a `by` clause"));
    }
    let mut out = Vec::new();
    for (n, e) in &keys {
        out.push((n.clone(), e.ty));
    }
    for a in &aggs {
        out.push((a.name.clone(), a.expr.ty));
    }
    Ok(Plan { node: Node::Aggregate { input: Box::new(input), keys, aggregates: aggs }, schema: Schema::new(out) })
}

fn tabular_operand(p: &Pipeline, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let (plan, render) = check_pipeline(p, scope, catalog)?;
    if let Some(r) = render {
        return Err(Error::semantic(r.span, "`render` must be the last operator of the query"));
    }
    Ok(plan)
}

/// `top-nested`: each level names its key by the expression and its aggregate
/// `aggregated_<key>` unless named.
fn check_top_nested(input: Plan, levels: &[TopNestedLevel], scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let mut names: Vec<String> = Vec::new();
    let mut out_levels = Vec::new();
    for level in levels {
        let count = level.count.as_ref().map(|c| row_count(c, scope, catalog)).transpose()?;
        let key = expr::check_scalar(&level.of.expr, &schema, scope, catalog)?;
        let others = match &level.others {
            None => None,
            Some(o) if out_levels.len() + 1 < levels.len() => {
                return Err(Error::unsupported(o.span, "`with others =` before the last level of top-nested"));
            }
            Some(o) => {
                let value = fold_constant(&expr::check_scalar(o, &Schema::default(), scope, catalog)?);
                let lit = value.as_literal().ok_or_else(|| Error::semantic(o.span, "`with others =` takes a constant"))?;
                // Kusto's analyzer also takes a number for a string level: it names the row.
                let as_text = || match lit {
                    Literal::Long(n) => Some(Literal::String(n.to_string())),
                    Literal::Int(n) => Some(Literal::String(n.to_string())),
                    Literal::Real(f) => Some(Literal::String(f.to_string())),
                    Literal::Bool(b) => Some(Literal::String(b.to_string())),
                    _ => None,
                };
                let converted = literal_to_type(lit, key.ty).or_else(|| if key.ty == KqlType::String { as_text() } else { None });
                Some(converted.ok_or_else(|| {
                    Error::semantic(o.span, format!("`with others =` must be a {} like the level's values, not {}", key.ty, value.ty))
                })?)
            }
        };
        let key_name = match &level.of.name {
            Some(n) => n.name.clone(),
            None => naming::expr_name(&level.of.expr).unwrap_or_else(|| naming::generated(names.iter().map(|s| s.as_str()))),
        };
        let key_name = unique_name(&key_name, names.iter().map(|s| s.as_str()));
        names.push(key_name.clone());
        let mut outs = expr::check_aggregate(&level.aggregate, &schema, &[], scope, catalog)?;
        let (_, agg) = match (outs.len(), outs.pop()) {
            (1, Some(x)) => x,
            _ => return Err(Error::unsupported(level.aggregate.span, "an aggregation with several result columns in top-nested")),
        };
        let agg_name = match &level.aggregate.name {
            Some(n) => n.name.clone(),
            None => format!("aggregated_{key_name}"),
        };
        let agg_name = unique_name(&agg_name, names.iter().map(|s| s.as_str()));
        names.push(agg_name.clone());
        out_levels.push(NestedLevel {
            count,
            key: (key_name, key),
            aggregate: AggColumn { name: agg_name, expr: agg },
            descending: level.order == SortOrder::Desc,
            others,
        });
    }
    let mut out = Vec::new();
    for l in &out_levels {
        out.push((l.key.0.clone(), l.key.1.ty));
        out.push((l.aggregate.name.clone(), l.aggregate.expr.ty));
    }
    Ok(Plan { node: Node::TopNested { input: Box::new(input), levels: out_levels }, schema: Schema::new(out) })
}

/// `evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, return_unmatched])`
/// (ipv4-lookup-plugin.md) and `ipv6_lookup` (ipv6-lookup-plugin.md): the input's columns
/// then the lookup table's.
fn check_evaluate(input: Plan, plugin: &Ident, args: &[Expr], scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let (v6, usage) = match plugin.name.as_str() {
        "ipv4_lookup" => (false, "ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, return_unmatched])"),
        "ipv6_lookup" => (true, "ipv6_lookup(LookupTable, SourceIPv6Key, IPv6LookupKey [, return_unmatched])"),
        _ => {
            return Err(Error::unsupported(plugin.span, format!("the `{}` plugin", plugin.name))
                .with_help("`evaluate ipv4_lookup(...)` and `ipv6_lookup(...)` are the lookup plugins that run today"))
        }
    };
    let name = &plugin.name;
    let (Some(table), Some(source), Some(key)) = (args.first(), args.get(1), args.get(2)) else {
        return Err(Error::semantic(
            plugin.span,
            format!("`{name}` needs a lookup table, the source address column and the lookup range column"),
        )
        .with_help(usage));
    };
    let ExprKind::Name(table_name) = &table.kind else {
        return Err(Error::semantic(table.span, format!("the first argument of `{name}` is a table name")).with_help(usage));
    };
    let lookup = table_by_name(table_name, scope, catalog)
        .ok_or_else(|| unknown_table(&Ident { name: table_name.clone(), span: table.span }, scope, catalog))?;
    let column_arg = |e: &Expr, schema: &Schema| -> Result<String> {
        let ExprKind::Name(n) = &e.kind else {
            return Err(Error::semantic(e.span, "give a column name here").with_help(usage));
        };
        match schema.get(n) {
            Some(t) if t.is_textual() => Ok(n.clone()),
            Some(t) => Err(Error::semantic(e.span, format!("`{n}` must hold address text (string), but it is {t}"))),
            None => Err(unknown_column(&Ident { name: n.clone(), span: e.span }, schema)),
        }
    };
    let source_key = column_arg(source, &input.schema)?;
    let lookup_key = column_arg(key, &lookup.schema)?;
    let return_unmatched = match args.get(3) {
        None => false,
        Some(e) => match fold_constant(&expr::check_scalar(e, &Schema::default(), scope, catalog)?).as_literal() {
            Some(Literal::Bool(b)) => *b,
            _ => return Err(Error::unsupported(e.span, "extra lookup keys (only return_unmatched = true/false runs)")),
        },
    };
    let mut out = input.schema.columns.clone();
    for (n, t) in &lookup.schema.columns {
        let taken: Vec<&str> = out.iter().map(|(o, _)| o.as_str()).collect();
        out.push((unique_name(n, taken), *t));
    }
    let node = Node::IpLookup { input: Box::new(input), lookup: Box::new(lookup), source_key, lookup_key, return_unmatched, v6 };
    Ok(Plan { node, schema: Schema::new(out) })
}

/// `make-series`: the axis must be datetime, timespan or numeric; bounds and step are
/// constants (make-series-operator.md: `to` is exclusive, `default` is 0 unless given).
fn check_make_series(input: Plan, m: &MakeSeries, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let axis_ty = schema.get(&m.axis.name).ok_or_else(|| unknown_column(&m.axis, &schema))?;
    if !(axis_ty.is_numeric() || matches!(axis_ty, KqlType::DateTime | KqlType::TimeSpan)) {
        return Err(Error::semantic(
            m.axis.span,
            format!("the axis of `make-series` must be datetime, timespan or a number, not {axis_ty}"),
        ));
    }
    let constant = |e: &Expr, what: &str| -> Result<Literal> {
        let t = fold_constant(&expr::check_scalar(e, &Schema::default(), scope, catalog)?);
        t.as_literal().cloned().ok_or_else(|| Error::unsupported(e.span, format!("a non-constant {what}")))
    };
    let as_ns = |l: &Literal, e: &Expr, what: &str| -> Result<i64> {
        match (axis_ty, l) {
            (KqlType::DateTime, Literal::DateTime(v)) | (KqlType::TimeSpan | KqlType::DateTime, Literal::TimeSpan(v)) => Ok(*v),
            (t, Literal::Long(v)) if t.is_numeric() => Ok(*v),
            (t, Literal::Int(v)) if t.is_numeric() => Ok(*v as i64),
            _ => Err(Error::semantic(e.span, format!("the {what} of `make-series` does not fit an axis of type {axis_ty}"))),
        }
    };
    let step = as_ns(&constant(&m.step, "step")?, &m.step, "step")?;
    if step <= 0 {
        return Err(Error::semantic(m.step.span, "the step of `make-series` must be positive"));
    }
    let from = m.from.as_ref().map(|e| constant(e, "start").and_then(|l| as_ns(&l, e, "start"))).transpose()?;
    let to = m.to.as_ref().map(|e| constant(e, "end").and_then(|l| as_ns(&l, e, "end"))).transpose()?;
    if let (Some(a), Some(b)) = (from, to) {
        if (b - a) / step > 1 << 20 {
            return Err(Error::semantic(span, "`make-series` would make arrays of more than 2^20 values"));
        }
    }
    let mut names: Vec<String> = Vec::new();
    let mut keys = Vec::new();
    for item in &m.by {
        let e = expr::check_scalar(&item.expr, &schema, scope, catalog)?;
        let name = match &item.name {
            Some(id) => id.name.clone(),
            None => naming::expr_name(&item.expr).unwrap_or_else(|| naming::generated(names.iter().map(|s| s.as_str()))),
        };
        let name = unique_name(&name, names.iter().map(|s| s.as_str()));
        names.push(name.clone());
        keys.push((name, e));
    }
    let key_names = names.clone();
    let mut aggregates = Vec::new();
    for (item, default) in &m.aggregates {
        let mut outs = expr::check_aggregate(item, &schema, &key_names, scope, catalog)?;
        let (name, e) = match (outs.len(), outs.pop()) {
            (1, Some(x)) => x,
            _ => return Err(Error::unsupported(item.span, "an aggregation with several result columns in `make-series`")),
        };
        if !e.ty.is_numeric() {
            return Err(Error::semantic(item.span, format!("`make-series` needs numeric aggregations; this one is {}", e.ty)));
        }
        let default = match default {
            Some(d) => constant(d, "default")?,
            None => Literal::Long(0),
        };
        // The default takes the aggregate's type (0 is 0.0 in a real series).
        let default = literal_to_type(&default, e.ty).unwrap_or(default);
        let name = unique_name(&name, names.iter().map(|s| s.as_str()));
        names.push(name.clone());
        aggregates.push((AggColumn { name, expr: e }, default));
    }
    let mut out: Vec<(String, KqlType)> = keys.iter().map(|(n, e)| (n.clone(), e.ty)).collect();
    out.extend(aggregates.iter().map(|(a, _)| (a.name.clone(), KqlType::Dynamic)));
    let axis_name = unique_name(&m.axis.name, names.iter().map(|s| s.as_str()));
    out.push((axis_name.clone(), KqlType::Dynamic));
    let node = Node::MakeSeries { input: Box::new(input), keys, aggregates, axis: (m.axis.name.clone(), axis_ty), from, to, step };
    Ok(Plan { node, schema: Schema::new(out) })
}

/// `parse`: the pattern becomes one regular expression with a group per column
/// (parse-operator.md: `*` and string columns are `.*?`, long/int `-?\\d+`, ...).
fn check_parse(input: Plan, p: &Parse, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let source = expr::check_scalar(&p.expr, &schema, scope, catalog)?;
    let mut regex = String::new();
    if let Some(f) = &p.flags {
        regex.push_str(&format!("(?{f})"));
    }
    let strict = p.kind != ParseKind::Regex;
    if strict {
        regex.push('^');
    }
    let mut columns: Vec<(String, KqlType)> = Vec::new();
    let last = p.pattern.len().saturating_sub(1);
    for (n, part) in p.pattern.iter().enumerate() {
        match part {
            ParsePart::Wildcard => regex.push_str(if n == last { ".*" } else { ".*?" }),
            ParsePart::Text(t) if p.kind == ParseKind::Regex => regex.push_str(t),
            ParsePart::Text(t) => regex.push_str(&regex::escape(t)),
            ParsePart::Column(name, ty) => {
                let ty = ty.unwrap_or(KqlType::String);
                let group = match ty {
                    KqlType::Int | KqlType::Long if p.kind != ParseKind::Relaxed => r"(-?\d+)",
                    KqlType::Real | KqlType::Decimal if p.kind != ParseKind::Relaxed => r"(-?\d*\.?\d*(?:[eE][+-]?\d+)?)",
                    _ if n == last && strict => "(.*)",
                    _ => "(.*?)",
                };
                regex.push_str(group);
                if columns.iter().any(|(c, _)| c == &name.name) {
                    return Err(duplicate_column(&name.name, name.span));
                }
                columns.push((name.name.clone(), ty));
            }
        }
    }
    if strict {
        regex.push('$');
    }
    if let Err(e) = ::regex::Regex::new(&regex) {
        return Err(Error::semantic(span, format!("the parse pattern is not a valid regular expression: {e}")));
    }
    let mut out = schema.columns.clone();
    for (c, t) in &columns {
        match out.iter_mut().find(|(n, _)| n == c) {
            Some(slot) => slot.1 = *t,
            None => out.push((c.clone(), *t)),
        }
    }
    let node = Node::Parse { input: Box::new(input), source, regex, columns, keep_only_matches: p.keep_only_matches };
    Ok(Plan { node, schema: Schema::new(out) })
}

fn check_mv_expand(input: Plan, m: &MvExpand, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let mut items = Vec::new();
    let mut out: Vec<(String, KqlType)> = schema.columns.clone();
    for item in &m.items {
        let e = expr::check_scalar(&item.expr, &schema, scope, catalog)?;
        if e.ty != KqlType::Dynamic {
            return Err(Error::semantic(item.expr.span, format!("`mv-expand` needs a dynamic array or property bag; this is {}", e.ty))
                .with_help("parse text first, e.g. mv-expand x = parse_json(Column)"));
        }
        let name = match &item.name {
            Some(n) => n.name.clone(),
            None => naming::expr_name(&item.expr).unwrap_or_else(|| naming::generated(out.iter().map(|(n, _)| n.as_str()))),
        };
        let ty = item.to.map(|(t, _)| t).unwrap_or(KqlType::Dynamic);
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = ty,
            None => out.push((name.clone(), ty)),
        }
        items.push((name, e, ty));
    }
    let item_index = m.item_index.as_ref().map(|i| i.name.clone());
    if let Some(i) = &item_index {
        out.push((i.clone(), KqlType::Long));
    }
    let limit = m.limit.as_ref().map(|l| row_count(l, scope, catalog)).transpose()?;
    let node = Node::MvExpand { input: Box::new(input), items, item_index, bag_as_array: m.bag_as_array, limit };
    Ok(Plan { node, schema: Schema::new(out) })
}

/// `top-hitters` (top-hitters-operator.md), computed exactly: `summarize C = count() by
/// Col | top N by C desc`, or with `by E` the sum of E. The columns are named
/// `approximate_count_Col` / `approximate_sum_E` (as Kusto's analyzer names them).
fn check_top_hitters(
    input: Plan,
    count: &Expr,
    of: &Expr,
    by: Option<&Expr>,
    span: Span,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Plan> {
    let ExprKind::Name(col_name) = &of.kind else {
        return Err(Error::semantic(of.span, "`top-hitters` takes a column name after `of`")
            .with_help("compute the value first with `extend`, then name its column"));
    };
    let call =
        |name: &str, args: Vec<Expr>, span: Span| Expr { kind: ExprKind::Call { func: Ident { name: name.into(), span }, args }, span };
    let (name, agg) = match by {
        None => (format!("approximate_count_{col_name}"), call("count", Vec::new(), span)),
        Some(b) => (format!("approximate_sum_{}", naming::expr_name(b).unwrap_or_default()), call("sum", vec![b.clone()], b.span)),
    };
    let aggregates = [NamedExpr { name: Some(Ident { name: name.clone(), span }), names: Vec::new(), expr: agg, span }];
    let keys = [NamedExpr { name: None, names: Vec::new(), expr: of.clone(), span: of.span }];
    let n = row_count(count, scope, catalog)?;
    let grouped = check_summarize(input, &aggregates, &keys, span, scope, catalog)?;
    let schema = grouped.schema.clone();
    let ty = schema.get(&name).unwrap_or(KqlType::Long);
    let key = SortSpec { expr: column(&name, ty, span), descending: true, nulls_first: false };
    let sorted = Plan { node: Node::Sort { input: Box::new(grouped), keys: vec![key] }, schema: schema.clone() };
    Ok(Plan { node: Node::Limit { input: Box::new(sorted), count: n }, schema })
}

/// `parse-kv` (parse-kv-operator.md): the input's columns, then one per key. The mode
/// follows the options: `regex`, both delimiters, or neither (any non-alphanumeric
/// character delimits).
fn check_parse_kv(input: Plan, p: &ParseKv, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let schema = input.schema.clone();
    let source = expr::check_scalar(&p.expr, &schema, scope, catalog)?;
    if !source.ty.is_textual() && source.ty != KqlType::Dynamic {
        return Err(Error::semantic(p.expr.span, format!("`parse-kv` parses a string, but this expression is {}", source.ty)));
    }
    let (mut pair, mut kv, mut regex, mut greedy) = (None, None, None, false);
    let (mut quotes, mut escapes) = (Vec::new(), Vec::new());
    for (name, value) in &p.options {
        let text = match value {
            Literal::String(s) => Some(s.clone()),
            _ => None,
        };
        let need_text = || text.clone().ok_or_else(|| Error::semantic(name.span, format!("`{}` takes a string", name.name)));
        match name.name.as_str() {
            "pair_delimiter" => pair = Some(need_text()?),
            "kv_delimiter" => kv = Some(need_text()?),
            "regex" => regex = Some(need_text()?),
            "greedy" => match value {
                Literal::Bool(b) => greedy = *b,
                _ => return Err(Error::semantic(name.span, "`greedy` takes true or false")),
            },
            "quote" => {
                let q: Vec<char> = need_text()?.chars().collect();
                match q.as_slice() {
                    [c] => quotes.push((*c, *c)),
                    [o, c] => quotes.push((*o, *c)),
                    _ => return Err(Error::semantic(name.span, "`quote` takes one character, or an opening and a closing one")),
                }
            }
            "escape" => {
                let e: Vec<char> = need_text()?.chars().collect();
                let [c] = e.as_slice() else {
                    return Err(Error::semantic(name.span, "`escape` takes one character"));
                };
                escapes.push(*c);
            }
            other => {
                let known = ["pair_delimiter", "kv_delimiter", "quote", "escape", "greedy", "regex"];
                let mut e = Error::semantic(name.span, format!("unknown parse-kv option `{other}`"));
                if let Some(n) = nearest(other, known.iter().copied()) {
                    e = e.with_help(format!("did you mean `{n}`?"));
                }
                return Err(e);
            }
        }
    }
    let mode = match (pair, kv, regex) {
        (None, None, Some(r)) => {
            let groups =
                ::regex::Regex::new(&r).map_err(|e| Error::semantic(span, format!("the parse-kv regex is not valid: {e}")))?.captures_len()
                    - 1;
            if groups != 2 {
                return Err(Error::semantic(span, format!("the parse-kv regex needs exactly two groups (key, value); it has {groups}")));
            }
            KvMode::Regex(r)
        }
        (Some(pair), Some(kv), None) if !pair.is_empty() && !kv.is_empty() => KvMode::Delimited { pair, kv, greedy },
        (None, None, None) => KvMode::Free,
        _ => {
            return Err(Error::semantic(span, "`parse-kv` takes both pair_delimiter and kv_delimiter, or regex, or neither")
                .with_help("e.g. with (pair_delimiter=' ', kv_delimiter='=')"));
        }
    };
    let mut out = schema.columns.clone();
    let mut keys = Vec::new();
    for (k, t) in &p.keys {
        if out.iter().any(|(n, _)| *n == k.name) {
            return Err(duplicate_column(&k.name, k.span));
        }
        out.push((k.name.clone(), *t));
        keys.push((k.name.clone(), *t));
    }
    let spec = KvSpec { mode, quotes, escapes };
    Ok(Plan { node: Node::ParseKv { input: Box::new(input), source, keys, spec }, schema: Schema::new(out) })
}

/// `join`: Kusto's kinds, keys, and renaming of right columns whose names the left has.
fn check_join(left: Plan, j: &Join, span: Span, scope: &Scope, catalog: &Catalog, lookup: bool) -> Result<Plan> {
    let kind = match &j.kind {
        None if lookup => JoinKind::LeftOuter,
        Some(k) if lookup && !matches!(k.name.as_str(), "leftouter" | "inner") => {
            return Err(Error::semantic(k.span, format!("`lookup` takes kind=leftouter or kind=inner, not `{}`", k.name)));
        }
        None => JoinKind::InnerUnique,
        Some(k) => JoinKind::from_name(&k.name).ok_or_else(|| {
            let mut e = Error::semantic(k.span, format!("unknown join kind `{}`", k.name));
            if let Some(n) = nearest(&k.name, JoinKind::NAMES.iter().copied()) {
                e = e.with_help(format!("did you mean `{n}`? (kinds: {})", JoinKind::NAMES.join(", ")));
            }
            e
        })?,
    };
    let right = tabular_operand(&j.right, scope, catalog)?;
    let mut keys = Vec::new();
    for key in &j.on {
        let (l, r) = match key {
            JoinKey::Same(c) => (c, c),
            JoinKey::Pair { left, right } => (left, right),
        };
        let lt = left.schema.get(&l.name).ok_or_else(|| unknown_column(l, &left.schema))?;
        let rt = right.schema.get(&r.name).ok_or_else(|| unknown_column(r, &right.schema))?;
        let compatible = lt == rt || (lt.is_numeric() && rt.is_numeric()) || (lt.is_textual() && rt.is_textual());
        if !compatible {
            return Err(Error::semantic(
                l.span.to(r.span),
                format!("join keys must have one type: `{}` is {lt}, `{}` is {rt}", l.name, r.name),
            ));
        }
        keys.push((l.name.clone(), r.name.clone()));
    }
    if keys.is_empty() {
        return Err(Error::semantic(span, "`join` needs at least one key after `on`"));
    }
    let (keep_left, keep_right) = kind.keeps();
    let mut out: Vec<(String, KqlType)> = if keep_left { left.schema.columns.clone() } else { Vec::new() };
    let mut right_names = Vec::new();
    // `lookup` leaves the right side's key columns out.
    let hidden_right: Vec<String> = if lookup { keys.iter().map(|(_, r)| r.clone()).collect() } else { Vec::new() };
    for (n, t) in &right.schema.columns {
        if hidden_right.contains(n) {
            right_names.push((n.clone(), format!("__flowkql_key_{n}")));
            continue;
        }
        let name = if keep_left && left.schema.get(n).is_some() {
            let taken: Vec<&str> = left.schema.names().chain(right.schema.names()).chain(out.iter().map(|(o, _)| o.as_str())).collect();
            unique_name(n, taken)
        } else {
            n.clone()
        };
        right_names.push((n.clone(), name.clone()));
        if keep_right {
            out.push((name, *t));
        }
    }
    let node = Node::Join { left: Box::new(left), right: Box::new(right), kind, keys, right_names, hidden_right };
    Ok(Plan { node, schema: Schema::new(out) })
}

/// `union`: outer (default) keeps every column, naming same-named columns of different
/// types `name_type`; inner keeps the columns all inputs share.
fn check_union(first: Option<(Plan, String)>, u: &Union, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let mut inputs: Vec<(Plan, String)> = first.into_iter().collect();
    let mut left_out: Vec<Error> = Vec::new();
    // A leg `E*` stands for every table whose name matches, in name order. A pattern
    // that matches nothing is an error even when fuzzy, as Kusto's analyzer has it.
    let mut legs: Vec<Pipeline> = Vec::with_capacity(u.tables.len());
    for t in &u.tables {
        match &t.source.kind {
            SourceKind::Table(name) if name.name.contains('*') => {
                let names = search::resolve_tables(Some(std::slice::from_ref(name)), "union", name.span, scope, catalog)?;
                legs.extend(names.into_iter().map(|n| Pipeline {
                    source: Source { kind: SourceKind::Table(n), span: t.source.span },
                    ops: Vec::new(),
                    span: t.span,
                }));
            }
            _ => legs.push(t.clone()),
        }
    }
    for (n, t) in legs.iter().enumerate() {
        let label = match (&t.source.kind, t.ops.last().map(|o| &o.kind)) {
            (SourceKind::Table(name), None) => name.name.clone(),
            // A union operand ending in `as T` is labelled `T` (as-operator.md).
            (_, Some(OperatorKind::As(name))) => name.name.clone(),
            _ => format!("union_arg{}", inputs.len().max(n)),
        };
        match tabular_operand(t, scope, catalog) {
            Ok(plan) => inputs.push((plan, label)),
            // union-operator.md, isfuzzy: a leg that does not resolve is left out with a
            // warning; only when none resolves is it an error.
            Err(e) if u.fuzzy && e.kind == crate::error::ErrorKind::Semantic => left_out.push(e),
            Err(e) => return Err(e),
        }
    }
    if inputs.is_empty() {
        if let Some(e) = left_out.into_iter().next() {
            return Err(match e.help {
                Some(_) => e,
                None => e.with_help("with isfuzzy=true a union fails only when none of its legs resolves"),
            });
        }
    } else {
        for e in left_out {
            let at = e.span.unwrap_or(span);
            catalog.warn(Error::semantic(at, format!("union isfuzzy=true leaves out a leg: {}", e.message)).as_warning());
        }
    }
    let inner = match &u.kind {
        None => false,
        Some(k) if k.name == "outer" => false,
        Some(k) if k.name == "inner" => true,
        Some(k) => {
            return Err(
                Error::semantic(k.span, format!("unknown union kind `{}`", k.name)).with_help("use kind=outer (the default) or kind=inner")
            )
        }
    };
    // Each distinct (name, type), in order of first appearance.
    let mut seen: Vec<(String, KqlType)> = Vec::new();
    for (p, _) in &inputs {
        for c in &p.schema.columns {
            if !seen.contains(c) {
                seen.push(c.clone());
            }
        }
    }
    if inner {
        seen.retain(|c| inputs.iter().all(|(p, _)| p.schema.columns.contains(c)));
    }
    let out_name = |c: &(String, KqlType)| -> String {
        if seen.iter().filter(|(n, _)| *n == c.0).count() > 1 {
            format!("{}_{}", c.0, c.1.name())
        } else {
            c.0.clone()
        }
    };
    let mut columns: Vec<(String, KqlType)> = seen.iter().map(|c| (out_name(c), c.1)).collect();
    if let Some(ws) = &u.with_source {
        columns.insert(0, (ws.name.clone(), KqlType::String));
    }
    let schema = Schema::new(columns);
    let mut projected = Vec::new();
    for (p, label) in inputs {
        let mut cols: Vec<(String, TExpr)> = Vec::new();
        if let Some(ws) = &u.with_source {
            cols.push((ws.name.clone(), TExpr::literal(Literal::String(label.clone()), span)));
        }
        for c in &seen {
            let e = if p.schema.columns.contains(c) {
                column(&c.0, c.1, span)
            } else if c.1 == KqlType::String {
                // Strings are never null: a column the input lacks reads as "".
                TExpr::literal(Literal::String(String::new()), span)
            } else {
                TExpr::literal(Literal::Null(c.1), span)
            };
            cols.push((out_name(c), e));
        }
        let node = Node::Project { input: Box::new(p), columns: cols };
        projected.push(Plan { node, schema: schema.clone() });
    }
    Ok(Plan { node: Node::Union { inputs: projected }, schema })
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("Sub*", "SubType_s"));
        assert!(wildcard_match("*_s", "SrcIP_s"));
        assert!(wildcard_match("*IP*", "SrcIP_s"));
        assert!(!wildcard_match("*_d", "SrcIP_s"));
        assert!(wildcard_match("*", "x"));
    }
}
