//! Scalar expressions, by precedence climbing. From loosest to tightest:
//!
//! ```text
//! or < and < comparisons and string predicates < + - < * / % < unary - + < x[i] x.name < primary
//! ```

use super::ast::{BinaryOp, Expr, ExprKind, Ident, Literal, StringOp, StringOpKind, UnaryOp};
use super::lex::{ident, keyword, number, pos, punct, sp, span_from, string_lit, typed_literal};
use super::{cut_expect, unsupported, In, PErr, PResult};
use crate::span::Span;
use nom::Input;

/// expr := or_expr
pub fn expr(i: In) -> PResult<Expr> {
    or_expr(i)
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

/// or_expr := and_expr ("or" and_expr)*
fn or_expr(i: In) -> PResult<Expr> {
    let (mut i, mut lhs) = and_expr(i)?;
    while let Ok((rest, _)) = keyword("or")(i) {
        let (rest, rhs) = cut_expect(and_expr, "an expression after `or`")(rest)?;
        lhs = binary(BinaryOp::Or, lhs, rhs);
        i = rest;
    }
    Ok((i, lhs))
}

/// and_expr := comparison ("and" comparison)*
fn and_expr(i: In) -> PResult<Expr> {
    let (mut i, mut lhs) = comparison(i)?;
    while let Ok((rest, _)) = keyword("and")(i) {
        let (rest, rhs) = cut_expect(comparison, "an expression after `and`")(rest)?;
        lhs = binary(BinaryOp::And, lhs, rhs);
        i = rest;
    }
    Ok((i, lhs))
}

enum CompOp {
    Binary(BinaryOp),
    In { negated: bool, case_sensitive: bool },
    HasAny { all: bool },
    Between { negated: bool },
}

const SYMBOL_OPS: [(&str, BinaryOp); 9] = [
    ("==", BinaryOp::Eq),
    ("!=", BinaryOp::NotEq),
    ("<>", BinaryOp::NotEq),
    ("<=", BinaryOp::Le),
    (">=", BinaryOp::Ge),
    ("=~", BinaryOp::EqCi),
    ("!~", BinaryOp::NotEqCi),
    ("<", BinaryOp::Lt),
    (">", BinaryOp::Gt),
];

/// The string predicates' base words; each also has `!word`, `word_cs` and `!word_cs`.
const STRING_OPS: [(&str, StringOpKind); 6] = [
    ("contains", StringOpKind::Contains),
    ("has", StringOpKind::Has),
    ("hasprefix", StringOpKind::HasPrefix),
    ("hassuffix", StringOpKind::HasSuffix),
    ("startswith", StringOpKind::StartsWith),
    ("endswith", StringOpKind::EndsWith),
];

/// Kusto operators that take a list and are not run yet: named so the error says so.
const UNSUPPORTED_WORD_OPS: [&str; 5] = ["!has_any", "has_any_ipv4", "has_any_ipv4_prefix", "has_ipv4", "has_ipv4_prefix"];

fn comparison_op(i: In) -> PResult<(CompOp, Span)> {
    let (i, _) = sp(i)?;
    let frag = *i.fragment();
    let start = i;
    for (sym, op) in SYMBOL_OPS {
        if frag.starts_with(sym) {
            let rest = i.take_from(sym.len());
            return Ok((rest, (CompOp::Binary(op), span_from(&start, &rest))));
        }
    }
    let word: String = frag.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '!' | '~')).collect();
    let rest = i.take_from(word.len());
    let span = span_from(&start, &rest);
    let op = match word.as_str() {
        "in" => CompOp::In { negated: false, case_sensitive: true },
        "!in" => CompOp::In { negated: true, case_sensitive: true },
        "in~" => CompOp::In { negated: false, case_sensitive: false },
        "!in~" => CompOp::In { negated: true, case_sensitive: false },
        "has_any" => CompOp::HasAny { all: false },
        "has_all" => CompOp::HasAny { all: true },
        "between" => CompOp::Between { negated: false },
        "!between" => CompOp::Between { negated: true },
        "matches" => {
            let (rest, _) = cut_expect(keyword("regex"), "`regex` after `matches`")(rest)?;
            let span = span_from(&start, &rest);
            let op = StringOp { kind: StringOpKind::MatchesRegex, negated: false, case_sensitive: true };
            return Ok((rest, (CompOp::Binary(BinaryOp::Str(op)), span)));
        }
        w if UNSUPPORTED_WORD_OPS.contains(&w) => return Err(unsupported(span, format!("the `{w}` operator"))),
        w => {
            let negated = w.starts_with('!');
            let base = w.trim_start_matches('!');
            let (base, case_sensitive) = match base.strip_suffix("_cs") {
                Some(b) => (b, true),
                None => (base, false),
            };
            match STRING_OPS.iter().find(|(name, _)| *name == base) {
                Some((_, kind)) => CompOp::Binary(BinaryOp::Str(StringOp { kind: *kind, negated, case_sensitive })),
                None => return Err(nom::Err::Error(PErr::expected(&start, "an operator"))),
            }
        }
    };
    Ok((rest, (op, span)))
}

