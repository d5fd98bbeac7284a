//! Functions that parse text into dynamic values: `parse_url`, `parse_urlquery`,
//! `parse_path`, `parse_csv`.

use super::rowwise::{map_rows, text, Out};
use crate::types::KqlType;
use polars::prelude::*;
use serde_json::{Map, Value as Json};

pub(super) fn lower(name: &str, x: Expr) -> Expr {
    let name = name.to_string();
    map_rows(vec![x], KqlType::Dynamic, move |c| {
        let s = text(&c[0])?;
        let v = match name.as_str() {
            "parse_url" | "parseurl" => parse_url(s),
            "parse_urlquery" => {
                let mut bag = Map::new();
                bag.insert("Query Parameters".into(), query_parameters(s.strip_prefix('?').unwrap_or(s)));
                Json::Object(bag)
            }
            "parse_path" => parse_path(s),
            _ => Json::Array(csv_fields(s).into_iter().map(Json::String).collect()),
        };
        Some(Out::Text(v.to_string()))
    })
}

fn bag(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `k1=v1&k2=v2` as a property bag (values as written).
fn query_parameters(query: &str) -> Json {
    let mut out = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(k.to_string(), Json::String(v.to_string()));
    }
    Json::Object(out)
}

/// parse-url-function.md: Scheme, Host, Port, Path, Username, Password, Query
/// Parameters and Fragment of an absolute URL; the path without its leading `/`, as
/// the documentation's example shows. Text that is not an absolute URL gives every
/// part empty.
fn parse_url(url: &str) -> Json {
    let empty = || Json::String(String::new());
    let parts = (|| {
        let (scheme, rest) = url.split_once("://")?;
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
        let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => (h, p),
            _ => (hostport, ""),
        };
        let s = |x: &str| Json::String(x.to_string());
        Some(bag(vec![
            ("Scheme", s(scheme)),
            ("Host", s(host)),
            ("Port", s(port)),
            ("Path", s(path)),
            ("Username", s(user)),
            ("Password", s(password)),
            ("Query Parameters", query_parameters(query)),
            ("Fragment", s(fragment)),
        ]))
    })();
    parts.unwrap_or_else(|| {
        bag(vec![
            ("Scheme", empty()),
            ("Host", empty()),
            ("Port", empty()),
            ("Path", empty()),
            ("Username", empty()),
            ("Password", empty()),
            ("Query Parameters", Json::Object(Map::new())),
            ("Fragment", empty()),
        ])
    })
}

/// parse-path-function.md: Scheme, RootPath (a drive), DirectoryPath, DirectoryName,
/// Filename, Extension and AlternateDataStreamName (after a `:` in the file name).
fn parse_path(path: &str) -> Json {
    let (scheme, rest) = match path.split_once("://") {
        Some((s, r)) if s.chars().all(|c| c.is_ascii_alphanumeric()) => (s, r),
        _ => ("", path),
    };
    let b = rest.as_bytes();
    let root = if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' { &rest[..2] } else { "" };
    let (directory, file) = match rest.rfind(['/', '\\']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => ("", rest),
    };
    let directory_name = directory.rsplit(['/', '\\']).next().unwrap_or("");
    let (filename, stream) = file.split_once(':').unwrap_or((file, ""));
    let extension = filename.rsplit_once('.').map_or("", |(_, e)| e);
    let s = |x: &str| Json::String(x.to_string());
    bag(vec![
        ("Scheme", s(scheme)),
        ("RootPath", s(root)),
        ("DirectoryPath", s(directory)),
        ("DirectoryName", s(if directory_name.ends_with(':') { "" } else { directory_name })),
        ("Filename", s(filename)),
        ("Extension", s(extension)),
        ("AlternateDataStreamName", s(stream)),
    ])
}

/// One CSV record's fields: commas separate, double quotes enclose a field and `""`
/// inside quotes is one quote.
fn csv_fields(s: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_parse_url() {
        // parse-url-function.md
        let v = parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment");
        let expected = json!({"Scheme": "scheme", "Host": "host", "Port": "1234", "Path": "this/is/a/path", "Username": "username",
            "Password": "password", "Query Parameters": {"k1": "v1", "k2": "v2"}, "Fragment": "fragment"});
        assert_eq!(v, expected);
    }

    #[test]
    fn documented_parse_path() {
        // parse-path-function.md
        let check = |p: &str, e: Json| assert_eq!(parse_path(p), e, "{p}");
        check(
            r"C:\temp\file.txt",
            json!({"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}),
        );
        check(
            r"temp\file.txt",
            json!({"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}),
        );
        check(
            "file://C:/temp/file.txt:some.exe",
            json!({"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}),
        );
        check(
            r"\\shared\users\temp\file.txt.gz",
            json!({"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}),
        );
        check(
            "/usr/lib/temp/file.txt",
            json!({"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}),
        );
    }

    #[test]
    fn csv_record() {
        assert_eq!(csv_fields(r#"aaa,"b""bb",ccc"#), vec!["aaa", "b\"bb", "ccc"]);
        assert_eq!(csv_fields("record1,a,b,c"), vec!["record1", "a", "b", "c"]);
    }
}

/// `extract_json(path, text)`: the element at a JSONPath (`$`, `.key`, `['key']`, `[n]`)
/// of JSON text; a string element unquoted, others as JSON text. For a typed call the
/// element is converted as `to typeof(T)` converts; null when the path finds nothing.
pub(super) fn extract_json(path: String, text_expr: Expr, ty: KqlType) -> Expr {
    let out = map_rows(vec![text_expr], KqlType::Dynamic, move |c| {
        let doc: Json = serde_json::from_str(text(&c[0])?).ok()?;
        let found = walk(&doc, &path)?;
        Some(Out::Text(found.to_string()))
    });
    match ty {
        KqlType::String => super::dynamic::json_to_text(out).fill_null(lit("")),
        KqlType::Dynamic => out,
        t => super::dynamic::json_to_type(out, t),
    }
}

fn walk<'a>(doc: &'a Json, path: &str) -> Option<&'a Json> {
    let mut rest = path.trim().strip_prefix('$')?;
    let mut at = doc;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            at = at.get(&r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            at = match inner.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
                Some(key) => at.get(key)?,
                None => at.get(inner.parse::<usize>().ok()?)?,
            };
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    (!at.is_null()).then_some(at)
}

#[cfg(test)]
mod json_path_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_extract_json_paths() {
        // Member, quoted-member and index steps (jsonpath.md), and a path past the end.
        let doc =
            json!({"hosts": [{"location": "North_DC", "status": "up", "rate": 5}, {"location": "South_DC", "status": "down", "rate": 3}]});
        assert_eq!(walk(&doc, "$.hosts[1].status"), Some(&json!("down")));
        assert_eq!(walk(&doc, "$['hosts'][0]['rate']"), Some(&json!(5)));
        assert_eq!(walk(&doc, "$.hosts[2]"), None);
    }
}
