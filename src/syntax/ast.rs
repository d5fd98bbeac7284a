//! The syntax tree. Every node carries the [`Span`] of the text it came from, so later
//! stages (type checking, planning, even runtime errors) can point back into the query.

use crate::span::Span;
use crate::types::KqlType;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole query text: `let` statements, then one tabular expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// `declare query_parameters(name:type [= default], ...);`, in order.
    pub parameters: Vec<QueryParameter>,
    pub lets: Vec<Let>,
    pub body: Pipeline,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: LetValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// A scalar expression, or a bare name that may turn out to be a table.
    Scalar(Expr),
    /// A tabular expression (anything with a pipe or a tabular source).
    Tabular(Box<Pipeline>),
    /// A user-defined function: `(a:string, b:long = 5) { let ...; body }`.
    Function(Box<FunctionDef>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub params: Vec<Param>,
    /// `let` statements inside the body, then its value.
    pub lets: Vec<Let>,
    pub body: LetValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    /// `None` for a tabular parameter (`T:(*)` or `T:(a:long, ...)`).
    pub ty: Option<KqlType>,
    pub default: Option<Expr>,
}

/// `source | op | op ...`
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub source: Source,
    pub ops: Vec<Operator>,
    pub span: Span,
}

/// A declared query parameter (query-parameters-statement.md): its value comes from the
/// caller (`--set name=value`), else from its default.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParameter {
    pub name: Ident,
    pub ty: KqlType,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A table or a tabular `let` name.
    Table(Ident),
    /// `datatable(a:long, b:string)[1, "x", ...]`
    Datatable { columns: Vec<(Ident, KqlType)>, values: Vec<Expr> },
    /// `print a = 1, 2`
    Print(Vec<NamedExpr>),
    /// `range x from 1 to 10 step 1`
    Range { name: Ident, from: Box<Expr>, to: Box<Expr>, step: Box<Expr> },
    /// `( pipeline )`
    Nested(Box<Pipeline>),
    /// `union T1, T2` as the first thing in a pipeline.
    Union(Box<Union>),
    /// A call of a tabular user-defined function: `f(1, "x")`.
    Call { func: Ident, args: Vec<Expr> },
    /// `search [kind=...] [in (T1, T2*)] predicate` as the first thing in a pipeline.
    Search(Box<Search>),
    /// `find [withsource=C] [in (T1, T2*)] [where] predicate [project-smart | project ...]`
    Find(Box<Find>),
    /// `externaldata (a:string, ...) ["uri", ...] with (format="csv", ...)`
    ExternalData(Box<ExternalData>),
}