/// comparison := additive (comp_op additive | in_op "(" expr_list ")" | between_op "(" additive ".." additive ")")?
pub(super) fn comparison(i: In) -> PResult<Expr> {
    let (i, lhs) = additive(i)?;
    let Ok((rest, (op, op_span))) = comparison_op(i) else {
        return Ok((i, lhs));
    };
    match op {
        CompOp::Binary(op) => {
            let what = format!("an expression after `{}`", op.symbol());
            let (rest, rhs) = cut_expect(additive, &what)(rest)?;
            Ok((rest, binary(op, lhs, rhs)))
        }
        CompOp::In { negated, case_sensitive } => {
            let (rest, _) = cut_expect(punct("("), "`(` and a list of values after `in`")(rest)?;
            let (rest, list) = in_list(rest)?;
            let (rest, close) = cut_expect(punct(")"), "`,` or `)` in the `in` list")(rest)?;
            let span = lhs.span.to(close);
            Ok((rest, Expr { kind: ExprKind::In { lhs: Box::new(lhs), list, negated, case_sensitive }, span }))
        }
        CompOp::HasAny { all } => {
            let word = if all { "has_all" } else { "has_any" };
            let (rest, _) = cut_expect(punct("("), &format!("`(` and a list of terms after `{word}`"))(rest)?;
            let (rest, list) = in_list(rest)?;
            let (rest, close) = cut_expect(punct(")"), &format!("`,` or `)` in the `{word}` list"))(rest)?;
            let span = lhs.span.to(close);
            Ok((rest, Expr { kind: ExprKind::HasAny { lhs: Box::new(lhs), list, all }, span }))
        }
        CompOp::Between { negated } => {
            let (rest, _) = cut_expect(punct("("), "`(` after `between`")(rest)?;
            let (rest, low) = cut_expect(additive, "the lower bound of `between`")(rest)?;
            let (rest, _) = cut_expect(punct(".."), "`..` between the bounds")(rest)?;
            let (rest, high) = cut_expect(additive, "the upper bound of `between`")(rest)?;
            let (rest, close) = cut_expect(punct(")"), "`)` closing `between`")(rest)?;
            let _ = op_span;
            let span = lhs.span.to(close);
            Ok((rest, Expr { kind: ExprKind::Between { lhs: Box::new(lhs), low: Box::new(low), high: Box::new(high), negated }, span }))
        }
    }
}

/// expr_list := (expr ("," expr)*)?
pub fn expr_list(i: In) -> PResult<Vec<Expr>> {
    expr_list_closed_by(i, None, "an expression after `,`")
}

/// As [`expr_list`]; with `close`, a `,` right before it ends the list (`[1, 2,]`).
/// `after_comma` is the message when no expression follows a `,`.
pub(super) fn expr_list_closed_by<'a>(i: In<'a>, close: Option<&'static str>, after_comma: &str) -> PResult<'a, Vec<Expr>> {
    let mut items = Vec::new();
    let Ok((mut i, first)) = expr(i) else {
        return Ok((i, items));
    };
    items.push(first);
    while let Ok((rest, _)) = punct(",")(i) {
        if close.is_some_and(|c| punct(c)(rest).is_ok()) {
            return Ok((rest, items));
        }
        let (rest, e) = cut_expect(expr, after_comma)(rest)?;
        items.push(e);
        i = rest;
    }
    Ok((i, items))
}

/// additive := multiplicative (("+" | "-") multiplicative)*
fn additive(i: In) -> PResult<Expr> {
    let (mut i, mut lhs) = multiplicative(i)?;
    loop {
        let (rest, _) = sp(i)?;
        let op = match rest.fragment().chars().next() {
            Some('+') => BinaryOp::Add,
            Some('-') => BinaryOp::Sub,
            _ => return Ok((i, lhs)),
        };
        let rest = rest.take_from(1);
        let (rest, rhs) = cut_expect(multiplicative, &format!("an expression after `{}`", op.symbol()))(rest)?;
        lhs = binary(op, lhs, rhs);
        i = rest;
    }
}

