//! `search` and `find`: predicates over whole rows of one or several tables, where a
//! bare "term" searches every column.

use super::*;

/// `search` (search-operator.md): the rows of the piped input, of the tables named by
/// `in (...)` (wildcards allowed), or of every table, that satisfy the predicate; the
/// result starts with `$table`, the table each row came from.
pub(super) fn check_search(input: Option<Plan>, s: &Search, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let source = Ident { name: "$table".into(), span };
    let base = match input {
        Some(plan) => {
            let label = match &plan.node {
                Node::Scan { table } => table.clone(),
                _ => String::new(),
            };
            let mut columns = vec![(source.name.clone(), TExpr::literal(Literal::String(label), span))];
            columns.extend(plan.schema.columns.iter().map(|(n, t)| (n.clone(), column(n, *t, span))));
            let mut out = vec![(source.name.clone(), KqlType::String)];
            out.extend(plan.schema.columns.iter().cloned());
            Plan { node: Node::Project { input: Box::new(plan), columns }, schema: Schema::new(out) }
        }
        None => {
            let names = resolve_tables(s.tables.as_deref(), "search", span, scope, catalog)?;
            let tables = names
                .into_iter()
                .map(|n| Pipeline { span: n.span, source: Source { span: n.span, kind: SourceKind::Table(n) }, ops: Vec::new() })
                .collect();
            check_union(None, &Union { kind: None, with_source: Some(source), fuzzy: false, tables }, span, scope, catalog)?
        }
    };
    let predicate = search_predicate(&s.predicate, &base.schema, s.case_sensitive, scope, catalog)?;
    let schema = base.schema.clone();
    Ok(Plan { node: Node::Filter { input: Box::new(base), predicate }, schema })
}

/// The tables `search` / `find` look in: those named (`*` wildcards match table and
/// tabular `let` names), or every table, sorted by name.
pub(super) fn resolve_tables(
    patterns: Option<&[Ident]>,
    operator: &str,
    span: Span,
    scope: &Scope,
    catalog: &Catalog,
) -> Result<Vec<Ident>> {
    let mut known: Vec<&str> = catalog.tables.keys().chain(scope.tables.keys()).map(|s| s.as_str()).collect();
    known.sort();
    known.dedup();
    let mut names: Vec<Ident> = Vec::new();
    match patterns {
        None => names.extend(catalog.tables.keys().map(|n| Ident { name: n.clone(), span })),
        Some(patterns) => {
            for p in patterns {
                if !p.name.contains('*') {
                    names.push(p.clone());
                    continue;
                }
                let hits: Vec<&str> = known.iter().copied().filter(|n| wildcard_match(&p.name, n)).collect();
                if hits.is_empty() {
                    return Err(Error::semantic(p.span, format!("no table matches `{}`", p.name))
                        .with_help(format!("known tables: {}", known.join(", "))));
                }
                names.extend(hits.into_iter().map(|n| Ident { name: n.to_string(), span: p.span }));
            }
        }
    }
    names.sort_by(|a, b| a.name.cmp(&b.name));
    names.dedup_by(|a, b| a.name == b.name);
    if names.is_empty() {
        return Err(Error::semantic(span, format!("`{operator}` has no table to look in")).with_help("bind a table with --table NAME=PATH"));
    }
    Ok(names)
}

