//! The operators that run a subquery per subtable: `mv-apply` (per input row) and
//! `partition` (per key value). Their subquery plans end in `Node::ApplyInput`;
//! `exec::mv_apply` runs them on all subtables at once. `scan` is here too: its steps read
//! a state of earlier rows, and it runs per partition inside `partition`.

use super::*;

/// `mv-apply` (mv-apply-operator.md): the subquery sees the subtable (the input row's
/// columns, the expanded items replacing the columns they expand, the item index). The
/// result (checked against Kusto's analyzer) is the input's non-expanded columns, each
/// as the subquery left it if it kept one of that name, then the subquery's other columns.
pub(super) fn check_mv_apply(input: Plan, m: &MvApply, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let input_schema = input.schema.clone();
    let leaf = Plan { node: Node::ApplyInput, schema: input_schema.clone() };
    let expanded = check_mv_expand(leaf, &m.expand, scope, catalog)?;
    let Node::MvExpand { items, item_index, limit, .. } = expanded.node else {
        return Err(Error::runtime("mv-apply: the expansion did not plan as mv-expand"));
    };
    let sub = check_subquery(expanded.schema, &m.subquery, "mv-apply", scope, catalog)?;
    let kept: Vec<(String, KqlType)> =
        input_schema.columns.iter().filter(|(n, _)| !items.iter().any(|(i, _, _)| i == n)).cloned().collect();
    let mut out: Vec<(String, KqlType)> = kept.iter().map(|(n, t)| (n.clone(), sub.schema.get(n).unwrap_or(*t))).collect();
    for (n, t) in &sub.schema.columns {
        if !kept.iter().any(|(k, _)| k == n) {
            out.push((n.clone(), *t));
        }
    }
    let node = Node::MvApply { input: Box::new(input), items, item_index, limit, subquery: Box::new(sub) };
    Ok(Plan { node, schema: Schema::new(out) })
}

/// The subquery of `mv-apply` or `partition`, over an implicit source with `schema`; only
/// operators that can run on every subtable at once are accepted.
fn check_subquery(schema: Schema, ops: &[Operator], operator: &str, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let mut sub = Plan { node: Node::ApplyInput, schema };
    for op in ops {
        if let OperatorKind::Render(r) = &op.kind {
            return Err(Error::semantic(r.span, format!("`render` cannot be inside a `{operator}` subquery")));
        }
        sub = check_operator(sub, op, scope, catalog)?;
        if let Some(what) = unsupported_per_row(&sub) {
            return Err(Error::unsupported(op.span, format!("{what} inside a `{operator}` subquery")).with_help(format!(
                "{operator} subqueries run where, extend, project, summarize, sort, top, take, distinct, count, mv-expand, parse, parse-kv, search, top-hitters, top-nested, make-series, sample and scan"
            )));
        }
    }
    Ok(sub)
}

/// `scan` (scan-operator.md): conditions and assignments see the row's columns, the
/// declared columns (their defaults) and `step.column`, the values the state holds for a
/// step; the result is the input's columns, the declared ones, then the match id.
pub(super) fn check_scan(input: Plan, sc: &Scan, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let mut columns = input.schema.columns.clone();
    let mut declared = Vec::new();
    for (name, ty, default) in &sc.declare {
        if columns.iter().any(|(c, _)| *c == name.name) {
            return Err(duplicate_column(&name.name, name.span));
        }
        let value = match default {
            None if *ty == KqlType::String => Literal::String(String::new()),
            None => Literal::Null(*ty),
            Some(d) => {
                let v = fold_constant(&expr::check_scalar(d, &Schema::default(), scope, catalog)?);
                let lit = v.as_literal().ok_or_else(|| Error::semantic(d.span, "a declared column's default must be a constant"))?;
                literal_to_type(lit, *ty)
                    .ok_or_else(|| Error::semantic(d.span, format!("`{}` is {ty}, but its default is {}", name.name, v.ty)))?
            }
        };
        columns.push((name.name.clone(), *ty));
        declared.push((name.name.clone(), *ty, value));
    }
    let step_names: Vec<String> = sc.steps.iter().map(|s| s.name.name.clone()).collect();
    for (n, st) in sc.steps.iter().enumerate() {
        if step_names[..n].contains(&st.name.name) {
            return Err(Error::semantic(st.name.span, format!("a step named `{}` is already declared", st.name.name)));
        }
    }
    let mut env = columns.clone();
    for st in &step_names {
        env.extend(columns.iter().map(|(c, t)| (crate::plan::scan_state_column(st, c), *t)));
    }
    let env = Schema::new(env);
    let mut steps = Vec::new();
    for st in &sc.steps {
        let condition = expr::check_scalar(&scan_references(&st.condition, &step_names), &env, scope, catalog)?;
        if !matches!(condition.ty, KqlType::Bool | KqlType::Dynamic) {
            return Err(Error::semantic(st.condition.span, format!("a step's condition must be bool, but this one is {}", condition.ty)));
        }
        let mut assignments = Vec::new();
        for (col, value) in &st.assignments {
            let Some(k) = declared.iter().position(|(d, _, _)| *d == col.name) else {
                let names = declared.iter().map(|(d, _, _)| d.as_str());
                let mut e = Error::semantic(col.span, format!("`{}` is not a declared column", col.name))
                    .with_help("a step assigns the columns of `declare (...)`");
                if let Some(n) = nearest(&col.name, names) {
                    e = e.with_help(format!("did you mean `{n}`?"));
                }
                return Err(e);
            };
            let v = expr::check_scalar(&scan_references(value, &step_names), &env, scope, catalog)?;
            let ty = declared[k].1;
            if v.ty != ty && !(v.ty.is_numeric() && ty.is_numeric()) && v.as_literal() != Some(&Literal::Null(v.ty)) {
                return Err(Error::semantic(value.span, format!("`{}` is {ty}, but this value is {}", col.name, v.ty)));
            }
            assignments.push((k, v));
        }
        steps.push(ScanStepPlan { name: st.name.name.clone(), output: st.output, condition, assignments });
    }
    if let Some(m) = &sc.match_id {
        if columns.iter().any(|(c, _)| *c == m.name) {
            return Err(duplicate_column(&m.name, m.span));
        }
        columns.push((m.name.clone(), KqlType::Long));
    }
    let node = Node::StepScan { input: Box::new(input), declared, steps, match_id: sc.match_id.as_ref().map(|m| m.name.clone()) };
    Ok(Plan { node, schema: Schema::new(columns) })
}

