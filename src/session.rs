//! A session binds tables to names and runs queries through every stage:
//! parse -> check -> lower -> collect.

use crate::error::{Error, Result};
use crate::plan::CheckedQuery;
use crate::semantic::Catalog;
use crate::syntax::ast::Render;
use crate::types::{ResultTable, Table};
use std::collections::HashMap;

/// A query's answer with what `render` asked for and any warnings from parsing.
pub struct Output {
    pub result: ResultTable,
    pub render: Option<Render>,
    pub warnings: Vec<Error>,
}

#[derive(Clone)]
pub struct Session {
    tables: HashMap<String, Table>,
    /// Nanoseconds since the epoch that `now()` returns.
    pub now: i64,
    /// Overrides for top-level `let`s (`--set`).
    pub overrides: HashMap<String, String>,
    /// Typographic quotes are errors rather than warnings.
    pub strict: bool,
    /// Check against the built-in schemas of tables that are not bound.
    pub builtin_schemas: bool,
    /// Local files bound to `externaldata` URIs.
    pub external: HashMap<String, std::path::PathBuf>,
}

impl Session {
    pub fn new(now: i64) -> Self {
        Session { tables: HashMap::new(), now, overrides: HashMap::new(), strict: false, builtin_schemas: false, external: HashMap::new() }
    }

    /// A session whose `now()` is the current time.
    pub fn at_current_time() -> Self {
        let now = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        Session::new(now)
    }

    pub fn bind(&mut self, name: impl Into<String>, table: Table) {
        self.tables.insert(name.into(), table);
    }

    pub fn tables(&self) -> &HashMap<String, Table> {
        &self.tables
    }

    /// The schemas the query is checked against; `with_data` lends the bound tables to
    /// `bag_unpack`, which learns its columns from the rows.
    fn catalog(&self, with_data: bool) -> Catalog {
        let mut c = if self.builtin_schemas { Catalog::builtin(self.now) } else { Catalog::new(self.now) };
        for (n, t) in &self.tables {
            c.tables.insert(n.clone(), t.schema.clone());
        }
        c.overrides = self.overrides.clone();
        if with_data {
            c.external = Some(self.external.clone());
            let tables = self.tables.clone();
            let values = tables.clone();
            c.slot_finder =
                Some(crate::semantic::SlotFinder(std::sync::Arc::new(move |plan, column| crate::exec::bag_slots(plan, column, &tables))));
            c.value_finder = Some(crate::semantic::SlotFinder(std::sync::Arc::new(move |plan, column| {
                crate::exec::distinct_texts(plan, column, &values)
            })));
        }
        c
    }

    /// Stages 1-3: parse and check, without data.
    pub fn check(&self, text: &str) -> Result<(CheckedQuery, Vec<Error>)> {
        self.check_with(text, false)
    }

    fn check_with(&self, text: &str, with_data: bool) -> Result<(CheckedQuery, Vec<Error>)> {
        let parsed = crate::syntax::parse_query(text, self.strict)?;
        let catalog = self.catalog(with_data);
        let checked = crate::semantic::check_query(&parsed.query, &catalog)?;
        let mut warnings = parsed.warnings;
        warnings.extend(catalog.warnings.take());
        Ok((checked, warnings))
    }

    /// Stages 1-3 for a run: a `bag_unpack` may read the bound tables to learn its columns.
    pub fn check_for_run(&self, text: &str) -> Result<(CheckedQuery, Vec<Error>)> {
        self.check_with(text, true)
    }

    /// Every stage: the query's result.
    pub fn run(&self, text: &str) -> Result<Output> {
        let (checked, warnings) = self.check_for_run(text)?;
        let result = crate::exec::run(&checked, &self.tables)?;
        Ok(Output { result, render: checked.render, warnings })
    }
}
