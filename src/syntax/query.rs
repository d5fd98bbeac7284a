//! Statements, tabular sources and the tabular operators after `|`.

use super::ast::*;
use super::expr::{comparison, expr, expr_list};
use super::lex::{ident, keyword, number, peek_word, pos, punct, sp, span_from, string_lit, typed_literal};
use super::{cut_expect, fail, failure, unsupported, In, PErr, PResult};
use crate::error::nearest;
use crate::error::Error;
use crate::span::Span;
use crate::types::KqlType;
use nom::{Input, Parser};

/// query := (declare ";")* (let_stmt ";")* pipeline ";"? EOF
pub fn query(i: In) -> PResult<Query> {
    let (mut i, _) = sp(i)?;
    let start = i;
    let mut parameters = Vec::new();
    while let Ok((rest, _)) = keyword("declare")(i) {
        let (rest, declared) = query_parameters(rest)?;
        let (rest, _) = cut_expect(punct(";"), "`;` after `declare query_parameters(...)`")(rest)?;
        parameters.extend(declared);
        i = rest;
    }
    let mut lets = Vec::new();
    loop {
        let Ok((rest, let_span)) = keyword("let")(i) else {
            break;
        };
        let (rest, l) = let_stmt(rest, let_span)?;
        let (rest, _) = cut_expect(punct(";"), "`;` after the `let` statement")(rest)?;
        lets.push(l);
        i = rest;
    }
    if let Some(e) = remote_reference(i) {
        return Err(failure(e));
    }
    let (i, body) = cut_expect(pipeline, "a tabular expression (a table name, datatable, print or range)")(i)?;
    let after_body = i;
    let i = punct(";")(i).map(|(r, _)| r).unwrap_or(i);
    let (i, _) = sp(i)?;
    if !i.fragment().is_empty() {
        if i.fragment().starts_with('|') {
            return Err(fail(&i, "an operator after `|`"));
        }
        // `T | take 1; T | take 2`: a batch, which returns one table per statement.
        if punct(";")(after_body).is_ok() && pipeline(i).is_ok() {
            let at = Span::new(pos(&i), pos(&i) + i.fragment().trim_end().len());
            return Err(failure(
                Error::unsupported(at, "several tabular statements in one query (a batch, one result table each)")
                    .with_help("run each statement as its own query; a run returns one table"),
            ));
        }
        return Err(fail(&i, "`|` and an operator, or the end of the query"));
    }
    let span = span_from(&start, &i);
    Ok((i, Query { parameters, lets, body, span }))
}

/// declare := "declare" "query_parameters" "(" name ":" type ("=" expr)? ("," ...)* ")"
fn query_parameters(i: In) -> PResult<Vec<QueryParameter>> {
    let (i, what) = cut_expect(ident, "`query_parameters` after `declare`")(i)?;
    if what.name != "query_parameters" {
        return Err(failure(Error::unsupported(what.span, format!("`declare {}`", what.name))));
    }
    let (i, _) = cut_expect(punct("("), "`(` and the parameters, as `name:type = default, ...`")(i)?;
    let parameter = |i| {
        let (rest, (name, ty)) = typed_column(i)?;
        match punct("=")(rest) {
            Ok((r, _)) => {
                let (r, e) = cut_expect(expr, "the parameter's default value")(r)?;
                Ok((r, QueryParameter { name, ty, default: Some(e) }))
            }
            Err(_) => Ok((rest, QueryParameter { name, ty, default: None })),
        }
    };
    closed_list(i, parameter, ")", "`,` or `)` in the query parameters")
}

/// `cluster('c').database('d').T` and `database('d').T`: tables of another database,
/// which an offline run does not have.
fn remote_reference(i: In) -> Option<Error> {
    let (rest, _) = sp(i).ok()?;
    let (after, name) = ident(rest).ok()?;
    if !matches!(name.name.as_str(), "cluster" | "database") || punct("(")(after).is_err() {
        return None;
    }
    Some(
        Error::unsupported(name.span, format!("reading the tables of another {} (`{}(...)`)", name.name, name.name))
            .with_help("bind the table's data with --table NAME=PATH and name the table directly"),
    )
}

/// let_stmt := "let" name "=" (pipeline | expr)
fn let_stmt(i: In, let_span: Span) -> PResult<Let> {
    let (i, name) = cut_expect(ident, "a name after `let`")(i)?;
    let (i, _) = cut_expect(punct("="), "`=` after the `let` name")(i)?;
    let (i, _) = sp(i)?;
    let after_eq = i;
    if i.fragment().starts_with('(') {
        // `(a:string) { ... }` is a user-defined function; `( T | ... )` a tabular value.
        if looks_like_function(i) {
            let (rest, def) = function_def(i)?;
            let span = Span::new(let_span.start, def.span.end);
            return Ok((rest, Let { name, value: LetValue::Function(Box::new(def)), span }));
        }
        if let Ok((rest, p)) = pipeline(i) {
            if !p.ops.is_empty() || matches!(p.source.kind, SourceKind::Nested(_)) && rest.fragment().trim_start().starts_with(';') {
                let span = Span::new(let_span.start, p.span.end);
                return Ok((rest, Let { name, value: LetValue::Tabular(Box::new(p)), span }));
            }
        }
    }
    let word = peek_word(&after_eq);
    if matches!(
        word.as_str(),
        "datatable" | "range" | "print" | "materialize" | "union" | "externaldata" | "external_data" | "search" | "find"
    ) && tabular_source_start(&after_eq)
    {
        let (rest, p) = pipeline(after_eq)?;
        let span = Span::new(let_span.start, p.span.end);
        return Ok((rest, Let { name, value: LetValue::Tabular(Box::new(p)), span }));
    }
    if matches!(word.as_str(), "view" | "toscalar") {
        let (r, w) = ident(after_eq)?;
        if w.name != "toscalar" || punct("(")(r).is_err() {
            return Err(unsupported(w.span, format!("`{}`", w.name)));
        }
    }
    let (rest, value) = cut_expect(expr, "an expression or a tabular expression after `=`")(after_eq)?;
    if let (Ok(_), ExprKind::Name(n)) = (punct("|")(rest), &value.kind) {
        // `let T = Table | where ...;`
        let src_ident = Ident { name: n.clone(), span: value.span };
        let source = Source { kind: SourceKind::Table(src_ident), span: value.span };
        let (rest, ops) = operators(rest)?;
        let end = ops.last().map(|o| o.span.end).unwrap_or(value.span.end);
        let p = Pipeline { source, ops, span: Span::new(value.span.start, end) };
        let span = Span::new(let_span.start, end);
        return Ok((rest, Let { name, value: LetValue::Tabular(Box::new(p)), span }));
    }
    let span = Span::new(let_span.start, value.span.end);
    Ok((rest, Let { name, value: LetValue::Scalar(value), span }))
}

/// `(` `)` `{`, or `(` name `:` starts a function definition.
fn looks_like_function(i: In) -> bool {
    let Ok((r, _)) = punct("(")(i) else { return false };
    if let Ok((r2, _)) = punct(")")(r) {
        return punct("{")(r2).is_ok();
    }
    ident(r).is_ok_and(|(r2, _)| punct(":")(r2).is_ok())
}

/// function := "(" (param ("," param)*)? ")" "{" (let_stmt ";")* (pipeline | expr) ";"? "}"
/// param := name ":" (type ("=" expr)? | "(" ("*" | column_decl ("," column_decl)*) ")")
fn function_def(i: In) -> PResult<FunctionDef> {
    let (i, open) = punct("(")(i)?;
    let mut params = Vec::new();
    let mut i = i;
    if let Ok((r, _)) = punct(")")(i) {
        i = r;
    } else {
        loop {
            let (r, name) = cut_expect(ident, "a parameter name")(i)?;
            let (r, _) = cut_expect(punct(":"), "`:` and the parameter's type")(r)?;
            let (r, ty, default) = if let Ok((r2, _)) = punct("(")(r) {
                // A tabular parameter: its columns do not matter for checking the call.
                let mut depth = 1;
                let mut r2 = r2;
                while depth > 0 {
                    let frag = *r2.fragment();
                    let Some(c) = frag.chars().next() else {
                        return Err(fail(&r2, "`)` closing the tabular parameter"));
                    };
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    r2 = r2.take_from(c.len_utf8());
                }
                (r2, None, None)
            } else {
                let (r2, t) = cut_expect(ident, "a type name (string, long, datetime, ...)")(r)?;
                let Some(ty) = KqlType::from_name(&t.name) else {
                    return Err(fail(&r, "a type name (string, long, datetime, ...)"));
                };
                match punct("=")(r2) {
                    Ok((r3, _)) => {
                        let (r3, d) = cut_expect(expr, "a default value")(r3)?;
                        (r3, Some(ty), Some(d))
                    }
                    Err(_) => (r2, Some(ty), None),
                }
            };
            params.push(Param { name, ty, default });
            match punct(",")(r) {
                Ok((r2, _)) => i = r2,
                Err(_) => {
                    let (r2, _) = cut_expect(punct(")"), "`,` or `)` after the parameter")(r)?;
                    i = r2;
                    break;
                }
            }
        }
    }
    let (mut i, _) = cut_expect(punct("{"), "`{` and the function body")(i)?;
    let mut lets = Vec::new();
    while let Ok((r, let_span)) = keyword("let")(i) {
        let (r, l) = let_stmt(r, let_span)?;
        let (r, _) = cut_expect(punct(";"), "`;` after the `let` statement")(r)?;
        lets.push(l);
        i = r;
    }
    let (i, body) = function_body(i)?;
    let i = punct(";")(i).map(|(r, _)| r).unwrap_or(i);
    let (i, close) = cut_expect(punct("}"), "`}` closing the function body")(i)?;
    Ok((i, FunctionDef { params, lets, body, span: Span::new(open.start, close.end) }))
}