/// `find` (find-operator.md): per table, the rows matching the predicate (a table that has
/// none of the columns the predicate names is left out); the result has `source_`, the
/// predicate's columns and those all tables share (or the `project` list), then `pack_`,
/// a bag of each row's other columns.
pub(super) fn check_find(f: &Find, span: Span, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let source = f.with_source.as_ref().map(|w| w.name.clone()).unwrap_or_else(|| "source_".to_string());
    let mut plans = Vec::new();
    for n in resolve_tables(f.tables.as_deref(), "find", span, scope, catalog)? {
        let plan = table_by_name(&n.name, scope, catalog).ok_or_else(|| unknown_table(&n, scope, catalog))?;
        plans.push((n.name, plan));
    }
    let mut referenced = Vec::new();
    predicate_names(&f.predicate, &mut referenced);
    referenced.retain(|n| plans.iter().any(|(_, p)| p.schema.get(n).is_some()));
    if !referenced.is_empty() {
        plans.retain(|(_, p)| referenced.iter().any(|c| p.schema.get(c).is_some()));
    }
    let mut all: Vec<(String, KqlType)> = Vec::new();
    for (_, p) in &plans {
        for (n, t) in &p.schema.columns {
            match all.iter().find(|(a, _)| a == n) {
                None => all.push((n.clone(), *t)),
                Some((_, seen)) if seen != t => {
                    return Err(Error::unsupported(
                        span,
                        format!("`find` over tables where column `{n}` has different types ({seen}, {t})"),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let (out_cols, pack) = match &f.project {
        None => {
            let shared = |n: &str| plans.iter().all(|(_, p)| p.schema.get(n).is_some());
            (all.iter().filter(|(n, _)| referenced.contains(n) || shared(n)).cloned().collect::<Vec<_>>(), true)
        }
        Some((cols, pack_all)) => {
            let mut out = Vec::new();
            for c in cols {
                let ty =
                    all.iter().find(|(n, _)| *n == c.name).map(|(_, t)| *t).ok_or_else(|| unknown_column(c, &Schema::new(all.clone())))?;
                out.push((c.name.clone(), ty));
            }
            (out, *pack_all)
        }
    };
    let absent = |ty: KqlType| {
        if ty == KqlType::String {
            TExpr::literal(Literal::String(String::new()), span)
        } else {
            TExpr::literal(Literal::Null(ty), span)
        }
    };
    let mut schema_cols = vec![(source.clone(), KqlType::String)];
    schema_cols.extend(out_cols.iter().cloned());
    if pack {
        schema_cols.push(("pack_".to_string(), KqlType::Dynamic));
    }
    let schema = Schema::new(schema_cols);
    let bag_pack = crate::functions::lookup("bag_pack").ok_or_else(|| Error::runtime("bag_pack missing from the registry"))?;
    let mut inputs = Vec::new();
    for (name, plan) in plans {
        let own = plan.schema.clone();
        // The predicate sees every column it names, null where this table lacks it.
        let mut widened: Vec<(String, TExpr)> = own.columns.iter().map(|(n, t)| (n.clone(), column(n, *t, span))).collect();
        for r in &referenced {
            if own.get(r).is_none() {
                let ty = all.iter().find(|(n, _)| n == r).map(|(_, t)| *t).unwrap_or(KqlType::String);
                widened.push((r.clone(), absent(ty)));
            }
        }
        let widened_schema = Schema::new(widened.iter().map(|(n, e)| (n.clone(), e.ty)).collect());
        let widened = Plan { node: Node::Project { input: Box::new(plan), columns: widened }, schema: widened_schema.clone() };
        let predicate = search_predicate(&f.predicate, &widened_schema, false, scope, catalog)?;
        let filtered = Plan { node: Node::Filter { input: Box::new(widened), predicate }, schema: widened_schema };
        let mut columns = vec![(source.clone(), TExpr::literal(Literal::String(name.clone()), span))];
        for (n, t) in &out_cols {
            columns.push((n.clone(), if own.get(n).is_some() { column(n, *t, span) } else { absent(*t) }));
        }
        if pack {
            let mut args = Vec::new();
            for (n, t) in own.columns.iter().filter(|(n, _)| !out_cols.iter().any(|(o, _)| o == n)) {
                args.push(TExpr::literal(Literal::String(n.clone()), span));
                args.push(column(n, *t, span));
            }
            let bag = if args.is_empty() {
                TExpr::literal(Literal::Dynamic(serde_json::json!({})), span)
            } else {
                TExpr { kind: TExprKind::Call { func: bag_pack, args }, ty: KqlType::Dynamic, span }
            };
            columns.push(("pack_".to_string(), bag));
        }
        inputs.push(Plan { node: Node::Project { input: Box::new(filtered), columns }, schema: schema.clone() });
    }
    Ok(Plan { node: Node::Union { inputs }, schema })
}

/// The names a predicate mentions (columns or not).
fn predicate_names(p: &SearchPredicate, out: &mut Vec<String>) {
    fn expr_names(e: &Expr, out: &mut Vec<String>) {
        let mut push = |n: &str| {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        };
        match &e.kind {
            ExprKind::Name(n) => push(n),
            ExprKind::Literal(_) | ExprKind::Star | ExprKind::ToScalar(_) | ExprKind::Tabular(_) => {}
            ExprKind::Call { args, .. } => args.iter().for_each(|a| expr_names(a, out)),
            ExprKind::Unary { operand, .. } => expr_names(operand, out),
            ExprKind::Binary { lhs, rhs, .. } => {
                expr_names(lhs, out);
                expr_names(rhs, out);
            }
            ExprKind::In { lhs, list, .. } | ExprKind::HasAny { lhs, list, .. } => {
                expr_names(lhs, out);
                list.iter().for_each(|a| expr_names(a, out));
            }
            ExprKind::Between { lhs, low, high, .. } => {
                expr_names(lhs, out);
                expr_names(low, out);
                expr_names(high, out);
            }
            ExprKind::Index { target, index } => {
                expr_names(target, out);
                expr_names(index, out);
            }
            ExprKind::Member { target, .. } => expr_names(target, out),
        }
    }
    match p {
        SearchPredicate::And(a, b) | SearchPredicate::Or(a, b) => {
            predicate_names(a, out);
            predicate_names(b, out);
        }
        SearchPredicate::Term { column: Some(c), .. } => {
            if !out.contains(&c.name) {
                out.push(c.name.clone());
            }
        }
        SearchPredicate::Term { column: None, .. } | SearchPredicate::All => {}
        SearchPredicate::Expr(e) => expr_names(e, out),
    }
}

/// A search predicate as a `where` condition: a term is `has` (`hasprefix`, `hassuffix`,
/// `contains` or a regex by where its `*` wildcards are) over one column or all of them.
fn search_predicate(p: &SearchPredicate, schema: &Schema, cs: bool, scope: &Scope, catalog: &Catalog) -> Result<TExpr> {
    let boolean = |op: BinaryOp, l: TExpr, r: TExpr| {
        let span = l.span.to(r.span);
        TExpr { kind: TExprKind::Binary { op, lhs: Box::new(l), rhs: Box::new(r) }, ty: KqlType::Bool, span }
    };
    match p {
        SearchPredicate::And(a, b) => {
            Ok(boolean(BinaryOp::And, search_predicate(a, schema, cs, scope, catalog)?, search_predicate(b, schema, cs, scope, catalog)?))
        }
        SearchPredicate::Or(a, b) => {
            Ok(boolean(BinaryOp::Or, search_predicate(a, schema, cs, scope, catalog)?, search_predicate(b, schema, cs, scope, catalog)?))
        }
        SearchPredicate::All => Ok(TExpr::literal(Literal::Bool(true), Span::default())),
        SearchPredicate::Expr(e) => {
            let t = expr::check_scalar(e, schema, scope, catalog)?;
            if !matches!(t.ty, KqlType::Bool | KqlType::Dynamic) {
                return Err(Error::semantic(e.span, format!("a search condition must be bool, but this expression is {}", t.ty))
                    .with_help("search for text with a string literal: search \"term\" or Column:\"term\""));
            }
            Ok(t)
        }
        SearchPredicate::Term { column: col, text, span } => {
            let targets: Vec<(String, KqlType)> = match col {
                Some(c) => vec![(c.name.clone(), schema.get(&c.name).ok_or_else(|| unknown_column(c, schema))?)],
                None => schema.columns.iter().filter(|(n, _)| n != "$table").cloned().collect(),
            };
            let Some((kind, pattern)) = search_term(text, cs) else {
                return Ok(TExpr::literal(Literal::Bool(true), *span));
            };
            let op = BinaryOp::Str(StringOp { kind, negated: false, case_sensitive: cs });
            let tostring = crate::functions::lookup("tostring").ok_or_else(|| Error::runtime("tostring missing from the registry"))?;
            let mut out: Option<TExpr> = None;
            for (name, ty) in targets {
                let mut lhs = column(&name, ty, *span);
                if ty != KqlType::String {
                    lhs = TExpr { kind: TExprKind::Call { func: tostring, args: vec![lhs] }, ty: KqlType::String, span: *span };
                }
                let rhs = TExpr::literal(Literal::String(pattern.clone()), *span);
                let test = boolean(op, lhs, rhs);
                out = Some(match out {
                    None => test,
                    Some(prev) => boolean(BinaryOp::Or, prev, test),
                });
            }
            Ok(out.unwrap_or_else(|| TExpr::literal(Literal::Bool(false), *span)))
        }
    }
}

/// The string operator and operand a search term stands for; `None` for a term of only
/// wildcards, which every row matches.
fn search_term(text: &str, cs: bool) -> Option<(StringOpKind, String)> {
    let inner = text.trim_matches('*');
    if inner.is_empty() {
        return None;
    }
    if inner.contains('*') {
        // `Lab*PC` is `matches regex @"\bLab.*PC\b"`.
        let body = inner.split('*').map(regex::escape).collect::<Vec<_>>().join(".*");
        let flags = if cs { "" } else { "(?i)" };
        return Some((StringOpKind::MatchesRegex, format!("{flags}\\b{body}\\b")));
    }
    let kind = match (text.starts_with('*'), text.ends_with('*')) {
        (true, true) => StringOpKind::Contains,
        (true, false) => StringOpKind::HasSuffix,
        (false, true) => StringOpKind::HasPrefix,
        (false, false) => StringOpKind::Has,
    };
    Some((kind, inner.to_string()))
}