/// `e` with `step.column` (and `step['column']`) turned into the state column it reads.
fn scan_references(e: &Expr, steps: &[String]) -> Expr {
    let r = |x: &Expr| Box::new(scan_references(x, steps));
    let rs = |xs: &[Expr]| xs.iter().map(|x| scan_references(x, steps)).collect::<Vec<_>>();
    let state = |target: &Expr, column: &str| match &target.kind {
        ExprKind::Name(s) if steps.contains(s) => Some(ExprKind::Name(crate::plan::scan_state_column(s, column))),
        _ => None,
    };
    let kind = match &e.kind {
        ExprKind::Member { target, name } => match state(target, &name.name) {
            Some(k) => k,
            None => ExprKind::Member { target: r(target), name: name.clone() },
        },
        ExprKind::Index { target, index } => {
            let by_name = match &index.kind {
                ExprKind::Literal(Literal::String(c)) => state(target, c),
                _ => None,
            };
            by_name.unwrap_or_else(|| ExprKind::Index { target: r(target), index: r(index) })
        }
        ExprKind::Call { func, args } => ExprKind::Call { func: func.clone(), args: rs(args) },
        ExprKind::Unary { op, operand } => ExprKind::Unary { op: *op, operand: r(operand) },
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary { op: *op, lhs: r(lhs), rhs: r(rhs) },
        ExprKind::In { lhs, list, negated, case_sensitive } => {
            ExprKind::In { lhs: r(lhs), list: rs(list), negated: *negated, case_sensitive: *case_sensitive }
        }
        ExprKind::HasAny { lhs, list, all } => ExprKind::HasAny { lhs: r(lhs), list: rs(list), all: *all },
        ExprKind::Between { lhs, low, high, negated } => ExprKind::Between { lhs: r(lhs), low: r(low), high: r(high), negated: *negated },
        other => other.clone(),
    };
    Expr { kind, span: e.span }
}

/// `partition by Col (subquery)` (partition-operator.md): the union of the subquery's
/// results over the rows of each value of `Col`.
pub(super) fn check_partition(input: Plan, p: &Partition, scope: &Scope, catalog: &Catalog) -> Result<Plan> {
    let ty = input.schema.get(&p.key.name).ok_or_else(|| unknown_column(&p.key, &input.schema))?;
    if ty == KqlType::Dynamic {
        return Err(Error::semantic(p.key.span, "`partition` needs a scalar column, not a dynamic one"));
    }
    let sub = check_subquery(input.schema.clone(), &p.subquery, "partition", scope, catalog)?;
    let schema = sub.schema.clone();
    Ok(Plan { node: Node::Partition { input: Box::new(input), key: p.key.name.clone(), subquery: Box::new(sub) }, schema })
}

/// What in an `mv-apply` or `partition` subquery plan cannot run per subtable, if anything.
fn unsupported_per_row(plan: &Plan) -> Option<String> {
    const WINDOW: &[&str] = &["row_number", "prev", "next", "row_cumsum", "row_rank_dense", "row_rank_min"];
    let windowed = |e: &TExpr| uses_function(e, WINDOW).then(|| format!("`{}`", crate::plan::show(e)));
    let here = match &plan.node {
        Node::ApplyInput => return None,
        Node::Filter { predicate, .. } => windowed(predicate),
        Node::Project { columns, .. } => columns.iter().find_map(|(_, e)| windowed(e)),
        Node::Aggregate { .. }
        | Node::Sort { .. }
        | Node::Limit { .. }
        | Node::Distinct { .. }
        | Node::MvExpand { .. }
        | Node::Parse { .. }
        | Node::ParseKv { .. }
        | Node::StepScan { .. }
        | Node::Sample { .. }
        | Node::MakeSeries { .. }
        | Node::TopNested { .. } => None,
        Node::Join { .. } | Node::IpLookup { .. } => Some("a join".to_string()),
        Node::Union { .. } => Some("`union`".to_string()),
        Node::MvApply { .. } => Some("a nested `mv-apply`".to_string()),
        Node::Partition { .. } => Some("a nested `partition`".to_string()),
        _ => Some("this operator".to_string()),
    };
    here.or_else(|| plan.inputs().into_iter().find_map(unsupported_per_row))
}

/// Whether `e` calls one of `names`.
fn uses_function(e: &TExpr, names: &[&str]) -> bool {
    e.any(&|x| matches!(&x.kind, TExprKind::Call { func, .. } if names.contains(&func.name)))
}