/// A function body's value: a tabular expression when it has a pipe or a tabular source,
/// else a scalar expression.
fn function_body(i: In) -> PResult<LetValue> {
    if let Ok((rest, p)) = pipeline(i) {
        let ends = punct("}")(rest).is_ok() || punct(";")(rest).is_ok();
        if ends && (!p.ops.is_empty() || !matches!(p.source.kind, SourceKind::Table(_) | SourceKind::Call { .. })) {
            return Ok((rest, LetValue::Tabular(Box::new(p))));
        }
    }
    let (rest, e) = cut_expect(expr, "the function's value (an expression or a tabular expression)")(i)?;
    if let (Ok(_), ExprKind::Name(n)) = (punct("|")(rest), &e.kind) {
        let source = Source { kind: SourceKind::Table(Ident { name: n.clone(), span: e.span }), span: e.span };
        let (rest, ops) = operators(rest)?;
        let end = ops.last().map(|o| o.span.end).unwrap_or(e.span.end);
        return Ok((rest, LetValue::Tabular(Box::new(Pipeline { source, ops, span: Span::new(e.span.start, end) }))));
    }
    Ok((rest, LetValue::Scalar(e)))
}

fn tabular_source_start(i: &In) -> bool {
    let Ok((rest, w)) = ident(*i) else {
        return false;
    };
    match w.name.as_str() {
        "datatable" => punct("(")(rest).is_ok(),
        "print" => true,
        "range" => ident(rest).is_ok(),
        "materialize" => punct("(")(rest).is_ok(),
        "union" | "externaldata" | "external_data" => true,
        "search" | "find" => !rest.fragment().trim_start().starts_with(['(', '[', '.']),
        _ => false,
    }
}

/// pipeline := source ("|" operator)*
pub fn pipeline(i: In) -> PResult<Pipeline> {
    let (i, source) = source(i)?;
    let (i, ops) = operators(i)?;
    let end = ops.last().map(|o| o.span.end).unwrap_or(source.span.end);
    let span = Span::new(source.span.start, end);
    Ok((i, Pipeline { source, ops, span }))
}

fn operators(mut i: In) -> PResult<Vec<Operator>> {
    let mut ops = Vec::new();
    while let Ok((rest, _)) = punct("|")(i) {
        let (rest, op) = operator(rest)?;
        ops.push(op);
        i = rest;
    }
    Ok((i, ops))
}

/// source := "datatable" "(" columns ")" "[" values "]" | "print" named_exprs
///         | "range" name "from" expr "to" expr "step" expr | "(" pipeline ")" | name
fn source(i: In) -> PResult<Source> {
    let (i, _) = sp(i)?;
    let start = i;
    if i.fragment().starts_with('(') {
        let (rest, _) = punct("(")(i)?;
        let (rest, inner) = cut_expect(pipeline, "a tabular expression inside `( )`")(rest)?;
        let (rest, _) = cut_expect(punct(")"), "`)`")(rest)?;
        return Ok((rest, Source { kind: SourceKind::Nested(Box::new(inner)), span: span_from(&start, &rest) }));
    }
    let (rest, name) = ident(i).map_err(|_| nom::Err::Error(PErr::expected(&i, "a table name")))?;
    let kind = match name.name.as_str() {
        "datatable" if punct("(")(rest).is_ok() => return datatable(start, rest),
        "print" => {
            let (rest, items) = named_exprs(rest, "an expression to print")?;
            return Ok((rest, Source { kind: SourceKind::Print(items), span: span_from(&start, &rest) }));
        }
        "range" if ident(rest).is_ok() => return range(start, rest),
        "union" => {
            let (rest, u) = union_body(rest)?;
            return Ok((rest, Source { kind: SourceKind::Union(Box::new(u)), span: span_from(&start, &rest) }));
        }
        "materialize" if punct("(")(rest).is_ok() => {
            // materialize(T) caches T for reuse; here it is T itself.
            let (r, _) = punct("(")(rest)?;
            let (r, inner) = cut_expect(pipeline, "a tabular expression inside materialize( )")(r)?;
            let (r, _) = cut_expect(punct(")"), "`)` closing materialize")(r)?;
            return Ok((r, Source { kind: SourceKind::Nested(Box::new(inner)), span: span_from(&start, &r) }));
        }
        "search" => {
            let (rest, s) = search_body(rest, true)?;
            return Ok((rest, Source { kind: SourceKind::Search(Box::new(s)), span: span_from(&start, &rest) }));
        }
        // `external_data` is the other spelling the documentation uses.
        "externaldata" | "external_data" => {
            let (rest, e) = externaldata(rest)?;
            return Ok((rest, Source { kind: SourceKind::ExternalData(Box::new(e)), span: span_from(&start, &rest) }));
        }
        "find" => {
            let (rest, f) = find_body(rest)?;
            return Ok((rest, Source { kind: SourceKind::Find(Box::new(f)), span: span_from(&start, &rest) }));
        }
        "materialize" | "view" | "evaluate" => {
            return Err(unsupported(name.span, format!("the `{}` source", name.name)));
        }
        _ if punct("(")(rest).is_ok() => {
            let (r, _) = punct("(")(rest)?;
            let (r, args) = expr_list(r)?;
            let (r, _) = cut_expect(punct(")"), &format!("`,` or `)` in the arguments of `{}`", name.name))(r)?;
            return Ok((r, Source { kind: SourceKind::Call { func: name, args }, span: span_from(&start, &r) }));
        }
        _ => SourceKind::Table(name),
    };
    Ok((rest, Source { kind, span: span_from(&start, &rest) }))
}

/// `name:type`, as datatable columns and plugin output schemas declare them.
fn typed_column(i: In) -> PResult<(Ident, KqlType)> {
    let (rest, col) = cut_expect(ident, "a column name in `(name:type, ...)`")(i)?;
    let (rest, _) = cut_expect(punct(":"), "`:` and a type after the column name")(rest)?;
    let (rest, ty_name) = cut_expect(ident, "a type name (long, string, datetime, ...)")(rest)?;
    let Some(ty) = KqlType::from_name(&ty_name.name) else {
        let names = KqlType::ALL.iter().map(|t| t.name());
        let mut e = fail(&rest, "a type name");
        if let nom::Err::Failure(pe) = &mut e {
            pe.offset = ty_name.span.start;
            pe.help = nearest(&ty_name.name, names).map(|n| format!("did you mean `{n}`?"));
        }
        return Err(e);
    };
    Ok((rest, (col, ty)))
}

/// `name:type, ...)` after the `(` of a declared table; `what` names it in messages.
fn column_decls<'a>(i: In<'a>, what: &str) -> PResult<'a, Vec<(Ident, KqlType)>> {
    closed_list(i, typed_column, ")", &format!("`,` or `)` in the {what} columns"))
}

/// `item ("," item)* close`, after the list's opening: the items, and the input after
/// `close`. `expected` is the message when an item is followed by neither.
fn closed_list<'a, T>(
    mut i: In<'a>,
    mut item: impl FnMut(In<'a>) -> PResult<'a, T>,
    close: &'static str,
    expected: &str,
) -> PResult<'a, Vec<T>> {
    let mut items = Vec::new();
    loop {
        let (rest, x) = item(i)?;
        items.push(x);
        match punct(",")(rest) {
            Ok((rest, _)) => i = rest,
            Err(_) => {
                let (rest, _) = cut_expect(punct(close), expected)(rest)?;
                return Ok((rest, items));
            }
        }
    }
}

fn datatable<'a>(start: In<'a>, i: In<'a>) -> PResult<'a, Source> {
    let (i, _) = punct("(")(i)?;
    let (i, columns) = column_decls(i, "datatable")?;
    let (i, _) = cut_expect(punct("["), "`[` and the datatable's values")(i)?;
    // A comma may follow the last value (`[1, 2,]`), as Kusto allows.
    let (i, values) = super::expr::expr_list_closed_by(i, Some("]"), "a value after `,`")?;
    let (i, _) = cut_expect(punct("]"), "`,` or `]` after the datatable's values")(i)?;
    Ok((i, Source { kind: SourceKind::Datatable { columns, values }, span: span_from(&start, &i) }))
}

