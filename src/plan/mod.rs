//! The logical plan: what the checked query computes, with every column and
//! expression typed and named the Kusto way. `semantic` builds it, `exec` lowers it to
//! one Polars LazyFrame, and `explain` prints it.

use crate::functions::Function;
use crate::span::Span;
use crate::syntax::ast::{BinaryOp, Literal, Render, UnaryOp};
use crate::types::{KqlType, Schema};
use std::fmt::Write;

/// A typed scalar expression.
#[derive(Debug, Clone, PartialEq)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: KqlType,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TExprKind {
    Column(String),
    Literal(Literal),
    Call {
        func: &'static Function,
        args: Vec<TExpr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<TExpr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    In {
        lhs: Box<TExpr>,
        list: Vec<Literal>,
        /// Tabular items of the list: their first column's values join `list` when the
        /// query runs.
        tables: Vec<Plan>,
        negated: bool,
        case_sensitive: bool,
    },
    Between {
        lhs: Box<TExpr>,
        low: Box<TExpr>,
        high: Box<TExpr>,
        negated: bool,
    },
    /// `x has_any (...)` / `x has_all (...)` with constant terms.
    HasAny {
        lhs: Box<TExpr>,
        terms: Vec<String>,
        /// Tabular items: their first column's values join `terms` when the query runs.
        tables: Vec<Plan>,
        all: bool,
    },
    /// `dyn[i]` / `dyn["key"]` / `dyn.key`
    Index {
        target: Box<TExpr>,
        index: Box<TExpr>,
    },
    /// `toscalar(...)`: the first value of the plan's first column (null without rows).
    Scalar(Box<Plan>),
}

impl TExpr {
    pub fn literal(lit: Literal, span: Span) -> TExpr {
        TExpr { ty: lit.kql_type(), kind: TExprKind::Literal(lit), span }
    }

    pub fn as_literal(&self) -> Option<&Literal> {
        match &self.kind {
            TExprKind::Literal(l) => Some(l),
            _ => None,
        }
    }

    /// The expressions this one is built from (a `toscalar` subquery is not one: it
    /// reads its own rows).
    pub fn children(&self) -> Vec<&TExpr> {
        match &self.kind {
            TExprKind::Column(_) | TExprKind::Literal(_) | TExprKind::Scalar(_) => Vec::new(),
            TExprKind::Call { args, .. } => args.iter().collect(),
            TExprKind::Unary { operand, .. } => vec![operand],
            TExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            TExprKind::In { lhs, .. } | TExprKind::HasAny { lhs, .. } => vec![lhs],
            TExprKind::Between { lhs, low, high, .. } => vec![lhs, low, high],
            TExprKind::Index { target, index } => vec![target, index],
        }
    }

    /// Whether this expression or one it is built from satisfies `test`.
    pub fn any(&self, test: &impl Fn(&TExpr) -> bool) -> bool {
        test(self) || self.children().into_iter().any(|c| c.any(test))
    }
}

