//! One library query file: its header (`// title:`, `// description:`, `// tags:`), its
//! parameters (top-level scalar `let`s with their default text) and the tables it reads.
//! Read before the query runs; nothing here needs data.

use crate::error::{Error, Result};
use crate::syntax::ast::{ExprKind, LetValue, OperatorKind, Pipeline, SourceKind};
use std::path::{Path, PathBuf};

/// A top-level scalar `let` of a query: what `--set NAME=VALUE` overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter {
    pub name: String,
    /// The default as written in the query, e.g. `1d` or `"10.1.1.0/24"`.
    pub default: String,
}

#[derive(Debug, Clone)]
pub struct LibraryQuery {
    /// The library name (`nsg/denied-inbound`), or the path as given for a file outside
    /// any library.
    pub name: String,
    pub path: PathBuf,
    pub text: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub parameters: Vec<Parameter>,
    /// Tables the query reads, in order of first mention.
    pub tables: Vec<String>,
    /// Why the query text does not parse, if it does not.
    pub syntax_error: Option<Error>,
}

impl LibraryQuery {
    /// Reads a query file.
    pub fn read(path: &Path, name: impl Into<String>) -> Result<LibraryQuery> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::usage(format!("cannot read query file {}: {e}", path.display())))?;
        Ok(LibraryQuery::from_text(name, path, text))
    }

    /// Describes query text; a text that does not parse still gets its header.
    pub fn from_text(name: impl Into<String>, path: &Path, text: String) -> LibraryQuery {
        let header = Header::parse(&text);
        let (parameters, tables, syntax_error) = match crate::syntax::parse_query(&text, false) {
            Ok(parsed) => {
                let (parameters, tables) = parameters_and_tables(&parsed.query, &text);
                (parameters, tables, None)
            }
            Err(e) => (Vec::new(), Vec::new(), Some(e)),
        };
        LibraryQuery {
            name: name.into(),
            path: path.to_path_buf(),
            text,
            title: header.title,
            description: header.description,
            tags: header.tags,
            parameters,
            tables,
            syntax_error,
        }
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Kept verbatim from a source although Kusto rejects it (the article folder has a
    /// few); such files are listed but not run by `hunt`.
    pub fn rejected_verbatim(&self) -> bool {
        self.has_tag("verbatim-rejected")
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The title, or the name for a file without a header.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }
}

#[derive(Default)]
struct Header {
    title: String,
    description: String,
    tags: Vec<String>,
}

impl Header {
    /// The `// key: value` lines before the first line of KQL.
    fn parse(text: &str) -> Header {
        let mut h = Header::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some(comment) = line.strip_prefix("//") else { break };
            let Some((key, value)) = comment.split_once(':') else { continue };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "title" => h.title = value.to_string(),
                "description" => h.description = value.to_string(),
                "tags" => h.tags = value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect(),
                _ => {}
            }
        }
        h
    }
}

/// Top-level scalar `let`s (a `let` naming a table, `let T = VMConnection;`, is an
/// alias, not a parameter) and the tables the query scans.
fn parameters_and_tables(query: &crate::syntax::ast::Query, text: &str) -> (Vec<Parameter>, Vec<String>) {
    let mut lets: Vec<&str> = Vec::new();
    let mut parameters = Vec::new();
    let mut tables = Vec::new();
    for l in &query.lets {
        match &l.value {
            LetValue::Scalar(e) => match &e.kind {
                ExprKind::Name(n) if !lets.contains(&n.as_str()) && looks_like_table(n) => add(&mut tables, n),
                _ => {
                    let default = text.get(e.span.start..e.span.end).unwrap_or_default().trim().to_string();
                    parameters.push(Parameter { name: l.name.name.clone(), default });
                }
            },
            LetValue::Tabular(p) => pipeline_tables(p, &lets, &mut tables),
            LetValue::Function(f) => {
                if let LetValue::Tabular(p) = &f.body {
                    pipeline_tables(p, &lets, &mut tables);
                }
            }
        }
        lets.push(&l.name.name);
    }
    pipeline_tables(&query.body, &lets, &mut tables);
    (parameters, tables)
}

/// A bare name on the right of a `let` is a table when a table of that name is known.
fn looks_like_table(name: &str) -> bool {
    super::known_schema(name).is_some()
}

fn add(tables: &mut Vec<String>, name: &str) {
    if !tables.iter().any(|t| t == name) {
        tables.push(name.to_string());
    }
}

fn pipeline_tables(p: &Pipeline, lets: &[&str], tables: &mut Vec<String>) {
    match &p.source.kind {
        SourceKind::Table(t) if !lets.contains(&t.name.as_str()) => add(tables, &t.name),
        SourceKind::Nested(inner) => pipeline_tables(inner, lets, tables),
        SourceKind::Union(u) => u.tables.iter().for_each(|t| pipeline_tables(t, lets, tables)),
        _ => {}
    }
    for op in &p.ops {
        match &op.kind {
            OperatorKind::Join(j) => pipeline_tables(&j.right, lets, tables),
            OperatorKind::Union(u) => u.tables.iter().for_each(|t| pipeline_tables(t, lets, tables)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parameters_and_tables() {
        let text = "// title: Denied\n// description: What was denied.\n// tags: nsg, hunting , \n\
                    let timeframe = 1d;\nlet subnet = '10.1.1.0/24';\nlet Flows = AzureNetworkAnalytics_CL;\n\
                    let Old = VMConnection | where TimeGenerated < ago(7d);\n\
                    Flows | join kind=leftanti (Old) on $left.SrcIP_s == $right.RemoteIp | union ThreatIntel\n";
        let q = LibraryQuery::from_text("nsg/denied", Path::new("x.kql"), text.to_string());
        assert_eq!(q.title, "Denied");
        assert_eq!(q.description, "What was denied.");
        assert_eq!(q.tags, vec!["nsg", "hunting"]);
        let params: Vec<(&str, &str)> = q.parameters.iter().map(|p| (p.name.as_str(), p.default.as_str())).collect();
        assert_eq!(params, vec![("timeframe", "1d"), ("subnet", "'10.1.1.0/24'")]);
        assert_eq!(q.tables, vec!["AzureNetworkAnalytics_CL", "VMConnection", "ThreatIntel"]);
        assert!(q.syntax_error.is_none());
    }

    #[test]
    fn a_text_that_does_not_parse_keeps_its_header() {
        let q = LibraryQuery::from_text("x", Path::new("x.kql"), "// title: Broken\nT | where".to_string());
        assert_eq!(q.title, "Broken");
        assert!(q.syntax_error.is_some());
        assert!(q.parameters.is_empty());
    }
}