/// A plugin's positional and `name = value` arguments.
type PluginArgs = (Vec<Expr>, Vec<(Ident, Expr)>);

/// A plugin's arguments: expressions, then or among them `name = value`.
fn plugin_args(mut i: In) -> PResult<PluginArgs> {
    let (mut args, mut named) = (Vec::new(), Vec::new());
    if punct(")")(i).is_ok() {
        return Ok((i, (args, named)));
    }
    loop {
        let (lead, _) = sp(i)?;
        let name_eq = ident(lead)
            .ok()
            .and_then(|(r, n)| punct("=")(r).ok().filter(|(a, _)| !a.fragment().starts_with(['=', '~'])).map(|(a, _)| (a, n)));
        let rest = match name_eq {
            Some((after, n)) => {
                let (rest, e) = cut_expect(expr, &format!("a value after `{} =`", n.name))(after)?;
                named.push((n, e));
                rest
            }
            None => {
                let (rest, e) = cut_expect(expr, "a plugin argument")(i)?;
                args.push(e);
                rest
            }
        };
        match punct(",")(rest) {
            Ok((r, _)) => i = r,
            Err(_) => return Ok((rest, (args, named))),
        }
    }
}

/// `: ([*,] name:type, ...)` after a plugin call.
fn output_schema(i: In) -> PResult<Option<OutputSchema>> {
    let (i, _) = sp(i)?;
    let start = i;
    let Ok((i, _)) = punct(":")(i) else {
        return Ok((i, None));
    };
    let (mut i, _) = cut_expect(punct("("), "`(` and the output columns")(i)?;
    let mut star = false;
    if let Ok((r, _)) = punct("*")(i) {
        star = true;
        i = match punct(",")(r) {
            Ok((r, _)) => r,
            Err(_) => r,
        };
    }
    let mut columns = Vec::new();
    if punct(")")(i).is_err() {
        loop {
            let (rest, column) = typed_column(i)?;
            columns.push(column);
            match punct(",")(rest) {
                Ok((r, _)) => i = r,
                Err(_) => {
                    i = rest;
                    break;
                }
            }
        }
    }
    let (i, _) = cut_expect(punct(")"), "`,` or `)` in the output columns")(i)?;
    Ok((i, Some(OutputSchema { star, columns, span: span_from(&start, &i) })))
}

fn range<'a>(start: In<'a>, i: In<'a>) -> PResult<'a, Source> {
    let (i, name) = ident(i)?;
    let (i, _) = cut_expect(keyword("from"), "`from` in `range x from a to b step c`")(i)?;
    let (i, from) = cut_expect(expr, "the start of the range")(i)?;
    let (i, _) = cut_expect(keyword("to"), "`to` in `range x from a to b step c`")(i)?;
    let (i, to) = cut_expect(expr, "the end of the range")(i)?;
    let (i, _) = cut_expect(keyword("step"), "`step` in `range x from a to b step c`")(i)?;
    let (i, step) = cut_expect(expr, "the step of the range")(i)?;
    Ok((
        i,
        Source {
            kind: SourceKind::Range { name, from: Box::new(from), to: Box::new(to), step: Box::new(step) },
            span: span_from(&start, &i),
        },
    ))
}

/// Operators Kusto has that flowkql does not run yet: they get a clear "not supported"
/// diagnostic instead of a confusing syntax error further on.
const UNSUPPORTED_OPERATORS: &[&str] = &["fork", "facet", "reduce", "consume", "project-smart", "extend-with", "lookup-kind"];

const SUPPORTED_OPERATORS: &[&str] = &[
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "sort",
    "order",
    "take",
    "limit",
    "top",
    "count",
    "distinct",
    "render",
    "join",
    "union",
    "mv-expand",
    "mv-apply",
    "search",
    "parse-kv",
    "sample",
    "sample-distinct",
    "top-hitters",
    "partition",
    "scan",
    "parse",
    "parse-where",
    "getschema",
    "serialize",
    "as",
    "lookup",
    "make-series",
    "evaluate",
    "top-nested",
    "invoke",
];

/// operator := where | project | ... (see grammar/kql.ebnf)
fn operator(i: In) -> PResult<Operator> {
    let (i, _) = sp(i)?;
    let start = i;
    let word: String = i.fragment().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    if word.is_empty() {
        return Err(fail(&i, "an operator after `|` (where, project, extend, summarize, ...)"));
    }
    let i = i.take_from(word.len());
    let word_span = span_from(&start, &i);
    let (i, kind) = match word.as_str() {
        "where" | "filter" => {
            let (i, e) = cut_expect(expr, "a condition after `where`")(i)?;
            (i, OperatorKind::Where(e))
        }
        "project" => {
            let (i, items) = named_exprs(i, "a column or `Name = expression` after `project`")?;
            (i, OperatorKind::Project(items))
        }
        "extend" => {
            let (i, items) = named_exprs(i, "`Name = expression` after `extend`")?;
            (i, OperatorKind::Extend(items))
        }
        "project-away" => {
            let (i, names) = name_patterns(i, "a column name after `project-away`")?;
            (i, OperatorKind::ProjectAway(names))
        }
        "project-keep" => {
            let (i, names) = name_patterns(i, "a column name after `project-keep`")?;
            (i, OperatorKind::ProjectKeep(names))
        }
        "project-rename" => {
            let (i, pairs) = renames(i)?;
            (i, OperatorKind::ProjectRename(pairs))
        }
        "project-reorder" => {
            let (i, cols) = reorders(i)?;
            (i, OperatorKind::ProjectReorder(cols))
        }
        "summarize" => summarize(i)?,
        "sort" | "order" => {
            let (i, _) = cut_expect(keyword("by"), &format!("`by` after `{word}`"))(i)?;
            let (i, keys) = sort_keys(i)?;
            (i, OperatorKind::Sort(keys))
        }
        "take" | "limit" => {
            let (i, e) = cut_expect(expr, &format!("a row count after `{word}`"))(i)?;
            (i, OperatorKind::Take(e))
        }
        "top" => {
            let (i, count) = cut_expect(expr, "a row count after `top`")(i)?;
            let (i, _) = cut_expect(keyword("by"), "`by` after the count of `top`")(i)?;
            let (i, key) = cut_expect(sort_key, "an expression to rank by")(i)?;
            (i, OperatorKind::Top { count, key })
        }
        "count" => (i, OperatorKind::Count),
        "distinct" => {
            let (i, cols) = cut_expect(expr_list, "`*` or column names after `distinct`")(i)?;
            if cols.is_empty() {
                return Err(fail(&i, "`*` or column names after `distinct`"));
            }
            let cols = if cols.len() == 1 && cols[0].kind == ExprKind::Star { Vec::new() } else { cols };
            (i, OperatorKind::Distinct(cols))
        }
        "join" => {
            let (i, j) = join(i)?;
            (i, OperatorKind::Join(Box::new(j)))
        }
        "union" => {
            let (i, u) = union_body(i)?;
            (i, OperatorKind::Union(Box::new(u)))
        }
        "getschema" => (i, OperatorKind::GetSchema),
        "invoke" => {
            let (i, func) = cut_expect(ident, "a function name after `invoke`")(i)?;
            let (i, _) = cut_expect(punct("("), "`(` and the function's arguments")(i)?;
            let (i, args) = expr_list(i)?;
            let (i, _) = cut_expect(punct(")"), "`,` or `)` in the arguments")(i)?;
            (i, OperatorKind::Invoke { func, args })
        }
        "top-nested" => {
            let (i, levels) = top_nested(i)?;
            (i, OperatorKind::TopNested(levels))
        }
        "evaluate" => {
            let (i, _) = hints(i)?;
            let (i, plugin) = cut_expect(ident, "a plugin name after `evaluate`")(i)?;
            let (i, _) = cut_expect(punct("("), "`(` and the plugin's arguments")(i)?;
            let (i, (args, named)) = plugin_args(i)?;
            let (i, _) = cut_expect(punct(")"), "`,` or `)` in the plugin's arguments")(i)?;
            let (i, output) = output_schema(i)?;
            (i, OperatorKind::Evaluate { plugin, args, named, output })
        }
        "make-series" => {
            let (i, m) = make_series(i)?;
            (i, OperatorKind::MakeSeries(Box::new(m)))
        }
        "serialize" => {
            let (i, items) = match named_exprs(i, "`Name = expression` after `serialize`") {
                Ok(x) => x,
                Err(nom::Err::Failure(_)) if pipe_or_end(i) => (i, Vec::new()),
                Err(e) => return Err(e),
            };
            (i, OperatorKind::Serialize(items))
        }
        "as" => {
            let (i, _) = hints(i)?;
            let (i, name) = cut_expect(ident, "a name after `as`")(i)?;
            (i, OperatorKind::As(name))
        }
        "lookup" => {
            let (i, j) = join(i)?;
            (i, OperatorKind::Lookup(Box::new(j)))
        }
        "parse" | "parse-where" => {
            let (i, p) = parse_operator(i, word == "parse-where")?;
            (i, OperatorKind::Parse(Box::new(p)))
        }
        "scan" => {
            let (i, s) = scan(i)?;
            (i, OperatorKind::Scan(Box::new(s)))
        }
        "partition" => {
            let (i, _) = hints(i)?;
            let (i, _) = cut_expect(keyword("by"), "`by` and the partition column")(i)?;
            let (i, key) = cut_expect(ident, "the partition column after `by`")(i)?;
            let (i, _) = sp(i)?;
            if i.fragment().starts_with('{') {
                let at = pos(&i);
                return Err(unsupported(Span::new(at, at + 1), "`partition` with a subquery that has its own source (`{ ... }`)"));
            }
            let (i, subquery) = subquery(i)?;
            (i, OperatorKind::Partition(Box::new(Partition { key, subquery })))
        }
        "top-hitters" => {
            let (i, count) = cut_expect(expr, "a count after `top-hitters`")(i)?;
            let (i, _) = cut_expect(keyword("of"), "`of` and a column name")(i)?;
            let (i, of) = cut_expect(expr, "a column name after `of`")(i)?;
            let (i, by) = match keyword("by")(i) {
                Ok((r, _)) => {
                    let (r, e) = cut_expect(expr, "the expression to sum after `by`")(r)?;
                    (r, Some(e))
                }
                Err(_) => (i, None),
            };
            (i, OperatorKind::TopHitters { count, of, by })
        }
        "sample" => {
            let (i, n) = cut_expect(expr, "a row count after `sample`")(i)?;
            (i, OperatorKind::Sample(n))
        }
        "sample-distinct" => {
            let (i, count) = cut_expect(expr, "a count after `sample-distinct`")(i)?;
            let (i, _) = cut_expect(keyword("of"), "`of` and a column name")(i)?;
            let (i, column) = cut_expect(ident, "a column name after `of`")(i)?;
            (i, OperatorKind::SampleDistinct { count, column })
        }
        "parse-kv" => {
            let (i, p) = parse_kv(i)?;
            (i, OperatorKind::ParseKv(Box::new(p)))
        }
        "search" => {
            let (i, s) = search_body(i, false)?;
            (i, OperatorKind::Search(Box::new(s)))
        }
        "mv-apply" => {
            let (i, m) = mv_apply(i)?;
            (i, OperatorKind::MvApply(Box::new(m)))
        }
        "mv-expand" | "mvexpand" => {
            let (i, m) = mv_expand(i, word == "mvexpand")?;
            (i, OperatorKind::MvExpand(Box::new(m)))
        }
        "render" => {
            let (i, r) = render(i, word_span)?;
            (i, OperatorKind::Render(r))
        }
        w @ ("facet" | "fork") => {
            return Err(failure(
                Error::unsupported(word_span, format!("the `{w}` operator"))
                    .with_help("it returns several result tables and a flowkql run returns one: run one query per result instead"),
            ));
        }
        "reduce" => {
            return Err(failure(Error::unsupported(word_span, "the `reduce` operator").with_help(
                "its patterns come from Kusto's own clustering heuristics, which flowkql cannot reproduce exactly; \
                 `summarize count() by` a normalized column (e.g. with replace_regex) is a stable alternative",
            )));
        }
        w if UNSUPPORTED_OPERATORS.contains(&w) => return Err(unsupported(word_span, format!("the `{w}` operator"))),
        w => {
            let mut e = fail(&start, "an operator after `|`");
            if let nom::Err::Failure(pe) = &mut e {
                pe.message = Some(format!("unknown operator `{w}`"));
                pe.help = nearest(w, SUPPORTED_OPERATORS.iter().copied()).map(|n| format!("did you mean `{n}`?"));
            }
            return Err(e);
        }
    };
    Ok((i, Operator { kind, span: span_from(&start, &i) }))
}