/// multiplicative := unary (("*" | "/" | "%") unary)*
fn multiplicative(i: In) -> PResult<Expr> {
    let (mut i, mut lhs) = unary(i)?;
    loop {
        let (rest, _) = sp(i)?;
        let op = match rest.fragment().chars().next() {
            Some('*') => BinaryOp::Mul,
            Some('/') if !rest.fragment().starts_with("//") => BinaryOp::Div,
            Some('%') => BinaryOp::Mod,
            _ => return Ok((i, lhs)),
        };
        let rest = rest.take_from(1);
        let (rest, rhs) = cut_expect(unary, &format!("an expression after `{}`", op.symbol()))(rest)?;
        lhs = binary(op, lhs, rhs);
        i = rest;
    }
}

/// unary := ("-" | "+") unary | postfix
fn unary(i: In) -> PResult<Expr> {
    let (i, _) = sp(i)?;
    let start = i;
    let op = match i.fragment().chars().next() {
        Some('-') => Some(UnaryOp::Neg),
        Some('+') => Some(UnaryOp::Plus),
        _ => None,
    };
    match op {
        Some(op) => {
            let (rest, operand) = cut_expect(unary, "an expression after the sign")(i.take_from(1))?;
            let span = Span::new(pos(&start), operand.span.end);
            Ok((rest, Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span }))
        }
        None => postfix(i),
    }
}

/// postfix := primary ("[" expr "]" | "." name)*
fn postfix(i: In) -> PResult<Expr> {
    let (mut i, mut e) = primary(i)?;
    loop {
        if let Ok((rest, _)) = punct("[")(i) {
            let (rest, index) = cut_expect(expr, "an index or key inside `[ ]`")(rest)?;
            let (rest, close) = cut_expect(punct("]"), "`]`")(rest)?;
            let span = e.span.to(close);
            e = Expr { kind: ExprKind::Index { target: Box::new(e), index: Box::new(index) }, span };
            i = rest;
            continue;
        }
        if i.fragment().starts_with('.') && !i.fragment().starts_with("..") {
            let (rest, name) = cut_expect(ident, "a property name after `.`")(i.take_from(1))?;
            let span = e.span.to(name.span);
            e = Expr { kind: ExprKind::Member { target: Box::new(e), name }, span };
            i = rest;
            continue;
        }
        return Ok((i, e));
    }
}

/// primary := "(" expr ")" | string | number | timespan | typed_literal | true | false
///          | name "(" args ")" | name
fn primary<'a>(i: In<'a>) -> PResult<'a, Expr> {
    let (i, _) = sp(i)?;
    let start = i;
    let lit = |rest: In<'a>, l: Literal| -> PResult<'a, Expr> {
        let span = span_from(&start, &rest);
        Ok((rest, Expr { kind: ExprKind::Literal(l), span }))
    };
    let frag = *i.fragment();
    match frag.chars().next() {
        None => return Err(nom::Err::Error(PErr::expected(&i, "an expression"))),
        Some('(') => {
            let (rest, _) = punct("(")(i)?;
            let (rest, inner) = cut_expect(expr, "an expression inside `( )`")(rest)?;
            let (rest, close) = cut_expect(punct(")"), "`)`")(rest)?;
            let span = Span::new(pos(&start), close.end);
            return Ok((rest, Expr { span, ..inner }));
        }
        Some('*') => {
            let rest = i.take_from(1);
            return Ok((rest, Expr { kind: ExprKind::Star, span: span_from(&start, &rest) }));
        }
        Some(c) if c.is_ascii_digit() || (c == '.' && frag[1..].starts_with(|d: char| d.is_ascii_digit())) => {
            let (rest, l) = number(i)?;
            return lit(rest, l);
        }
        _ => {}
    }
    // A committed failure inside a literal (an unterminated string, a bad datetime)
    // is the real error; a plain error means "not this kind of literal".
    match string_lit(i) {
        Ok((rest, s)) => return lit(rest, Literal::String(s)),
        Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
        Err(_) => {}
    }
    match typed_literal(i) {
        Ok((rest, l)) => return lit(rest, l),
        Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
        Err(_) => {}
    }
    let (rest, name) = ident(i).map_err(|_| nom::Err::Error(PErr::expected(&i, "an expression")))?;
    match name.name.as_str() {
        "true" => return lit(rest, Literal::Bool(true)),
        "false" => return lit(rest, Literal::Bool(false)),
        _ => {}
    }
    if let Ok((args_start, _)) = punct("(")(rest) {
        if name.name == "toscalar" {
            // toscalar-function.md: the argument is tabular, or a scalar taken as it is
            // (`toscalar(2)`); a bare name is settled by the check (table or scalar).
            if let Ok((r, p)) = super::query::pipeline(args_start) {
                if let Ok((r, close)) = punct(")")(r) {
                    let span = Span::new(pos(&start), close.end);
                    return Ok((r, Expr { kind: ExprKind::ToScalar(Box::new(p)), span }));
                }
            }
            let (r, e) = cut_expect(expr, "a tabular or scalar expression inside `toscalar( )`")(args_start)?;
            let (r, _) = cut_expect(punct(")"), "`)` closing `toscalar(`")(r)?;
            return Ok((r, e));
        }
        if let Ok((r, _)) = punct(")")(args_start) {
            let span = span_from(&start, &r);
            return Ok((r, Expr { kind: ExprKind::Call { func: name, args: Vec::new() }, span }));
        }
        let (r, args) = call_args(args_start, &name)?;
        let (r, close) = cut_expect(punct(")"), &format!("`,` or `)` in the arguments of `{}`", name.name))(r)?;
        let span = Span::new(pos(&start), close.end);
        return Ok((r, Expr { kind: ExprKind::Call { func: name, args }, span }));
    }
    let span = name.span;
    Ok((rest, Expr { kind: ExprKind::Name(name.name), span }))
}

