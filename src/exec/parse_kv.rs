//! `parse-kv`: each row's text split into key/value pairs (by delimiters, by any
//! non-alphanumeric character, or by a regex), and the first value of each requested key
//! converted to its column's type. Keys and values are trimmed; a missing key is null
//! ("" for strings).

use super::parse::convert;
use super::text::to_text;
use crate::error::Result;
use crate::plan::{KvMode, KvSpec, TExpr};
use crate::types::KqlType;
use polars::prelude::*;
use std::sync::Arc;

pub(super) fn lower_parse_kv(lf: LazyFrame, source: &TExpr, keys: &[(String, KqlType)], spec: &KvSpec) -> Result<LazyFrame> {
    let text = to_text(source)?;
    let tmp = "__flowkql_kv_source";
    let lf = lf.with_column(text.alias(tmp));
    let spec = Arc::new(Extractor::new(spec.clone())?);
    let mut columns = Vec::with_capacity(keys.len());
    for (key, ty) in keys {
        let (spec, key_name) = (spec.clone(), key.clone());
        let value = col(tmp).map(
            move |c| {
                let ca = c.str()?;
                let out: StringChunked = ca.iter().map(|t| t.and_then(|t| spec.value_of(t, &key_name))).collect();
                Ok(out.into_column())
            },
            |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
        );
        columns.push(convert(value, *ty).alias(key.as_str()));
    }
    Ok(lf.with_columns(columns).drop(cols([tmp])))
}

struct Extractor {
    spec: KvSpec,
    regex: Option<regex::Regex>,
}

impl Extractor {
    fn new(spec: KvSpec) -> Result<Extractor> {
        let regex = match &spec.mode {
            KvMode::Regex(r) => Some(regex::Regex::new(r).map_err(|e| crate::error::Error::runtime(format!("parse-kv regex: {e}")))?),
            _ => None,
        };
        Ok(Extractor { spec, regex })
    }

    /// The first value of `key` in `text`.
    fn value_of(&self, text: &str, key: &str) -> Option<String> {
        match &self.spec.mode {
            KvMode::Regex(_) => {
                let re = self.regex.as_ref()?;
                re.captures_iter(text).find_map(|c| {
                    let k = c.get(1)?.as_str().trim();
                    (k == key).then(|| c.get(2).map(|v| v.as_str().trim().to_string()).unwrap_or_default())
                })
            }
            KvMode::Delimited { pair, kv, greedy } => {
                delimited_pairs(text, pair, kv, *greedy, &self.spec).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            KvMode::Free => self.free_value(text, key),
        }
    }

    /// No delimiters: the key as a whole word, then after any non-alphanumeric characters
    /// the value, a run of alphanumeric characters or a quoted text.
    fn free_value(&self, text: &str, key: &str) -> Option<String> {
        if key.is_empty() {
            return None;
        }
        let is_word = |c: char| c.is_alphanumeric();
        let mut from = 0;
        while let Some(found) = text[from..].find(key) {
            let at = from + found;
            let end = at + key.len();
            let before_ok = text[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after_ok = text[end..].chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok {
                let rest = &text[end..];
                let start = rest.find(|c: char| is_word(c) || self.opening(c).is_some()).unwrap_or(rest.len());
                let rest = &rest[start..];
                if let Some((v, _)) = self.quoted(rest) {
                    return Some(v.trim().to_string());
                }
                let len = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
                return Some(rest[..len].to_string());
            }
            from = at + key.chars().next().map(|c| c.len_utf8()).unwrap_or(1);
        }
        None
    }

    fn opening(&self, c: char) -> Option<char> {
        self.spec.quotes.iter().find(|(o, _)| *o == c).map(|(_, close)| *close)
    }

    /// A quoted text at the start of `s` (escapes applied) and what follows it.
    fn quoted<'a>(&self, s: &'a str) -> Option<(String, &'a str)> {
        let mut chars = s.char_indices();
        let (_, open) = chars.next()?;
        let close = self.opening(open)?;
        let mut out = String::new();
        while let Some((n, c)) = chars.next() {
            if self.spec.escapes.contains(&c) {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            } else if c == close {
                return Some((out, &s[n + c.len_utf8()..]));
            } else {
                out.push(c);
            }
        }
        Some((out, ""))
    }
}

/// Pairs `key kv value` separated by `pair`, in order. A greedy value runs to the next
/// place where a key follows a pair delimiter, so it may hold pair delimiters itself.
fn delimited_pairs(text: &str, pair: &str, kv: &str, greedy: bool, spec: &KvSpec) -> Vec<(String, String)> {
    let ex = Extractor { spec: spec.clone(), regex: None };
    let skip_pair = |s: &str| -> usize { s.find(pair).map(|p| p + pair.len()).unwrap_or(s.len()) };
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.trim().is_empty() {
        let trimmed = rest.trim_start();
        let (key, after_key) = match ex.quoted(trimmed) {
            Some((k, r)) => (k, r),
            None => match (trimmed.find(kv), trimmed.find(pair)) {
                (Some(k), Some(p)) if p < k => {
                    // A piece without a key/value delimiter.
                    rest = &trimmed[p + pair.len()..];
                    continue;
                }
                (Some(k), _) => (trimmed[..k].to_string(), &trimmed[k..]),
                (None, _) => break,
            },
        };
        let Some(after_kv) = after_key.trim_start().strip_prefix(kv) else {
            rest = &after_key[skip_pair(after_key)..];
            continue;
        };
        let value_text = after_kv.trim_start();
        let (value, next) = if let Some((v, r)) = ex.quoted(value_text) {
            (v, &r[skip_pair(r)..])
        } else if greedy {
            let mut end = None;
            let mut from = 0;
            while let Some(p) = value_text[from..].find(pair) {
                let at = from + p;
                let candidate = &value_text[at + pair.len()..];
                if let Some(k) = candidate.find(kv) {
                    let key = &candidate[..k];
                    if !key.contains(pair) && !key.trim().is_empty() {
                        end = Some((at, at + pair.len()));
                        break;
                    }
                }
                from = at + pair.len();
            }
            match end {
                Some((v_end, next)) => (value_text[..v_end].to_string(), &value_text[next..]),
                None => (value_text.to_string(), ""),
            }
        } else {
            match value_text.find(pair) {
                Some(p) => (value_text[..p].to_string(), &value_text[p + pair.len()..]),
                None => (value_text.to_string(), ""),
            }
        };
        out.push((key.trim().to_string(), value.trim().to_string()));
        rest = next;
    }
    out
}