/// `find` (find-operator.md): rows of several tables matching a predicate, with the
/// columns the predicate names and those every table has, the rest packed in `pack_`.
#[derive(Debug, Clone, PartialEq)]
pub struct Find {
    pub with_source: Option<Ident>,
    pub tables: Option<Vec<Ident>>,
    pub predicate: SearchPredicate,
    /// `project Col, ... [, pack_all()]`; `None` is `project-smart`.
    pub project: Option<(Vec<Ident>, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OperatorKind {
    Where(Expr),
    Project(Vec<NamedExpr>),
    ProjectAway(Vec<Ident>),
    ProjectKeep(Vec<Ident>),
    ProjectRename(Vec<(Ident, Ident)>),
    ProjectReorder(Vec<(Ident, Option<SortOrder>)>),
    Extend(Vec<NamedExpr>),
    Summarize {
        aggregates: Vec<NamedExpr>,
        by: Vec<NamedExpr>,
    },
    Sort(Vec<SortKey>),
    Take(Expr),
    Top {
        count: Expr,
        key: SortKey,
    },
    Count,
    /// `distinct *` is an empty list.
    Distinct(Vec<Expr>),
    Render(Render),
    /// `join kind=... (right) on key, $left.a == $right.b`
    Join(Box<Join>),
    /// `union [kind=...] [withsource=Name] T1, (T2 | ...)`
    Union(Box<Union>),
    /// `mv-expand [kind=bag|array] [with_itemindex=I] [Name =] expr [to typeof(T)], ... [limit N]`
    MvExpand(Box<MvExpand>),
    /// `parse [kind=simple|regex|relaxed] expr with * "const" Col:type ...`; `parse-where`
    /// keeps only the rows that match.
    Parse(Box<Parse>),
    /// `getschema`: the input's columns and types as rows.
    GetSchema,
    /// `serialize [Name = expr, ...]`: marks the rows as ordered (for row_number, prev,
    /// next) and extends like `extend`.
    Serialize(Vec<NamedExpr>),
    /// `as [hint.materialized=true] Name`: names the result; the rows pass unchanged.
    As(Ident),
    /// `lookup [kind=leftouter|inner] (R) on keys`: a join that keeps the right side's key
    /// columns out of the result.
    Lookup(Box<Join>),
    /// `make-series agg() [default=v], ... on Axis [from a] [to b] step s [by ...]`
    MakeSeries(Box<MakeSeries>),
    /// `evaluate plugin(args, name = value) [: (schema)]`; `ipv4_lookup` and `bag_unpack`
    /// run, other plugins are named as unsupported.
    Evaluate {
        plugin: Ident,
        args: Vec<Expr>,
        named: Vec<(Ident, Expr)>,
        output: Option<OutputSchema>,
    },
    /// `top-nested [N] of Expr [with others = C] by [Name =] Agg [asc|desc], top-nested ...`
    TopNested(Vec<TopNestedLevel>),
    /// `invoke f(args)`: a function whose first parameter is a table gets the rows.
    Invoke {
        func: Ident,
        args: Vec<Expr>,
    },
    /// `mv-apply [with_itemindex=I] [Name =] expr [to typeof(T)], ... [limit N] on (subquery)`
    MvApply(Box<MvApply>),
    /// `search [kind=case_sensitive] predicate`
    Search(Box<Search>),
    /// `parse-kv expr as (Key:type, ...) [with (pair_delimiter=..., kv_delimiter=..., ...)]`
    ParseKv(Box<ParseKv>),
    /// `scan [with_match_id=Id] [declare (C:type [= v], ...)] with (step s: cond [=> C = e, ...]; ...)`
    Scan(Box<Scan>),
    /// `partition [hint.strategy=...] by Col (subquery)`
    Partition(Box<Partition>),
    /// `top-hitters N of Column [by SummingExpr]`
    TopHitters {
        count: Expr,
        of: Expr,
        by: Option<Expr>,
    },
    /// `sample N`: N rows picked at random.
    Sample(Expr),
    /// `sample-distinct N of Column`: up to N distinct values of the column.
    SampleDistinct {
        count: Expr,
        column: Ident,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseKv {
    pub expr: Expr,
    pub keys: Vec<(Ident, KqlType)>,
    /// `with (...)` in order: `quote` and `escape` may repeat.
    pub options: Vec<(Ident, Literal)>,
}

/// `externaldata` (externaldata-operator.md): a table declared in the query, read from
/// files named by URI.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalData {
    pub columns: Vec<(Ident, KqlType)>,
    /// The URIs, with their spans, in order.
    pub uris: Vec<(String, Span)>,
    /// `with (...)`: `format`, `ignoreFirstRecord`, ...
    pub properties: Vec<(Ident, Literal)>,
}

/// `scan` (scan-operator.md): steps matched against the rows in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub match_id: Option<Ident>,
    pub declare: Vec<(Ident, KqlType, Option<Expr>)>,
    pub steps: Vec<ScanStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutput {
    All,
    Last,
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    pub name: Ident,
    pub output: ScanOutput,
    pub condition: Expr,
    pub assignments: Vec<(Ident, Expr)>,
}

/// `partition`: the subquery (with no source of its own) runs on the rows of each key value.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub key: Ident,
    pub subquery: Vec<Operator>,
}

/// `search`: a predicate over whole rows (search-operator.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub case_sensitive: bool,
    /// `in (T1, A*)`; `None` searches the piped input, or every table as a source.
    pub tables: Option<Vec<Ident>>,
    pub predicate: SearchPredicate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SearchPredicate {
    And(Box<SearchPredicate>, Box<SearchPredicate>),
    Or(Box<SearchPredicate>, Box<SearchPredicate>),
    /// `"term"` (in any column) or `Col:"term"`; `*` in the term is a wildcard.
    Term {
        column: Option<Ident>,
        text: String,
        span: Span,
    },
    /// `search *`: every row.
    All,
    /// Any other condition, as in `where`.
    Expr(Expr),
}

/// `mv-apply`: the expansion (as `mv-expand`, never `kind=array`) and the subquery run on
/// each input row's subtable; the subquery has no source of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct MvApply {
    pub expand: MvExpand,
    pub subquery: Vec<Operator>,
    pub subquery_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    pub count: Option<Expr>,
    pub of: NamedExpr,
    pub others: Option<Expr>,
    pub aggregate: NamedExpr,
    pub order: SortOrder,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    pub aggregates: Vec<(NamedExpr, Option<Expr>)>,
    pub axis: Ident,
    pub from: Option<Expr>,
    pub to: Option<Expr>,
    pub step: Expr,
    pub by: Vec<NamedExpr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Simple,
    Regex,
    Relaxed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    pub kind: ParseKind,
    pub flags: Option<String>,
    pub expr: Expr,
    pub pattern: Vec<ParsePart>,
    pub keep_only_matches: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParsePart {
    Wildcard,
    Text(String),
    Column(Ident, Option<KqlType>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MvExpand {
    /// `kind=array` (or `bagexpansion=array`): a property bag expands to [key, value] arrays.
    pub bag_as_array: bool,
    pub item_index: Option<Ident>,
    pub items: Vec<MvExpandItem>,
    pub limit: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MvExpandItem {
    pub name: Option<Ident>,
    pub expr: Expr,
    pub to: Option<(KqlType, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// `None` is Kusto's default, `innerunique`.
    pub kind: Option<Ident>,
    pub right: Pipeline,
    pub on: Vec<JoinKey>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JoinKey {
    /// `on Col`: the same column name on both sides.
    Same(Ident),
    /// `on $left.A == $right.B`
    Pair { left: Ident, right: Ident },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub kind: Option<Ident>,
    pub with_source: Option<Ident>,
    /// `isfuzzy=true`: legs that do not resolve are left out (with a warning).
    pub fuzzy: bool,
    pub tables: Vec<Pipeline>,
}

impl OperatorKind {
    /// The operator's keyword as written in KQL, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            OperatorKind::Where(_) => "where",
            OperatorKind::Project(_) => "project",
            OperatorKind::ProjectAway(_) => "project-away",
            OperatorKind::ProjectKeep(_) => "project-keep",
            OperatorKind::ProjectRename(_) => "project-rename",
            OperatorKind::ProjectReorder(_) => "project-reorder",
            OperatorKind::Extend(_) => "extend",
            OperatorKind::Summarize { .. } => "summarize",
            OperatorKind::Sort(_) => "sort",
            OperatorKind::Take(_) => "take",
            OperatorKind::Top { .. } => "top",
            OperatorKind::Count => "count",
            OperatorKind::Distinct(_) => "distinct",
            OperatorKind::Render(_) => "render",
            OperatorKind::Join(_) => "join",
            OperatorKind::Union(_) => "union",
            OperatorKind::MvExpand(_) => "mv-expand",
            OperatorKind::Parse(p) if p.keep_only_matches => "parse-where",
            OperatorKind::Parse(_) => "parse",
            OperatorKind::GetSchema => "getschema",
            OperatorKind::Serialize(_) => "serialize",
            OperatorKind::As(_) => "as",
            OperatorKind::Lookup(_) => "lookup",
            OperatorKind::MakeSeries(_) => "make-series",
            OperatorKind::Evaluate { .. } => "evaluate",
            OperatorKind::TopNested(_) => "top-nested",
            OperatorKind::Invoke { .. } => "invoke",
            OperatorKind::MvApply(_) => "mv-apply",
            OperatorKind::Search(_) => "search",
            OperatorKind::ParseKv(_) => "parse-kv",
            OperatorKind::TopHitters { .. } => "top-hitters",
            OperatorKind::Partition(_) => "partition",
            OperatorKind::Scan(_) => "scan",
            OperatorKind::Sample(_) => "sample",
            OperatorKind::SampleDistinct { .. } => "sample-distinct",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub order: SortOrder,
    /// `None` takes Kusto's default: nulls last for `desc`, first for `asc`.
    pub nulls_first: Option<bool>,
    pub span: Span,
}

/// `Name = expr` or a bare `expr` (its name is derived the Kusto way).
/// A plugin's declared output: `: (*, Name:string, Age:long)`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    /// `*`: the input's columns come first.
    pub star: bool,
    pub columns: Vec<(Ident, KqlType)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedExpr {
    pub name: Option<Ident>,
    /// `(a, b) = f(...)`: the names of a function's several result columns.
    pub names: Vec<Ident>,
    pub expr: Expr,
    pub span: Span,
}

/// `render piechart with (title="...", ycolumns=a, b)`
#[derive(Debug, Clone, PartialEq)]
pub struct Render {
    pub visualization: Ident,
    pub properties: Vec<RenderProperty>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenderProperty {
    pub name: Ident,
    pub value: RenderValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RenderValue {
    Literal(Literal),
    /// A name (`legend=hidden`, `kind=stacked`) or a list of column names (`ycolumns=a, b`).
    Names(Vec<Ident>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// A column or a scalar `let` name.
    Name(String),
    /// `f(args)`; also aggregates such as `count()`.
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `x in (a, b)`, `x !in~ (...)`
    In {
        lhs: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        case_sensitive: bool,
    },
    /// `x has_any ("a", "b")`, `x has_all (...)`
    HasAny {
        lhs: Box<Expr>,
        list: Vec<Expr>,
        all: bool,
    },
    /// `x between (a .. b)`
    Between {
        lhs: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `toscalar(T | ...)`: the first column of the tabular expression's first row.
    ToScalar(Box<Pipeline>),
    /// A tabular expression in an `in` list (`x in (T | project c)`): its first column's values.
    Tabular(Box<Pipeline>),
    /// `a[0]`, `a["key"]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `a.key`
    Member {
        target: Box<Expr>,
        name: Ident,
    },
    /// `*` inside `count(*)` or `distinct *`.
    Star,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~`
    EqCi,
    /// `!~`
    NotEqCi,
    And,
    Or,
    Str(StringOp),
}

/// The string predicates (`contains`, `has`, ...), each with its negated and
/// case-sensitive forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringOp {
    pub kind: StringOpKind,
    pub negated: bool,
    pub case_sensitive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringOpKind {
    Contains,
    Has,
    HasPrefix,
    HasSuffix,
    StartsWith,
    EndsWith,
    MatchesRegex,
}

impl BinaryOp {
    pub fn symbol(self) -> String {
        match self {
            BinaryOp::Add => "+".into(),
            BinaryOp::Sub => "-".into(),
            BinaryOp::Mul => "*".into(),
            BinaryOp::Div => "/".into(),
            BinaryOp::Mod => "%".into(),
            BinaryOp::Eq => "==".into(),
            BinaryOp::NotEq => "!=".into(),
            BinaryOp::Lt => "<".into(),
            BinaryOp::Le => "<=".into(),
            BinaryOp::Gt => ">".into(),
            BinaryOp::Ge => ">=".into(),
            BinaryOp::EqCi => "=~".into(),
            BinaryOp::NotEqCi => "!~".into(),
            BinaryOp::And => "and".into(),
            BinaryOp::Or => "or".into(),
            BinaryOp::Str(s) => s.keyword(),
        }
    }
}

impl StringOp {
    pub fn keyword(self) -> String {
        let base = match self.kind {
            StringOpKind::Contains => "contains",
            StringOpKind::Has => "has",
            StringOpKind::HasPrefix => "hasprefix",
            StringOpKind::HasSuffix => "hassuffix",
            StringOpKind::StartsWith => "startswith",
            StringOpKind::EndsWith => "endswith",
            StringOpKind::MatchesRegex => "matches regex",
        };
        let neg = if self.negated { "!" } else { "" };
        let cs = if self.case_sensitive && self.kind != StringOpKind::MatchesRegex { "_cs" } else { "" };
        format!("{neg}{base}{cs}")
    }
}

/// A literal value as written. Datetimes are nanoseconds since the Unix epoch (UTC) and
/// timespans nanoseconds, matching the Polars columns that hold them.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    String(String),
    DateTime(i64),
    TimeSpan(i64),
    Guid(String),
    Dynamic(serde_json::Value),
    /// `long(null)`, `datetime(null)`, ...
    Null(KqlType),
}

impl Literal {
    pub fn kql_type(&self) -> KqlType {
        match self {
            Literal::Bool(_) => KqlType::Bool,
            Literal::Int(_) => KqlType::Int,
            Literal::Long(_) => KqlType::Long,
            Literal::Real(_) => KqlType::Real,
            Literal::String(_) => KqlType::String,
            Literal::DateTime(_) => KqlType::DateTime,
            Literal::TimeSpan(_) => KqlType::TimeSpan,
            Literal::Guid(_) => KqlType::Guid,
            Literal::Dynamic(_) => KqlType::Dynamic,
            Literal::Null(t) => *t,
        }
    }
}
