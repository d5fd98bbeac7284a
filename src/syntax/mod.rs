//! Syntax: query text to an AST with byte spans ([`parse_query`]).
//!
//! The parser is written with nom over a [`nom_locate::LocatedSpan`], so every node
//! knows where it came from. After a keyword commits the parse (`where`, `by`, `(`), the
//! rest is wrapped in a cut with a description of what was expected, so a syntax error
//! points at the real spot and says what would have been accepted there.

pub mod ast;
mod dynamic;
mod expr;
pub mod lex;
pub mod lex_format;
mod query;

use crate::error::{Error, ErrorKind, Severity};
use crate::span::Span;
use nom_locate::LocatedSpan;
use std::cell::RefCell;

/// Side information the parser collects while it runs.
#[derive(Debug, Default)]
pub struct State {
    warnings: RefCell<Vec<Error>>,
}

impl State {
    /// Records a typographic quote used as a string delimiter.
    fn curly_quote(&self, at: usize) {
        let w = Error::warning(Span::new(at, at + 3), "typographic quote read as a plain quote")
            .with_label("this quote")
            .with_help("Kusto itself rejects “ ” ‘ ’; replace them with \" or ' so the query also runs there");
        self.warnings.borrow_mut().push(w);
    }
}

pub type In<'a> = LocatedSpan<&'a str, &'a State>;
pub type PResult<'a, T> = nom::IResult<In<'a>, T, PErr>;

/// The parser's error: where, what was expected there, and optionally a finished
/// diagnostic (for constructs recognised but not supported).
#[derive(Debug, Clone, PartialEq)]
pub struct PErr {
    pub offset: usize,
    pub expected: Option<String>,
    pub message: Option<String>,
    pub help: Option<String>,
    pub error: Option<Box<Error>>,
}

impl PErr {
    pub fn expected(i: &In, what: &str) -> Self {
        PErr { offset: lex::pos(i), expected: Some(what.to_string()), message: None, help: None, error: None }
    }
}

impl<'a> nom::error::ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, _kind: nom::error::ErrorKind) -> Self {
        PErr { offset: lex::pos(&input), expected: None, message: None, help: None, error: None }
    }

    fn append(_input: In<'a>, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        if other.offset >= self.offset {
            other
        } else {
            self
        }
    }
}

/// A committed failure: `what` was expected at `i` (after white space).
pub fn fail(i: &In, what: &str) -> nom::Err<PErr> {
    let i = lex::sp(*i).map(|(r, _)| r).unwrap_or(*i);
    nom::Err::Failure(PErr::expected(&i, what))
}

/// A committed failure carrying a finished "not supported yet" diagnostic.
pub fn unsupported(span: Span, what: impl std::fmt::Display) -> nom::Err<PErr> {
    let e = Error::unsupported(span, what).with_help("see `flowkql functions` and grammar/kql.ebnf for what runs today");
    nom::Err::Failure(PErr { offset: span.start, expected: None, message: None, help: None, error: Some(Box::new(e)) })
}

/// A committed failure carrying a finished diagnostic.
pub fn failure(e: Error) -> nom::Err<PErr> {
    let offset = e.span.map(|s| s.start).unwrap_or(0);
    nom::Err::Failure(PErr { offset, expected: None, message: None, help: None, error: Some(Box::new(e)) })
}

/// Runs `p`; a plain error becomes a committed failure that says `what` was expected.
pub fn cut_expect<'a, O>(mut p: impl FnMut(In<'a>) -> PResult<'a, O>, what: &str) -> impl FnMut(In<'a>) -> PResult<'a, O> {
    let what = what.to_string();
    move |i| match p(i) {
        Err(nom::Err::Error(e)) => {
            let at = lex::sp(i).map(|(r, _)| lex::pos(&r)).unwrap_or(e.offset);
            Err(nom::Err::Failure(PErr { offset: e.offset.max(at), expected: Some(what.clone()), ..e }))
        }
        other => other,
    }
}

/// A parsed query and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub query: ast::Query,
    pub warnings: Vec<Error>,
}

/// Stage 1: query text to AST. `strict` turns warnings (typographic quotes) into errors.
pub fn parse_query(text: &str, strict: bool) -> Result<Parsed, Error> {
    let state = State::default();
    let input = LocatedSpan::new_extra(text, &state);
    let result = query::query(input);
    let warnings = state.warnings.take();
    match result {
        Ok((_, query)) => {
            if strict {
                if let Some(w) = warnings.into_iter().next() {
                    return Err(Error { severity: Severity::Error, kind: ErrorKind::Syntax, ..w });
                }
                return Ok(Parsed { query, warnings: Vec::new() });
            }
            Ok(Parsed { query, warnings })
        }
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(to_error(text, e)),
        Err(nom::Err::Incomplete(_)) => Err(Error::syntax(Span::new(text.len(), text.len()), "unexpected end of query")),
    }
}

fn to_error(text: &str, e: PErr) -> Error {
    if let Some(err) = e.error {
        return *err;
    }
    let offset = e.offset.min(text.len());
    let rest = &text[offset..];
    let found_len = found_token_len(rest);
    let found = if rest.trim().is_empty() { "the end of the query".to_string() } else { format!("`{}`", &rest[..found_len]) };
    let span = if rest.trim().is_empty() {
        // At the end of the text, point at the last thing written.
        let end = text.trim_end().len();
        let start = text[..end].char_indices().next_back().map(|(n, _)| n).unwrap_or(0);
        Span::new(start, end)
    } else {
        Span::new(offset, offset + found_len)
    };
    let message = match (&e.message, &e.expected) {
        (Some(m), _) => m.clone(),
        (None, Some(exp)) => format!("expected {exp}, found {found}"),
        (None, None) => format!("unexpected {found}"),
    };
    let label = match &e.expected {
        Some(exp) => format!("expected {exp}"),
        None => "here".to_string(),
    };
    let mut err = Error::syntax(span, message).with_label(label);
    if let Some(h) = e.help {
        err = err.with_help(h);
    }
    err
}