/// Arguments of a call. `typeof(long)` style type names parse as names.
fn call_args<'a>(i: In<'a>, func: &Ident) -> PResult<'a, Vec<Expr>> {
    let (i, first) = cut_expect(expr, &format!("an argument of `{}`", func.name))(i)?;
    let mut args = vec![first];
    let mut i = i;
    while let Ok((rest, _)) = punct(",")(i) {
        let (rest, e) = cut_expect(expr, &format!("an argument of `{}` after `,`", func.name))(rest)?;
        args.push(e);
        i = rest;
    }
    Ok((i, args))
}

/// The items of an `in` list: expressions, or a tabular expression (`T | project c`),
/// whose first column gives the values. A bare name is resolved later, when it is known
/// whether it names a table.
fn in_list(mut i: In) -> PResult<Vec<Expr>> {
    let mut items = Vec::new();
    loop {
        let (rest, item) = in_item(i)?;
        items.push(item);
        match punct(",")(rest) {
            Ok((r, _)) => i = r,
            Err(_) => return Ok((rest, items)),
        }
    }
}

/// One item of an `in` list: tabular when it can only be, or when a `|` follows it.
fn in_item(i: In) -> PResult<Expr> {
    if let Some((rest, p)) = tabular_item(i) {
        let span = p.span;
        return Ok((rest, Expr { kind: ExprKind::Tabular(Box::new(p)), span }));
    }
    let (rest, item) = cut_expect(expr, "a value, or a tabular expression, in the list")(i)?;
    if punct("|")(rest).is_err() {
        return Ok((rest, item));
    }
    let (r, p) = cut_expect(super::query::pipeline, "a tabular expression in the `in` list")(i)?;
    let span = Span::new(item.span.start, pos(&r));
    Ok((r, Expr { kind: ExprKind::Tabular(Box::new(p)), span }))
}

/// An `in` item that can only be tabular: it starts with a tabular source
/// (`datatable(...)`, `range ...`) or is a parenthesized pipeline (`((T | ...))`), and a
/// `,` or `)` follows it. A plain name, even in parentheses, is left to the expression
/// parser: whether it names a table is known later.
fn tabular_item(i: In) -> Option<(In, super::ast::Pipeline)> {
    let word = super::lex::peek_word(&i);
    let sourced = matches!(word.as_str(), "datatable" | "externaldata" | "range" | "union" | "materialize");
    if !sourced && punct("(")(i).is_err() {
        return None;
    }
    let (rest, p) = super::query::pipeline(i).ok()?;
    if punct(",")(rest).is_err() && punct(")")(rest).is_err() {
        return None;
    }
    (!plain_name(&p)).then_some((rest, p))
}

fn plain_name(p: &super::ast::Pipeline) -> bool {
    p.ops.is_empty()
        && match &p.source.kind {
            super::ast::SourceKind::Table(_) => true,
            super::ast::SourceKind::Nested(inner) => plain_name(inner),
            _ => false,
        }
}
