//! `externaldata`: the declared columns are the schema; each URI is bound to a local file
//! (`--externaldata URI=PATH`, or the URI itself when it is a local path or a `file://`
//! URI), since flowkql runs offline and fetches nothing.

use super::{duplicate_column, Catalog};
use crate::error::{nearest, Error, Result};
use crate::plan::{ExternalSource, Node, Plan};
use crate::source::ExternalFormat;
use crate::span::Span;
use crate::syntax::ast::{ExternalData, Literal};
use crate::types::Schema;
use std::path::PathBuf;

const PROPERTIES: &[&str] = &["format", "ignoreFirstRecord", "ingestionMapping", "zipPattern"];

pub(super) fn check_externaldata(e: &ExternalData, catalog: &Catalog) -> Result<Plan> {
    let mut names: Vec<&str> = Vec::new();
    for (c, _) in &e.columns {
        if names.contains(&c.name.as_str()) {
            return Err(duplicate_column(&c.name, c.span));
        }
        names.push(&c.name);
    }
    let mut format = ExternalFormat::Delimited(b',');
    let mut skip_first = false;
    for (name, value) in &e.properties {
        match (name.name.as_str(), value) {
            ("format", Literal::String(f)) => {
                format = ExternalFormat::from_name(f).ok_or_else(|| {
                    let e = Error::semantic(name.span, format!("`{f}` is not a data format flowkql reads"));
                    match nearest(f, ExternalFormat::NAMES.iter().copied()) {
                        Some(n) => e.with_help(format!("did you mean \"{n}\"? (formats: {})", ExternalFormat::NAMES.join(", "))),
                        None => e.with_help(format!("formats: {}", ExternalFormat::NAMES.join(", "))),
                    }
                })?
            }
            ("ignoreFirstRecord", Literal::Bool(b)) => skip_first = *b,
            ("format", _) => return Err(Error::semantic(name.span, "`format` takes a string, e.g. format=\"csv\"")),
            ("ignoreFirstRecord", _) => return Err(Error::semantic(name.span, "`ignoreFirstRecord` takes true or false")),
            ("ingestionMapping" | "zipPattern", _) => return Err(Error::unsupported(name.span, format!("the `{}` property", name.name))),
            (other, _) => {
                let e = Error::semantic(name.span, format!("`{other}` is not an externaldata property"));
                return Err(match nearest(other, PROPERTIES.iter().copied()) {
                    Some(n) => e.with_help(format!("did you mean `{n}`?")),
                    None => e.with_help(format!("properties: {}", PROPERTIES.join(", "))),
                });
            }
        }
    }
    let sources = e.uris.iter().map(|(uri, span)| resolve(uri, *span, catalog)).collect::<Result<Vec<_>>>()?;
    let schema = Schema::new(e.columns.iter().map(|(c, t)| (c.name.clone(), *t)).collect());
    Ok(Plan { node: Node::ExternalData { sources, format, skip_first }, schema })
}

/// The local file for `uri`. Only a run needs one (`catalog.external` is then set); a
/// check without data leaves a remote URI unbound.
fn resolve(uri: &str, span: Span, catalog: &Catalog) -> Result<ExternalSource> {
    let without_query = uri.split_once('?').map_or(uri, |(u, _)| u);
    let path = match &catalog.external {
        Some(map) if map.contains_key(uri) => map.get(uri).cloned(),
        Some(map) if map.contains_key(without_query) => map.get(without_query).cloned(),
        _ => match without_query.strip_prefix("file://") {
            Some(local) => Some(PathBuf::from(local)),
            None if !uri.contains("://") => Some(PathBuf::from(uri)),
            None => None,
        },
    };
    if path.is_none() && catalog.for_run() {
        return Err(Error::semantic(span, "flowkql runs offline and does not fetch this URI")
            .with_help(format!("download the file and bind the URI to it: --externaldata \"{without_query}=PATH\"")));
    }
    Ok(ExternalSource { uri: uri.to_string(), path })
}