/// Length of the word or symbol at the start of `rest`, for "found ..." messages.
fn found_token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {
            rest.char_indices().find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-')).map(|(n, _)| n).unwrap_or(rest.len())
        }
        Some((_, c)) => c.len_utf8(),
    }
}

/// The tabular operators the parser accepts, with a one-line description, for
/// `flowkql functions` (kept in step with grammar/kql.ebnf).
pub const OPERATORS: &[(&str, &str)] = &[
    ("where | filter <predicate>", "Keeps the rows where the predicate is true"),
    ("project [Name =] expr, ...", "Chooses, computes and renames columns"),
    ("project-away col, ...", "Drops columns (wildcards allowed)"),
    ("project-keep col, ...", "Keeps only these columns (wildcards allowed)"),
    ("project-rename New = Old, ...", "Renames columns"),
    ("project-reorder col [asc|desc], ...", "Moves columns to the front"),
    ("extend Name = expr, ...", "Adds or replaces computed columns"),
    ("summarize [Name =] agg(...), ... [by key, ...]", "Aggregates rows per group"),
    ("sort | order by expr [asc|desc] [nulls first|last]", "Sorts rows (default: descending)"),
    ("take | limit N", "Keeps N rows"),
    ("top N by expr [asc|desc]", "The first N rows by an expression"),
    ("count", "Number of rows, as column Count"),
    ("distinct * | col, ...", "Distinct rows or column combinations"),
    ("render visualization [with (property = value, ...)]", "Charts the result (see flowkql run --chart)"),
    ("join [kind=innerunique|inner|leftouter|rightouter|fullouter|leftsemi|rightsemi|leftanti|rightanti] (T) on key | $left.a == $right.b", "Joins with another table"),
    ("union [kind=outer|inner] [withsource=Col] T, ...", "Rows of several tables"),
    ("mv-expand [kind=bag|array] [with_itemindex=I] [Name =] expr [to typeof(T)], ... [limit N]", "One row per element of dynamic arrays or bags"),
    ("mv-apply [with_itemindex=I] [Name =] expr [to typeof(T)], ... [limit N] on (subquery)", "Runs a subquery on each row's expanded arrays"),
    ("search [kind=case_sensitive] [in (T, A*, ...)] \"term\" | Col:\"term\" | condition [and|or ...]", "Rows with a term in any column (as a source, of several tables, with $table)"),
    ("parse-kv expr as (Key:type, ...) [with (pair_delimiter=',', kv_delimiter='=', quote='\"', escape='\\\\', greedy=true | regex='...')]", "Extracts the values of keys from key/value text"),
    ("partition [hint.strategy=native|shuffle|legacy] by Col (subquery)", "Runs a subquery on the rows of each value of a column"),
    ("find [withsource=C] [in (T, A*, ...)] [where] predicate [project-smart | project Col, ... [, pack_all()]]", "Rows of several tables matching a predicate, the other columns packed in pack_"),
    ("scan [with_match_id=Id] [declare (C:type [= v], ...)] with (step s [output=all|last|none]: cond [=> C = expr, ...]; ...)", "Matches sequences of rows step by step (s.C reads a step's state)"),
    ("sample N", "N rows picked at random"),
    ("sample-distinct N of Col", "Up to N distinct values of a column, picked at random"),
    ("parse [kind=simple|regex|relaxed] expr with * \"text\" Col:type ...", "Extracts columns from text by a pattern"),
    ("parse-where ...", "Like parse, keeping only the rows that match"),
    ("lookup [kind=leftouter|inner] (T) on key", "Adds a dimension table's columns (keys not repeated)"),
    ("getschema", "The input's column names and types"),
    ("serialize [Name = expr, ...]", "Orders the rows for row_number(), prev(), next()"),
    ("as Name", "Names the result (rows pass unchanged)"),
    ("let f = (a:type [= default], ...) { [let ...;] body };", "A user-defined scalar or tabular function"),
    ("materialize(T)", "T, computed once"),
    ("invoke f(args)", "Passes the rows to a function's tabular parameter"),
    ("top-nested [N] of expr [with others = v] by agg [asc|desc], top-nested ...", "Top groups within top groups (others: the rest, at the last level)"),
    ("top-hitters N of Col [by expr]", "The N most frequent values (or largest sums of expr), computed exactly"),
    ("evaluate ipv4_lookup(Lookup, SourceKey, RangeKey [, return_unmatched])", "Joins each address to the IPv4 range holding it"),
    ("evaluate ipv6_lookup(Lookup, SourceKey, RangeKey [, return_unmatched])", "Joins each address to the IPv6 range holding it"),
    ("evaluate bag_unpack(Column [, Prefix] [, columnsConflict=...] [, ignoredProperties=...]) [: (schema)]", "One column per slot of a property-bag column"),
    ("evaluate pivot(Column [, agg(x)] [, GroupColumn, ...]) [: (schema)]", "One column per distinct value, holding the aggregation of its rows"),
    ("make-series agg() [default=v], ... on Axis [from a] [to b] step s [by ...]", "Aggregates as arrays over a regular axis"),
    ("datatable(col:type, ...)[values]", "An inline table"),
    ("print [Name =] expr, ...", "One row of computed values"),
    ("range x from a to b step s", "A column of values"),
    ("let name = expr | tabular;", "Names a value or a table for the rest of the query"),
];