/// named_exprs := named_expr ("," named_expr)*
fn named_exprs<'a>(i: In<'a>, what: &str) -> PResult<'a, Vec<NamedExpr>> {
    let (mut i, first) = cut_expect(named_expr, what)(i)?;
    let mut items = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, item) = cut_expect(named_expr, what)(rest)?;
        items.push(item);
        i = rest;
    }
    Ok((i, items))
}

/// named_expr := (name "=")? expr
fn named_expr(i: In) -> PResult<NamedExpr> {
    let (i, _) = sp(i)?;
    let start = i;
    if let Ok((rest, name)) = ident(i) {
        if let Ok((after, _)) = punct("=")(rest) {
            let next = after.fragment().chars().next();
            if !matches!(next, Some('=') | Some('~')) {
                let (after, e) = cut_expect(expr, &format!("an expression after `{} =`", name.name))(after)?;
                return Ok((after, NamedExpr { name: Some(name), names: Vec::new(), expr: e, span: span_from(&start, &after) }));
            }
        }
    }
    if let Ok((after, names)) = name_tuple(i) {
        let (after, e) = cut_expect(expr, "an expression after `(...) =`")(after)?;
        return Ok((after, NamedExpr { name: None, names, expr: e, span: span_from(&start, &after) }));
    }
    let (i, e) = expr(i)?;
    Ok((i, NamedExpr { name: None, names: Vec::new(), expr: e, span: span_from(&start, &i) }))
}

/// `(a, b, ...) =`: names for a function's several result columns.
fn name_tuple(i: In) -> PResult<Vec<Ident>> {
    let (i, _) = punct("(")(i)?;
    let (mut i, first) = ident(i)?;
    let mut names = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, n) = ident(rest)?;
        names.push(n);
        i = rest;
    }
    let (i, _) = punct(")")(i)?;
    let (i, _) = punct("=")(i)?;
    if matches!(i.fragment().chars().next(), Some('=') | Some('~')) {
        return Err(nom::Err::Error(PErr::expected(&i, "an expression")));
    }
    Ok((i, names))
}

/// `T1, A*, ...)`: the tables `find` and `search` look in, after their `in (`.
fn table_patterns(i: In) -> PResult<Vec<Ident>> {
    closed_list(i, cut_expect(name_pattern, "a table name (wildcards allowed)"), ")", "`,` or `)` in the table list")
}

/// A column name that may contain `*` wildcards (`project-away *_s`).
fn name_pattern(i: In) -> PResult<Ident> {
    let (i, _) = sp(i)?;
    let start = i;
    let frag = *i.fragment();
    if frag.starts_with('[') {
        return ident(i);
    }
    let len = frag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '*' || *c == '$').count();
    if len == 0 {
        return Err(nom::Err::Error(PErr::expected(&i, "a column name")));
    }
    let rest = i.take_from(len);
    Ok((rest, Ident { name: frag[..len].to_string(), span: span_from(&start, &rest) }))
}

fn name_patterns<'a>(i: In<'a>, what: &str) -> PResult<'a, Vec<Ident>> {
    let (mut i, first) = cut_expect(name_pattern, what)(i)?;
    let mut names = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, n) = cut_expect(name_pattern, what)(rest)?;
        names.push(n);
        i = rest;
    }
    Ok((i, names))
}

/// renames := new "=" old ("," new "=" old)*
fn renames(i: In) -> PResult<Vec<(Ident, Ident)>> {
    let mut out = Vec::new();
    let mut i = i;
    loop {
        let (rest, new) = cut_expect(ident, "`NewName = OldName` after `project-rename`")(i)?;
        let (rest, _) = cut_expect(punct("="), "`=` in `NewName = OldName`")(rest)?;
        let (rest, old) = cut_expect(ident, "the existing column name after `=`")(rest)?;
        out.push((new, old));
        match punct(",")(rest) {
            Ok((rest, _)) => i = rest,
            Err(_) => return Ok((rest, out)),
        }
    }
}

fn reorders(i: In) -> PResult<Vec<(Ident, Option<SortOrder>)>> {
    let mut out = Vec::new();
    let mut i = i;
    loop {
        let (rest, name) = cut_expect(name_pattern, "a column name after `project-reorder`")(i)?;
        let (rest, order) = match keyword("asc")(rest) {
            Ok((r, _)) => (r, Some(SortOrder::Asc)),
            Err(_) => match keyword("desc")(rest) {
                Ok((r, _)) => (r, Some(SortOrder::Desc)),
                Err(_) => (rest, None),
            },
        };
        out.push((name, order));
        match punct(",")(rest) {
            Ok((rest, _)) => i = rest,
            Err(_) => return Ok((rest, out)),
        }
    }
}

/// summarize := "summarize" hints? named_exprs? ("by" named_exprs)?
fn summarize(i: In) -> PResult<OperatorKind> {
    let (i, _) = hints(i)?;
    let (i, aggregates) = if keyword("by")(i).is_ok() {
        (i, Vec::new())
    } else {
        named_exprs(i, "an aggregation such as `count()` or `by` after `summarize`")?
    };
    let (i, by) = match keyword("by")(i) {
        Ok((rest, _)) => named_exprs(rest, "a column or expression after `by`")?,
        Err(_) => (i, Vec::new()),
    };
    Ok((i, OperatorKind::Summarize { aggregates, by }))
}

