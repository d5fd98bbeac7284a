//! One error type for every stage, rendered as a miette diagnostic that points into
//! the query text (or names the file, record and field for data errors).

use crate::span::Span;
use std::fmt;

/// What went wrong decides the exit status: 2 for the query or the command line,
/// 1 for data and runtime failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not KQL in the accepted subset.
    Syntax,
    /// The query parses but names something unknown or mixes types.
    Semantic,
    /// A construct Kusto has that this engine does not run yet.
    Unsupported,
    /// A flag or argument is wrong.
    Usage,
    /// An input file cannot be read as the table it claims to be.
    Data,
    /// The query failed while running.
    Runtime,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "flowkql::syntax",
            ErrorKind::Semantic => "flowkql::semantic",
            ErrorKind::Unsupported => "flowkql::unsupported",
            ErrorKind::Usage => "flowkql::usage",
            ErrorKind::Data => "flowkql::data",
            ErrorKind::Runtime => "flowkql::runtime",
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Syntax | ErrorKind::Semantic | ErrorKind::Unsupported | ErrorKind::Usage => 2,
            ErrorKind::Data | ErrorKind::Runtime => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub severity: Severity,
    pub message: String,
    /// Where in the query text; `None` for errors about files or flags.
    pub span: Option<Span>,
    /// The short text shown under the span.
    pub label: Option<String>,
    pub help: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, severity: Severity::Error, message: message.into(), span: None, label: None, help: None }
    }

    pub fn syntax(span: Span, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Syntax, message).at(span)
    }

    pub fn semantic(span: Span, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Semantic, message).at(span)
    }

    pub fn unsupported(span: Span, what: impl fmt::Display) -> Self {
        Error::new(ErrorKind::Unsupported, format!("{what} is not supported yet")).at(span)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    pub fn data(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Data, message)
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Runtime, message)
    }

    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Error::syntax(span, message).as_warning()
    }

    /// The same diagnostic, reported as a warning: the query still runs.
    pub fn as_warning(self) -> Self {
        Error { severity: Severity::Warning, ..self }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }

    /// Attaches the query text so the error renders with its source snippet.
    pub fn with_source(self, name: impl AsRef<str>, text: impl Into<String>) -> Report {
        Report { error: self, source: miette::NamedSource::new(name, text.into()) }
    }

    /// Renders without colour, as the snapshot tests and non-terminal stderr see it.
    pub fn render_plain(&self, name: &str, text: &str) -> String {
        let report = self.clone().with_source(name, text.to_string());
        let mut out = String::new();
        let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
        if handler.render_report(&mut out, &report).is_err() {
            out = format!("{}\n", self.message);
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::runtime(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::data(e.to_string())
    }
}

/// An [`Error`] together with the text it points into.
#[derive(Debug)]
pub struct Report {
    pub error: Error,
    source: miette::NamedSource<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.error.kind.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.error.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.error.span.map(|_| &self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.error.span?;
        let label = miette::LabeledSpan::new_with_span(self.error.label.clone(), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// The nearest of `candidates` to `name` by edit distance, for "did you mean" help.
/// A case-only difference always wins, since KQL names are case-sensitive and that is
/// the commonest slip.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower { 0 } else { edit_distance(&lower, &c.to_lowercase()) };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (name.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_prefers_case_only_difference() {
        assert_eq!(nearest("val", ["Value", "Val", "Name"]), Some("Val"));
        assert_eq!(nearest("SrcIp_s", ["SrcIP_s", "DestIP_s"]), Some("SrcIP_s"));
        assert_eq!(nearest("zzzzzz", ["SrcIP_s"]), None);
    }
}