/// One output column of an aggregation. `expr` may combine aggregate calls with scalar
/// arithmetic (`sum(InboundBytes_d)/(1024*1024)`); it is evaluated per group.
#[derive(Debug, Clone, PartialEq)]
pub struct AggColumn {
    pub name: String,
    pub expr: TExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortSpec {
    pub expr: TExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// One URI of an `externaldata` and the local file bound to it (`None` when checked
/// without data).
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalSource {
    pub uri: String,
    pub path: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub node: Node,
    pub schema: Schema,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scan {
        table: String,
    },
    Datatable {
        rows: Vec<Vec<Literal>>,
    },
    /// `externaldata`: files read into the plan's schema.
    ExternalData {
        sources: Vec<ExternalSource>,
        format: crate::source::ExternalFormat,
        skip_first: bool,
    },
    /// One row of constant or computed values.
    Print {
        columns: Vec<(String, TExpr)>,
    },
    Range {
        from: TExpr,
        to: TExpr,
        step: TExpr,
    },
    Filter {
        input: Box<Plan>,
        predicate: TExpr,
    },
    /// The output columns in order, each computed from the input row.
    Project {
        input: Box<Plan>,
        columns: Vec<(String, TExpr)>,
    },
    Aggregate {
        input: Box<Plan>,
        keys: Vec<(String, TExpr)>,
        aggregates: Vec<AggColumn>,
    },
    Sort {
        input: Box<Plan>,
        keys: Vec<SortSpec>,
    },
    Limit {
        input: Box<Plan>,
        count: usize,
    },
    Distinct {
        input: Box<Plan>,
        columns: Vec<String>,
    },
    /// `keys` pairs a left column with a right column (right names as in the right
    /// input); `right_names` gives each right column its output name.
    Join {
        left: Box<Plan>,
        right: Box<Plan>,
        kind: JoinKind,
        keys: Vec<(String, String)>,
        right_names: Vec<(String, String)>,
        /// Right columns (by input name) left out of the result: `lookup`'s keys.
        hidden_right: Vec<String>,
    },
    /// Inputs already projected to the union's columns, concatenated in order.
    Union {
        inputs: Vec<Plan>,
    },
    /// Per group, each aggregate as an array over the axis bins `from + k*step < to`, with
    /// `default` where a bin has no rows; then the axis values as an array.
    MakeSeries {
        input: Box<Plan>,
        keys: Vec<(String, TExpr)>,
        aggregates: Vec<(AggColumn, Literal)>,
        axis: (String, KqlType),
        from: Option<i64>,
        to: Option<i64>,
        step: i64,
    },
    /// `evaluate ipv4_lookup` / `ipv6_lookup`: each row joined to the lookup row whose
    /// range holds its address (the longest prefix when several do).
    IpLookup {
        input: Box<Plan>,
        lookup: Box<Plan>,
        source_key: String,
        lookup_key: String,
        return_unmatched: bool,
        /// IPv6 ranges (`ipv6_lookup`).
        v6: bool,
    },
    /// `top-nested`: per level, the top `count` groups (by the level's aggregate, within
    /// each group of the levels above).
    TopNested {
        input: Box<Plan>,
        levels: Vec<NestedLevel>,
    },
    /// Extracts regex groups of `source` into new or replaced columns.
    Parse {
        input: Box<Plan>,
        source: TExpr,
        regex: String,
        columns: Vec<(String, KqlType)>,
        keep_only_matches: bool,
    },
    /// Expands dynamic arrays or bags to rows, in parallel; `items` are (output column,
    /// expression, element type).
    MvExpand {
        input: Box<Plan>,
        items: Vec<(String, TExpr, KqlType)>,
        item_index: Option<String>,
        bag_as_array: bool,
        limit: Option<usize>,
    },
    /// `mv-apply`: each input row expanded (as `MvExpand`) into a subtable, `subquery` run on
    /// every subtable, then the input's non-expanded columns the subquery's result lacks
    /// added back from the row it came from.
    MvApply {
        input: Box<Plan>,
        items: Vec<(String, TExpr, KqlType)>,
        item_index: Option<String>,
        limit: Option<usize>,
        subquery: Box<Plan>,
    },
    /// `scan`: the rows matched in order against the steps' conditions (scan-operator.md);
    /// each match outputs the row extended with the declared columns.
    StepScan {
        input: Box<Plan>,
        declared: Vec<(String, KqlType, Literal)>,
        steps: Vec<ScanStepPlan>,
        match_id: Option<String>,
    },
    /// `partition`: `subquery` run on the rows of each value of `key`, results concatenated.
    Partition {
        input: Box<Plan>,
        key: String,
        subquery: Box<Plan>,
    },
    /// The subtable an `mv-apply` or `partition` subquery runs on (its implicit source).
    ApplyInput,
    /// `count` rows picked at random (all of them when there are fewer); with `distinct`,
    /// up to `count` distinct values of that column.
    Sample {
        input: Box<Plan>,
        count: usize,
        distinct: Option<String>,
    },
    /// `parse-kv`: the value of each key found in `source`, as a new column.
    ParseKv {
        input: Box<Plan>,
        source: TExpr,
        keys: Vec<(String, KqlType)>,
        spec: KvSpec,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanStepPlan {
    pub name: String,
    pub output: crate::syntax::ast::ScanOutput,
    pub condition: TExpr,
    /// (index into the declared columns, value)
    pub assignments: Vec<(usize, TExpr)>,
}

/// The column a scan condition reads for `step.column`: that step's value in the state.
pub fn scan_state_column(step: &str, column: &str) -> String {
    format!("__flowkql_scan_{step}__{column}")
}

/// How `parse-kv` finds keys and values.
#[derive(Debug, Clone, PartialEq)]
pub struct KvSpec {
    pub mode: KvMode,
    /// Opening and closing quote characters.
    pub quotes: Vec<(char, char)>,
    pub escapes: Vec<char>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KvMode {
    /// `pair_delimiter` and `kv_delimiter` given; `greedy` values run to the next key.
    Delimited { pair: String, kv: String, greedy: bool },
    /// No delimiters given: any non-alphanumeric character separates.
    Free,
    /// A regex whose two groups are the key and the value.
    Regex(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NestedLevel {
    pub count: Option<usize>,
    /// `with others = v`: one more row per parent group, keyed `v`, aggregating the rows
    /// outside the top `count` (the last level only).
    pub others: Option<Literal>,
    pub key: (String, TExpr),
    pub aggregate: AggColumn,
    pub descending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftSemi,
    RightSemi,
    LeftAnti,
    RightAnti,
}

impl JoinKind {
    /// Kusto's spellings, including the aliases `anti`, `leftantisemi`, `rightantisemi`.
    pub fn from_name(name: &str) -> Option<JoinKind> {
        Some(match name {
            "innerunique" => JoinKind::InnerUnique,
            "inner" => JoinKind::Inner,
            "leftouter" => JoinKind::LeftOuter,
            "rightouter" => JoinKind::RightOuter,
            "fullouter" | "outer" => JoinKind::FullOuter,
            "leftsemi" | "semi" => JoinKind::LeftSemi,
            "rightsemi" => JoinKind::RightSemi,
            "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
            "rightanti" | "rightantisemi" => JoinKind::RightAnti,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] =
        &["innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftsemi", "rightsemi", "leftanti", "rightanti"];

    /// Which sides' columns the result has.
    pub fn keeps(self) -> (bool, bool) {
        match self {
            JoinKind::LeftSemi | JoinKind::LeftAnti => (true, false),
            JoinKind::RightSemi | JoinKind::RightAnti => (false, true),
            _ => (true, true),
        }
    }
}

impl Plan {
    pub fn inputs(&self) -> Vec<&Plan> {
        match &self.node {
            Node::Filter { input, .. }
            | Node::Project { input, .. }
            | Node::Aggregate { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Distinct { input, .. }
            | Node::MvExpand { input, .. }
            | Node::MvApply { input, .. }
            | Node::ParseKv { input, .. }
            | Node::Sample { input, .. }
            | Node::Partition { input, .. }
            | Node::StepScan { input, .. }
            | Node::Parse { input, .. }
            | Node::MakeSeries { input, .. }
            | Node::TopNested { input, .. } => vec![input],
            Node::Join { left, right, .. } => vec![left, right],
            Node::IpLookup { input, lookup, .. } => vec![input, lookup],
            Node::Union { inputs } => inputs.iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// A checked query: the plan and what `render` asked for, if anything.
#[derive(Debug, Clone)]
pub struct CheckedQuery {
    pub plan: Plan,
    pub render: Option<Render>,
}

/// The logical plan as indented text, root first.
pub fn explain(plan: &Plan) -> String {
    let mut out = String::new();
    explain_into(plan, 0, &mut out);
    out
}

fn explain_into(plan: &Plan, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let cols = plan.schema.columns.iter().map(|(n, t)| format!("{n}:{t}")).collect::<Vec<_>>().join(", ");
    let line = match &plan.node {
        Node::Scan { table } => format!("Scan {table}"),
        Node::Datatable { rows } => format!("Datatable ({} rows)", rows.len()),
        Node::ExternalData { sources, format, skip_first } => {
            let files: Vec<String> = sources.iter().map(|s| s.path.as_ref().map_or(s.uri.clone(), |p| p.display().to_string())).collect();
            let skip = if *skip_first { ", first record skipped" } else { "" };
            format!("ExternalData {format:?} [{}]{skip}", files.join(", "))
        }
        Node::Print { columns } => format!("Print {}", named(columns)),
        Node::Range { from, to, step } => format!("Range from {} to {} step {}", show(from), show(to), show(step)),
        Node::Filter { predicate, .. } => format!("Filter {}", show(predicate)),
        Node::Project { columns, .. } => format!("Project {}", named(columns)),
        Node::Aggregate { keys, aggregates, .. } => {
            let aggs = aggregates.iter().map(|a| format!("{} = {}", a.name, show(&a.expr))).collect::<Vec<_>>().join(", ");
            format!("Aggregate [{aggs}] by [{}]", named(keys))
        }
        Node::Sort { keys, .. } => {
            let ks = keys
                .iter()
                .map(|k| {
                    let order = if k.descending { "desc" } else { "asc" };
                    let nulls = if k.nulls_first { "first" } else { "last" };
                    format!("{} {order} nulls {nulls}", show(&k.expr))
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("Sort {ks}")
        }
        Node::Limit { count, .. } => format!("Limit {count}"),
        Node::Distinct { columns, .. } => format!("Distinct {}", columns.join(", ")),
        Node::Join { kind, keys, .. } => {
            let on = keys.iter().map(|(l, r)| format!("$left.{l} == $right.{r}")).collect::<Vec<_>>().join(" and ");
            format!("Join {kind:?} on {on}")
        }
        Node::Union { inputs } => format!("Union ({} inputs)", inputs.len()),
        Node::TopNested { levels, .. } => {
            let ls = levels
                .iter()
                .map(|l| {
                    format!(
                        "{} of {} by {} = {}",
                        l.count.map(|c| c.to_string()).unwrap_or_default(),
                        show(&l.key.1),
                        l.aggregate.name,
                        show(&l.aggregate.expr)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("TopNested {ls}")
        }
        Node::IpLookup { source_key, lookup_key, v6, .. } => {
            format!("{} {source_key} in {lookup_key}", if *v6 { "Ipv6Lookup" } else { "Ipv4Lookup" })
        }
        Node::MakeSeries { aggregates, axis, step, .. } => {
            let aggs = aggregates
                .iter()
                .map(|(a, d)| format!("{} = {} default {}", a.name, show(&a.expr), show_literal(d)))
                .collect::<Vec<_>>()
                .join(", ");
            format!("MakeSeries [{aggs}] on {} step {step}", axis.0)
        }
        Node::Parse { source, regex, .. } => format!("Parse {} with regex {regex:?}", show(source)),
        Node::MvExpand { items, .. } => {
            format!("MvExpand {}", items.iter().map(|(n, e, t)| format!("{n} = {} to {t}", show(e))).collect::<Vec<_>>().join(", "))
        }
        Node::MvApply { items, .. } => {
            format!("MvApply {}", items.iter().map(|(n, e, t)| format!("{n} = {} to {t}", show(e))).collect::<Vec<_>>().join(", "))
        }
        Node::ApplyInput => "ApplyInput (each row's expanded subtable)".to_string(),
        Node::Partition { key, .. } => format!("Partition by {key}"),
        Node::StepScan { steps, .. } => {
            let steps = steps.iter().map(|st| format!("step {}: {}", st.name, show(&st.condition))).collect::<Vec<_>>().join("; ");
            format!("Scan with ({steps})")
        }
        Node::Sample { count, distinct: None, .. } => format!("Sample {count} rows at random"),
        Node::Sample { count, distinct: Some(c), .. } => format!("Sample {count} distinct values of {c} at random"),
        Node::ParseKv { source, keys, spec, .. } => {
            let keys = keys.iter().map(|(k, t)| format!("{k}:{t}")).collect::<Vec<_>>().join(", ");
            format!("ParseKv {} as ({keys}) {:?}", show(source), spec.mode)
        }
    };
    let _ = writeln!(out, "{pad}{line}  -> ({cols})");
    if let Node::MvApply { subquery, .. } | Node::Partition { subquery, .. } = &plan.node {
        let _ = writeln!(out, "{pad}  subquery (per subtable):");
        explain_into(subquery, depth + 2, out);
    }
    for input in plan.inputs() {
        explain_into(input, depth + 1, out);
    }
}

fn named(columns: &[(String, TExpr)]) -> String {
    columns
        .iter()
        .map(|(n, e)| match &e.kind {
            TExprKind::Column(c) if c == n => n.clone(),
            _ => format!("{n} = {}", show(e)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An expression in KQL-like text, for `explain` and messages.
pub fn show(e: &TExpr) -> String {
    match &e.kind {
        TExprKind::Column(c) => c.clone(),
        TExprKind::Literal(l) => show_literal(l),
        TExprKind::Call { func, args } => {
            format!("{}({})", func.name, args.iter().map(show).collect::<Vec<_>>().join(", "))
        }
        TExprKind::Unary { op, operand } => {
            let s = if *op == UnaryOp::Neg { "-" } else { "+" };
            format!("{s}{}", show(operand))
        }
        TExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
        }
        TExprKind::In { lhs, list, tables, negated, case_sensitive } => {
            let op = format!("{}in{}", if *negated { "!" } else { "" }, if *case_sensitive { "" } else { "~" });
            let mut items: Vec<String> = list.iter().map(show_literal).collect();
            items.extend(tables.iter().map(|p| format!("(table).{}", p.schema.columns.first().map_or("", |c| c.0.as_str()))));
            format!("{} {op} ({})", show(lhs), items.join(", "))
        }
        TExprKind::Between { lhs, low, high, negated } => {
            format!("{} {}between ({} .. {})", show(lhs), if *negated { "!" } else { "" }, show(low), show(high))
        }
        TExprKind::Index { target, index } => format!("{}[{}]", show(target), show(index)),
        TExprKind::Scalar(p) => format!("toscalar({})", p.schema.columns.first().map_or("", |c| c.0.as_str())),
        TExprKind::HasAny { lhs, terms, tables, all } => {
            let mut items = terms.clone();
            items.extend(tables.iter().map(|p| format!("(table).{}", p.schema.columns.first().map_or("", |c| c.0.as_str()))));
            format!("{} {} ({})", show(lhs), if *all { "has_all" } else { "has_any" }, items.join(", "))
        }
    }
}

pub fn show_literal(l: &Literal) -> String {
    match l {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(n) => format!("int({n})"),
        Literal::Long(n) => n.to_string(),
        Literal::Real(f) => format!("{f:?}"),
        Literal::String(s) => format!("{s:?}"),
        Literal::DateTime(ns) => format!("datetime({})", crate::text::format_datetime(*ns)),
        Literal::TimeSpan(ns) => format!("timespan({})", crate::text::format_timespan(*ns)),
        Literal::Guid(g) => format!("guid({g})"),
        Literal::Dynamic(v) => format!("dynamic({v})"),
        Literal::Null(t) => format!("{t}(null)"),
    }
}