fn sort_keys(i: In) -> PResult<Vec<SortKey>> {
    let (mut i, first) = cut_expect(sort_key, "an expression to sort by")(i)?;
    let mut keys = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, k) = cut_expect(sort_key, "an expression to sort by after `,`")(rest)?;
        keys.push(k);
        i = rest;
    }
    Ok((i, keys))
}

/// sort_key := expr ("asc" | "desc")? ("nulls" ("first" | "last"))?
fn sort_key(i: In) -> PResult<SortKey> {
    let (i, e) = expr(i)?;
    let (i, order) = match keyword("asc")(i) {
        Ok((r, _)) => (r, SortOrder::Asc),
        Err(_) => match keyword("desc")(i) {
            Ok((r, _)) => (r, SortOrder::Desc),
            Err(_) => (i, SortOrder::Desc),
        },
    };
    let (i, nulls_first) = match keyword("nulls")(i) {
        Ok((r, _)) => match keyword("first")(r) {
            Ok((r, _)) => (r, Some(true)),
            Err(_) => {
                let (r, _) = cut_expect(keyword("last"), "`first` or `last` after `nulls`")(r)?;
                (r, Some(false))
            }
        },
        Err(_) => (i, None),
    };
    let span = Span::new(e.span.start, pos(&i).max(e.span.end));
    Ok((i, SortKey { expr: e, order, nulls_first, span }))
}

/// render := "render" name ("with" "(" property ("," property)* ")")?
fn render(i: In, keyword_span: Span) -> PResult<Render> {
    let (i, visualization) = cut_expect(ident, "a visualization after `render` (piechart, columnchart, timechart, ...)")(i)?;
    let mut properties = Vec::new();
    let Ok((i, _)) = keyword("with")(i) else {
        let span = Span::new(keyword_span.start, visualization.span.end);
        return Ok((i, Render { visualization, properties, span }));
    };
    let (mut i, _) = cut_expect(punct("("), "`(` after `with`")(i)?;
    loop {
        let (rest, name) = cut_expect(ident, "a property name such as title, xtitle, ytitle, legend")(i)?;
        let (rest, _) = cut_expect(punct("="), "`=` after the property name")(rest)?;
        let (rest, value) = render_value(rest)?;
        let span = Span::new(name.span.start, pos(&rest));
        properties.push(RenderProperty { name, value, span });
        if let Ok((rest, _)) = punct(",")(rest) {
            i = rest;
            continue;
        }
        let (rest, close) = cut_expect(punct(")"), "`,` or `)` in the render properties")(rest)?;
        let span = Span::new(keyword_span.start, close.end);
        return Ok((rest, Render { visualization, properties, span }));
    }
}

fn render_value(i: In) -> PResult<RenderValue> {
    if let Ok((rest, s)) = string_lit(i) {
        return Ok((rest, RenderValue::Literal(Literal::String(s))));
    }
    if let Ok((rest, first)) = ident(i) {
        match first.name.as_str() {
            "true" => return Ok((rest, RenderValue::Literal(Literal::Bool(true)))),
            "false" => return Ok((rest, RenderValue::Literal(Literal::Bool(false)))),
            _ => {}
        }
        if let Ok((r, l)) = typed_literal(i) {
            return Ok((r, RenderValue::Literal(l)));
        }
        // `ycolumns=a, b, title="x"`: names continue while the next name is not a property.
        let mut names = vec![first];
        let mut i = rest;
        loop {
            let Ok((r, _)) = punct(",")(i) else { break };
            let Ok((r2, n)) = ident(r) else { break };
            if punct("=")(r2).is_ok() {
                break;
            }
            names.push(n);
            i = r2;
        }
        return Ok((i, RenderValue::Names(names)));
    }
    let (i, _) = sp(i)?;
    let negative = i.fragment().starts_with('-');
    let num_in = if negative { i.take_from(1) } else { i };
    let (rest, lit) = cut_expect(number, "a property value (a string, number, name or true/false)")(num_in)?;
    let lit = match (negative, lit) {
        (true, Literal::Long(n)) => Literal::Long(-n),
        (true, Literal::Real(f)) => Literal::Real(-f),
        (_, l) => l,
    };
    Ok((rest, RenderValue::Literal(lit)))
}

/// `kind=NAME` and `hint.x=y` / `withsource=Name` / `isfuzzy=true` style parameters
/// before a join's or a union's operands. Returns (kind, withsource, isfuzzy).
fn operator_params(mut i: In) -> PResult<(Option<Ident>, Option<Ident>, bool)> {
    let mut kind = None;
    let mut with_source = None;
    let mut fuzzy = false;
    loop {
        let (rest, _) = sp(i)?;
        let frag = *rest.fragment();
        if let Some(after) = frag.strip_prefix("hint.") {
            let _ = after;
            let (r, _) = ident(rest.take_from(5))?;
            let (r, _) = cut_expect(punct("="), "`=` after the hint name")(r)?;
            let (r, _) = cut_expect(ident, "a hint value")(r)?;
            i = r;
            continue;
        }
        let Ok((r, name)) = ident(rest) else { break };
        let Ok((r2, _)) = punct("=")(r) else { break };
        if r2.fragment().starts_with('=') {
            break;
        }
        match name.name.as_str() {
            "kind" => {
                let (r3, k) = cut_expect(ident, "a kind after `kind=`")(r2)?;
                kind = Some(k);
                i = r3;
            }
            "withsource" | "WithSource" => {
                let (r3, w) = cut_expect(ident, "a column name after `withsource=`")(r2)?;
                with_source = Some(w);
                i = r3;
            }
            "isfuzzy" => {
                let (r3, value) = cut_expect(ident, "true or false")(r2)?;
                fuzzy = match value.name.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(fail(&r2, "true or false")),
                };
                i = r3;
            }
            _ => break,
        }
    }
    Ok((i, (kind, with_source, fuzzy)))
}

/// join := "join" params ( "(" pipeline ")" | name ) "on" join_key ("," | "and" join_key)*
fn join(i: In) -> PResult<Join> {
    let (i, (kind, _, _)) = operator_params(i)?;
    let (i, right) = cut_expect(join_operand, "the right side of the join: a table name or `( query )`")(i)?;
    let (i, _) = cut_expect(keyword("on"), "`on` and the join keys")(i)?;
    let mut on = Vec::new();
    let mut i = i;
    loop {
        let (rest, key) = cut_expect(join_key, "a join key: a column name or `$left.a == $right.b`")(i)?;
        on.push(key);
        if let Ok((r, _)) = punct(",")(rest) {
            i = r;
        } else if let Ok((r, _)) = keyword("and")(rest) {
            i = r;
        } else {
            return Ok((rest, Join { kind, right, on }));
        }
    }
}

fn join_operand(i: In) -> PResult<Pipeline> {
    let (i, _) = sp(i)?;
    if i.fragment().starts_with('(') {
        let (rest, _) = punct("(")(i)?;
        let (rest, p) = cut_expect(pipeline, "a tabular expression inside `( )`")(rest)?;
        let (rest, _) = cut_expect(punct(")"), "`)` closing the join's right side")(rest)?;
        return Ok((rest, p));
    }
    let (rest, name) = ident(i)?;
    let source = Source { span: name.span, kind: SourceKind::Table(name.clone()) };
    Ok((rest, Pipeline { span: name.span, source, ops: Vec::new() }))
}

/// A union leg: `( query )`, or a table name that may hold `*` wildcards (`union E*`).
fn union_operand(i: In) -> PResult<Pipeline> {
    let (i, _) = sp(i)?;
    if i.fragment().starts_with('(') {
        return join_operand(i);
    }
    let (rest, name) = name_pattern(i)?;
    let source = Source { span: name.span, kind: SourceKind::Table(name.clone()) };
    Ok((rest, Pipeline { span: name.span, source, ops: Vec::new() }))
}

fn join_key(i: In) -> PResult<JoinKey> {
    let (i, first) = ident(i)?;
    match first.name.as_str() {
        "$left" | "$right" => {
            let (i, _) = cut_expect(punct("."), "`.` and a column name")(i)?;
            let (i, a) = cut_expect(ident, "a column name")(i)?;
            let (i, _) = cut_expect(punct("=="), "`==` between the two sides")(i)?;
            let (i, side2) = cut_expect(ident, "`$left` or `$right`")(i)?;
            let (i, _) = cut_expect(punct("."), "`.` and a column name")(i)?;
            let (i, b) = cut_expect(ident, "a column name")(i)?;
            if side2.name == first.name || !matches!(side2.name.as_str(), "$left" | "$right") {
                return Err(fail(&i, "one `$left.` and one `$right.` column"));
            }
            let (left, right) = if first.name == "$left" { (a, b) } else { (b, a) };
            Ok((i, JoinKey::Pair { left, right }))
        }
        _ => Ok((i, JoinKey::Same(first))),
    }
}

/// union := "union" params operand ("," operand)*
fn union_body(i: In) -> PResult<Union> {
    let (i, (kind, with_source, fuzzy)) = operator_params(i)?;
    let (mut i, first) = cut_expect(union_operand, "a table name or `( query )` after `union`")(i)?;
    let mut tables = vec![first];
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, t) = cut_expect(union_operand, "a table name or `( query )` after `,`")(rest)?;
        tables.push(t);
        i = rest;
    }
    Ok((i, Union { kind, with_source, fuzzy, tables }))
}

/// mv_expand := "mv-expand" params item ("," item)* ("limit" expr)?
/// item := (name "=")? expr ("to" "typeof" "(" type ")")?
fn mv_expand(i: In, legacy: bool) -> PResult<MvExpand> {
    let mut i = i;
    let mut bag_as_array = false;
    let mut item_index = None;
    while let Ok((r, name)) = ident(i) {
        if !matches!(name.name.as_str(), "kind" | "bagexpansion" | "with_itemindex") {
            break;
        }
        let Ok((r, _)) = punct("=")(r) else { break };
        let (r, value) = cut_expect(ident, "a value after `=`")(r)?;
        match (name.name.as_str(), value.name.as_str()) {
            ("with_itemindex", _) => item_index = Some(value),
            (_, "array") => bag_as_array = true,
            (_, "bag") => bag_as_array = false,
            _ => return Err(fail(&r, "`bag` or `array`")),
        }
        i = r;
    }
    let mut items = Vec::new();
    loop {
        let (r, _) = sp(i)?;
        let start = r;
        let (r, named) = cut_expect(named_expr, "a dynamic column or expression to expand")(r)?;
        let (r, to) = match keyword("to")(r) {
            Ok((r2, _)) => {
                let (r2, _) = cut_expect(keyword("typeof"), "`typeof(type)` after `to`")(r2)?;
                let (r2, _) = cut_expect(punct("("), "`(`")(r2)?;
                let (r2, t) = cut_expect(ident, "a type name")(r2)?;
                let Some(ty) = KqlType::from_name(&t.name) else {
                    return Err(fail(&r2, "a type name (long, string, real, ...)"));
                };
                let (r2, _) = cut_expect(punct(")"), "`)`")(r2)?;
                (r2, Some((ty, t.span)))
            }
            Err(_) => (r, None),
        };
        items.push(MvExpandItem { name: named.name, expr: named.expr, to, span: span_from(&start, &r) });
        match punct(",")(r) {
            Ok((r, _)) => i = r,
            Err(_) => {
                i = r;
                break;
            }
        }
    }
    let (i, limit) = match keyword("limit")(i) {
        Ok((r, _)) => {
            let (r, e) = cut_expect(expr, "a row limit after `limit`")(r)?;
            (r, Some(e))
        }
        // The legacy `mvexpand` stops at 128 rows per input row.
        Err(_) if legacy => {
            let span = Span::new(pos(&i), pos(&i));
            (i, Some(Expr { kind: ExprKind::Literal(Literal::Long(128)), span }))
        }
        Err(_) => (i, None),
    };
    Ok((i, MvExpand { bag_as_array, item_index, items, limit }))
}

/// mv_apply := "mv-apply" ("with_itemindex" "=" name)? item ("," item)* ("limit" expr)?
///             "on" "(" operator ("|" operator)* ")"
fn mv_apply(i: In) -> PResult<MvApply> {
    let (i, expand) = mv_expand(i, false)?;
    if expand.bag_as_array {
        return Err(fail(&i, "no `kind=array` in `mv-apply` (expand bags with an inner `mv-expand kind=array`)"));
    }
    let (i, _) = cut_expect(keyword("on"), "`on` and the subquery in `( )`")(i)?;
    let (i, _) = sp(i)?;
    let start = i;
    let (i, subquery) = subquery(i)?;
    Ok((i, MvApply { expand, subquery, subquery_span: span_from(&start, &i) }))
}

/// scan := "scan" ("with_match_id" "=" name)? ("declare" "(" name ":" type ("=" expr)? ("," ...)* ")")?
///         "with" "(" step+ ")"
/// step := "step" name ("output" "=" ("all" | "last" | "none"))? ":" expr ("=>" name "=" expr ("," name "=" expr)*)? ";"
fn scan(i: In) -> PResult<Scan> {
    let mut i = i;
    let mut match_id = None;
    if let Ok((r, _)) = keyword("with_match_id")(i) {
        let (r, _) = cut_expect(punct("="), "`=` after `with_match_id`")(r)?;
        let (r, name) = cut_expect(ident, "a column name for the match id")(r)?;
        match_id = Some(name);
        i = r;
    }
    let mut declare = Vec::new();
    if let Ok((r, _)) = keyword("declare")(i) {
        let (mut r, _) = cut_expect(punct("("), "`(` and the declared columns")(r)?;
        loop {
            let (r2, name) = cut_expect(ident, "a column name to declare")(r)?;
            let (r2, _) = cut_expect(punct(":"), "`:` and the column's type")(r2)?;
            let (r3, t) = cut_expect(ident, "a type name (long, string, datetime, ...)")(r2)?;
            let Some(ty) = KqlType::from_name(&t.name) else {
                return Err(fail(&r2, "a type name (long, string, datetime, ...)"));
            };
            let (r3, default) = match punct("=")(r3) {
                Ok((r4, _)) => {
                    let (r4, e) = cut_expect(expr, "the column's default value")(r4)?;
                    (r4, Some(e))
                }
                Err(_) => (r3, None),
            };
            declare.push((name, ty, default));
            match punct(",")(r3) {
                Ok((r4, _)) => r = r4,
                Err(_) => {
                    let (r4, _) = cut_expect(punct(")"), "`,` or `)` after the declared column")(r3)?;
                    i = r4;
                    break;
                }
            }
        }
    }
    let (i, _) = cut_expect(keyword("with"), "`with` and the steps in `( )`")(i)?;
    let (mut i, _) = cut_expect(punct("("), "`(` and the steps")(i)?;
    let mut steps = Vec::new();
    loop {
        if let Ok((r, _)) = punct(")")(i) {
            if steps.is_empty() {
                return Err(fail(&i, "a step: `step name: condition;`"));
            }
            return Ok((r, Scan { match_id, declare, steps }));
        }
        let (r, _) = cut_expect(keyword("step"), "`step` or `)` closing the steps")(i)?;
        let (r, name) = cut_expect(ident, "the step's name")(r)?;
        let (r, output) = match keyword("output")(r) {
            Ok((r2, _)) => {
                let (r2, _) = cut_expect(punct("="), "`=` after `output`")(r2)?;
                let (r3, o) = cut_expect(ident, "all, last or none")(r2)?;
                let output = match o.name.as_str() {
                    "all" => ScanOutput::All,
                    "last" => ScanOutput::Last,
                    "none" => ScanOutput::None,
                    _ => return Err(fail(&r2, "all, last or none")),
                };
                (r3, output)
            }
            Err(_) => (r, ScanOutput::All),
        };
        let (r, _) = cut_expect(punct(":"), "`:` and the step's condition")(r)?;
        let (mut r, condition) = cut_expect(expr, "the step's condition")(r)?;
        let mut assignments = Vec::new();
        if let Ok((r2, _)) = punct("=>")(r) {
            let mut r2 = r2;
            loop {
                let (r3, col) = cut_expect(ident, "a declared column to assign")(r2)?;
                let (r3, _) = cut_expect(punct("="), "`=` and the value")(r3)?;
                let (r3, e) = cut_expect(expr, "the value to assign")(r3)?;
                assignments.push((col, e));
                match punct(",")(r3) {
                    Ok((r4, _)) => r2 = r4,
                    Err(_) => {
                        r = r3;
                        break;
                    }
                }
            }
        }
        let (r, _) = cut_expect(punct(";"), "`;` ending the step")(r)?;
        steps.push(ScanStep { name, output, condition, assignments });
        i = r;
    }
}

/// subquery := "(" operator ("|" operator)* ")": operators over an implicit source.
fn subquery(i: In) -> PResult<Vec<Operator>> {
    let (i, _) = cut_expect(punct("("), "`(` and the subquery")(i)?;
    let (i, first) = operator(i)?;
    let (i, mut rest) = operators(i)?;
    let (i, _) = cut_expect(punct(")"), "`|` and another operator, or `)` closing the subquery")(i)?;
    let mut ops = vec![first];
    ops.append(&mut rest);
    Ok((i, ops))
}

/// find := "find" ("withsource" "=" name)? ("in" "(" name ("," name)* ")")? "where"? search_or
///         ("project-smart" | "project" name ("," name)* ("," "pack_all" "(" ")")?)?
fn find_body(i: In) -> PResult<Find> {
    let mut i = i;
    let mut with_source = None;
    if let Ok((r, _)) = keyword("withsource")(i) {
        let (r, _) = cut_expect(punct("="), "`=` after `withsource`")(r)?;
        let (r, name) = cut_expect(ident, "a column name after `withsource=`")(r)?;
        with_source = Some(name);
        i = r;
    }
    let mut tables = None;
    if let Ok((r, _)) = keyword("in")(i) {
        let (r, _) = cut_expect(punct("("), "`(` and the tables to look in")(r)?;
        let (r, names) = table_patterns(r)?;
        tables = Some(names);
        i = r;
    }
    if let Ok((r, _)) = keyword("where")(i) {
        i = r;
    }
    let (i, predicate) = cut_expect(search_or, "a predicate: a condition, a \"term\" or Column:\"term\"")(i)?;
    if let Ok((r, _)) = keyword("project-smart")(i) {
        return Ok((r, Find { with_source, tables, predicate, project: None }));
    }
    let Ok((mut r, _)) = keyword("project")(i) else {
        return Ok((i, Find { with_source, tables, predicate, project: None }));
    };
    let mut names = Vec::new();
    let mut pack_all = false;
    loop {
        let (r2, name) = cut_expect(ident, "a column name or pack_all()")(r)?;
        let r2 = if name.name == "pack_all" && punct("(")(r2).is_ok() {
            let (r3, _) = punct("(")(r2)?;
            let (r3, _) = cut_expect(punct(")"), "`)` after `pack_all(`")(r3)?;
            pack_all = true;
            r3
        } else {
            if punct(":")(r2).is_ok() {
                let at = pos(&r2);
                return Err(unsupported(Span::new(at, at + 1), "a type in find's `project` (`Col:type`)"));
            }
            names.push(name);
            r2
        };
        match punct(",")(r2) {
            Ok((r3, _)) => r = r3,
            Err(_) => return Ok((r2, Find { with_source, tables, predicate, project: Some((names, pack_all)) })),
        }
    }
}

/// search := "search" ("kind" "=" name)? ("in" "(" name ("," name)* ")")? search_or
/// (`in` only where `search` starts the pipeline)
fn search_body(i: In, as_source: bool) -> PResult<Search> {
    let mut i = i;
    let mut case_sensitive = false;
    if let Ok((r, _)) = keyword("kind")(i) {
        if let Ok((r2, _)) = punct("=")(r) {
            if !r2.fragment().starts_with('=') {
                let (r3, k) = cut_expect(ident, "case_sensitive, case_insensitive or default")(r2)?;
                case_sensitive = match k.name.as_str() {
                    "case_sensitive" => true,
                    "case_insensitive" | "default" => false,
                    _ => return Err(fail(&r2, "case_sensitive, case_insensitive or default")),
                };
                i = r3;
            }
        }
    }
    let mut tables = None;
    if let Ok((r, in_span)) = keyword("in")(i) {
        if punct("(")(r).is_ok() {
            if !as_source {
                return Err(failure(
                    Error::syntax(in_span, "`search in (...)` cannot follow `|`: it names its own tables")
                        .with_help("drop `in (...)`, or start the query with `search in (...)`"),
                ));
            }
            let (r, _) = punct("(")(r)?;
            let (r, names) = table_patterns(r)?;
            tables = Some(names);
            i = r;
        }
    }
    let (i, predicate) = cut_expect(search_or, "a search predicate: a \"term\", Column:\"term\", * or a condition")(i)?;
    Ok((i, Search { case_sensitive, tables, predicate }))
}

fn search_or(i: In) -> PResult<SearchPredicate> {
    let (mut i, mut lhs) = search_and(i)?;
    while let Ok((r, _)) = keyword("or")(i) {
        let (r, rhs) = cut_expect(search_and, "a search term or condition after `or`")(r)?;
        lhs = SearchPredicate::Or(Box::new(lhs), Box::new(rhs));
        i = r;
    }
    Ok((i, lhs))
}

fn search_and(i: In) -> PResult<SearchPredicate> {
    let (mut i, mut lhs) = search_atom(i)?;
    while let Ok((r, _)) = keyword("and")(i) {
        let (r, rhs) = cut_expect(search_atom, "a search term or condition after `and`")(r)?;
        lhs = SearchPredicate::And(Box::new(lhs), Box::new(rhs));
        i = r;
    }
    Ok((i, lhs))
}

/// search_atom := "(" search_or ")" | "*" | string | name ":" string | comparison
fn search_atom(i: In) -> PResult<SearchPredicate> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    if frag.starts_with('*') && !frag[1..].trim_start().starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"' || c == '\'') {
        return Ok((i.take_from(1), SearchPredicate::All));
    }
    if frag.starts_with('(') {
        let inner = punct("(")(i).and_then(|(r, _)| search_or(r)).and_then(|(r, p)| punct(")")(r).map(|(r, _)| (r, p)));
        if let Ok((r, p)) = inner {
            let next = r.fragment().trim_start();
            if !next.starts_with(|c: char| "<>=!+-*/%".contains(c)) && super::lex::peek_word(&r).chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Ok((r, p));
            }
        }
    }
    if let Ok((r, column)) = ident(i) {
        if let Ok((r2, _)) = punct(":")(r) {
            let (r2, text) = cut_expect(string_lit, "a string to search the column for")(r2)?;
            return Ok((r2, SearchPredicate::Term { column: Some(column), text, span: span_from(&i, &r2) }));
        }
    }
    let (r, e) = comparison(i)?;
    match e.kind {
        ExprKind::Literal(Literal::String(text)) => Ok((r, SearchPredicate::Term { column: None, text, span: e.span })),
        _ => Ok((r, SearchPredicate::Expr(e))),
    }
}

/// parse_kv := "parse-kv" expr "as" "(" name ":" type ("," name ":" type)* ")"
///             ("with" "(" name "=" (string | "true" | "false") ("," ...)* ")")?
fn parse_kv(i: In) -> PResult<ParseKv> {
    let (i, e) = cut_expect(expr, "the expression to parse after `parse-kv`")(i)?;
    let (i, _) = cut_expect(keyword("as"), "`as` and the keys in `( )`")(i)?;
    let (i, _) = cut_expect(punct("("), "`(` and the keys, as `Key:type, ...`")(i)?;
    let key = |i| {
        let (r, name) = cut_expect(ident, "a key name")(i)?;
        let (r, _) = cut_expect(punct(":"), "`:` and the key's type")(r)?;
        let (r2, t) = cut_expect(ident, "a type name (string, long, datetime, ...)")(r)?;
        match KqlType::from_name(&t.name) {
            Some(ty) => Ok((r2, (name, ty))),
            None => Err(fail(&r, "a type name (string, long, datetime, ...)")),
        }
    };
    let (i, keys) = closed_list(i, key, ")", "`,` or `)` after the key")?;
    let (i, options) = with_options(i, "an option: pair_delimiter, kv_delimiter, quote, escape, greedy or regex", false)?;
    Ok((i, ParseKv { expr: e, keys, options }))
}

/// options := ("with" "(" (name "=" (string | "true" | "false") ("," ...)*)? ")")?
/// With `bare_words`, a value may also be a bare name, taken as a string (`format=csv`).
fn with_options<'a>(i: In<'a>, expected: &str, bare_words: bool) -> PResult<'a, Vec<(Ident, Literal)>> {
    let Ok((r, _)) = keyword("with")(i) else {
        return Ok((i, Vec::new()));
    };
    let (r, _) = cut_expect(punct("("), "`(` and the options")(r)?;
    if let Ok((r2, _)) = punct(")")(r) {
        return Ok((r2, Vec::new()));
    }
    let option = |r| {
        let (r2, name) = cut_expect(ident, expected)(r)?;
        let (r2, _) = cut_expect(punct("="), "`=` after the option name")(r2)?;
        let (r2, value) = match string_lit(r2) {
            Ok((r3, s)) => (r3, Literal::String(s)),
            Err(_) => {
                let (r3, b) = cut_expect(ident, "a string, or true or false")(r2)?;
                match b.name.as_str() {
                    "true" => (r3, Literal::Bool(true)),
                    "false" => (r3, Literal::Bool(false)),
                    word if bare_words => (r3, Literal::String(word.to_string())),
                    _ => return Err(fail(&r2, "a string, or true or false")),
                }
            }
        };
        Ok((r2, (name, value)))
    };
    closed_list(r, option, ")", "`,` or `)` after the option")
}

/// externaldata := "externaldata" "(" name ":" type ("," ...)* ")" "[" string ("," string)* "]" options
fn externaldata(i: In) -> PResult<ExternalData> {
    let (i, _) = cut_expect(punct("("), "`(` and the columns, as `Name:type, ...`")(i)?;
    let (i, columns) = column_decls(i, "externaldata")?;
    let (i, _) = cut_expect(punct("["), "`[` and the URIs of the files")(i)?;
    let uri = |i| {
        let (rest, _) = sp(i)?;
        let from = pos(&rest);
        let (rest, uri) = cut_expect(string_lit, "a URI string, e.g. h@\"https://...\"")(rest)?;
        Ok((rest, (uri, Span::new(from, pos(&rest)))))
    };
    let (i, uris) = closed_list(i, uri, "]", "`,` or `]` after the URI")?;
    let (i, properties) = with_options(i, "a property: format, ignoreFirstRecord", true)?;
    Ok((i, ExternalData { columns, uris, properties }))
}

/// parse := ("parse" | "parse-where") ("kind" "=" kind ("flags" "=" name)?)? expr "with" part+
/// part := "*" | string | name (":" type)?
fn parse_operator(i: In, keep_only_matches: bool) -> PResult<Parse> {
    let mut kind = ParseKind::Simple;
    let mut flags = None;
    let mut i = i;
    if let Ok((r, _)) = keyword("kind")(i) {
        let (r, _) = cut_expect(punct("="), "`=` after `kind`")(r)?;
        let (r, k) = cut_expect(ident, "simple, regex or relaxed")(r)?;
        kind = match k.name.as_str() {
            "simple" => ParseKind::Simple,
            "regex" => ParseKind::Regex,
            "relaxed" => ParseKind::Relaxed,
            _ => return Err(fail(&r, "simple, regex or relaxed")),
        };
        i = r;
        if let Ok((r, _)) = keyword("flags")(i) {
            let (r, _) = cut_expect(punct("="), "`=` after `flags`")(r)?;
            let (r, f) = cut_expect(ident, "regex flags such as i, m, s or U")(r)?;
            flags = Some(f.name);
            i = r;
        }
    }
    let (i, e) = cut_expect(expr, "the expression to parse")(i)?;
    let (mut i, _) = cut_expect(keyword("with"), "`with` and the pattern")(i)?;
    let mut pattern = Vec::new();
    loop {
        let (r, _) = sp(i)?;
        if r.fragment().starts_with('*') {
            pattern.push(ParsePart::Wildcard);
            i = r.take_from(1);
        } else if let Ok((r2, text)) = string_lit(r) {
            pattern.push(ParsePart::Text(text));
            i = r2;
        } else if let Ok((r2, name)) = ident(r) {
            let (r2, ty) = match punct(":")(r2) {
                Ok((r3, _)) => {
                    let (r3, t) = cut_expect(ident, "a type name after `:`")(r3)?;
                    let Some(ty) = KqlType::from_name(&t.name) else {
                        return Err(fail(&r3, "a type name (string, long, real, datetime, ...)"));
                    };
                    (r3, Some(ty))
                }
                Err(_) => (r2, None),
            };
            pattern.push(ParsePart::Column(name, ty));
            i = r2;
        } else {
            break;
        }
        if let Ok((r, _)) = punct(",")(i) {
            i = r;
        }
    }
    if !pattern.iter().any(|p| matches!(p, ParsePart::Column(..))) {
        return Err(fail(&i, "a pattern with at least one column name after `with`"));
    }
    Ok((i, Parse { kind, flags, expr: e, pattern, keep_only_matches }))
}

fn pipe_or_end(i: In) -> bool {
    let rest = i.fragment().trim_start();
    rest.is_empty() || rest.starts_with('|') || rest.starts_with(';') || rest.starts_with(')') || rest.starts_with("//")
}

/// make_series := "make-series" params item ("," item)* "on" name ("from" expr)? ("to" expr)?
///                "step" expr ("by" named_exprs)?
/// item := named_expr ("default" "=" expr)?
fn make_series(i: In) -> PResult<MakeSeries> {
    let mut i = i;
    // `kind=nonempty` and hints change empty-input and distribution behaviour only.
    loop {
        let (r, _) = sp(i)?;
        if r.fragment().starts_with("hint.") {
            let (r2, _) = ident(r.take_from(5))?;
            let (r2, _) = cut_expect(punct("="), "`=` after the hint name")(r2)?;
            let (r2, _) = cut_expect(ident, "a hint value")(r2)?;
            i = r2;
            continue;
        }
        match keyword("kind")(r) {
            Ok((r2, _)) => {
                let (r2, _) = cut_expect(punct("="), "`=` after `kind`")(r2)?;
                let (r2, _) = cut_expect(ident, "nonempty")(r2)?;
                i = r2;
            }
            Err(_) => break,
        }
    }
    let mut aggregates = Vec::new();
    loop {
        let (r, item) = cut_expect(named_expr, "an aggregation such as count() after `make-series`")(i)?;
        let (r, default) = match keyword("default")(r) {
            Ok((r2, _)) => {
                let (r2, _) = cut_expect(punct("="), "`=` after `default`")(r2)?;
                let (r2, d) = cut_expect(expr, "a default value")(r2)?;
                (r2, Some(d))
            }
            Err(_) => (r, None),
        };
        aggregates.push((item, default));
        match punct(",")(r) {
            Ok((r2, _)) => i = r2,
            Err(_) => {
                i = r;
                break;
            }
        }
    }
    let (i, _) = cut_expect(keyword("on"), "`on` and the axis column")(i)?;
    let (i, axis) = cut_expect(ident, "the axis column after `on`")(i)?;
    let (i, from) = match keyword("from")(i) {
        Ok((r, _)) => {
            let (r, e) = cut_expect(expr, "the start of the axis after `from`")(r)?;
            (r, Some(e))
        }
        Err(_) => (i, None),
    };
    let (i, to) = match keyword("to")(i) {
        Ok((r, _)) => {
            let (r, e) = cut_expect(expr, "the end of the axis after `to`")(r)?;
            (r, Some(e))
        }
        Err(_) => (i, None),
    };
    let (i, _) = cut_expect(keyword("step"), "`step` and the bin size")(i)?;
    let (i, step) = cut_expect(expr, "the bin size after `step`")(i)?;
    let (i, by) = match keyword("by")(i) {
        Ok((r, _)) => named_exprs(r, "a column or expression after `by`")?,
        Err(_) => (i, Vec::new()),
    };
    Ok((i, MakeSeries { aggregates, axis, from, to, step, by }))
}

/// top_nested := level ("," "top-nested" level)*
/// level := expr? "of" named_expr ("with" "others" "=" expr)? "by" named_expr ("asc" | "desc")?
fn top_nested(i: In) -> PResult<Vec<TopNestedLevel>> {
    let mut levels = Vec::new();
    let mut i = i;
    loop {
        let (r, count) = match keyword("of")(i) {
            Ok(_) => (i, None),
            Err(_) => {
                let (r, n) = cut_expect(expr, "a count or `of` after `top-nested`")(i)?;
                (r, Some(n))
            }
        };
        let (r, _) = cut_expect(keyword("of"), "`of` and the expression to group by")(r)?;
        let (r, of) = cut_expect(named_expr, "the expression to group by after `of`")(r)?;
        let (r, others) = match keyword("with")(r) {
            Ok((r2, _)) => {
                let (r2, _) = cut_expect(keyword("others"), "`others` after `with`")(r2)?;
                let (r2, _) = cut_expect(punct("="), "`=` after `others`")(r2)?;
                let (r2, e) = cut_expect(expr, "the value naming the other rows")(r2)?;
                (r2, Some(e))
            }
            Err(_) => (r, None),
        };
        let (r, _) = cut_expect(keyword("by"), "`by` and an aggregation")(r)?;
        let (r, aggregate) = cut_expect(named_expr, "an aggregation such as count() after `by`")(r)?;
        let (r, order) = match keyword("asc")(r) {
            Ok((r2, _)) => (r2, SortOrder::Asc),
            Err(_) => match keyword("desc")(r) {
                Ok((r2, _)) => (r2, SortOrder::Desc),
                Err(_) => (r, SortOrder::Desc),
            },
        };
        levels.push(TopNestedLevel { count, of, others, aggregate, order });
        let Ok((r2, _)) = punct(",")(r) else { return Ok((r, levels)) };
        let (r2, _) = cut_expect(top_nested_keyword, "`top-nested` starting the next level")(r2)?;
        i = r2;
    }
}

fn top_nested_keyword(i: In) -> PResult<Span> {
    let (i, _) = sp(i)?;
    let start = i;
    let (i, _) = nom::bytes::complete::tag("top-nested").parse_complete(i)?;
    Ok((i, span_from(&start, &i)))
}

/// Skips query hints (`hint.strategy=shuffle`, `hint.materialized=true`): they change how
/// Kusto distributes or caches work, not the result.
fn hints(mut i: In) -> PResult<()> {
    loop {
        let (r, _) = sp(i)?;
        if !r.fragment().starts_with("hint.") {
            return Ok((r, ()));
        }
        let (r, _) = cut_expect(ident, "a hint name after `hint.`")(r.take_from(5))?;
        let (r, _) = cut_expect(punct("="), "`=` after the hint name")(r)?;
        i = match ident(r) {
            Ok((r, _)) => r,
            Err(_) => cut_expect(number, "a hint value")(r)?.0,
        };
    }
}
