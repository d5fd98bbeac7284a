use flowkql::{Error, Session};
use polars::prelude::AnyValue;

/// `now()` for every test: 2024-05-03T12:00:00Z.
pub const NOW: i64 = 1_714_737_600_000_000_000;

pub fn session() -> Session {
    Session::new(NOW)
}

/// Runs a query on no tables; the result as rows of text (`tostring` forms, `null` for null).
pub fn rows(q: &str) -> Vec<Vec<String>> {
    rows_in(&session(), q)
}

pub fn rows_in(s: &Session, q: &str) -> Vec<Vec<String>> {
    let out = match s.run(q) {
        Ok(o) => o,
        Err(e) => panic!("query failed:\n{}", e.render_plain("query", q)),
    };
    let r = &out.result;
    (0..r.frame.height())
        .map(|i| {
            r.frame
                .columns()
                .iter()
                .zip(&r.schema.columns)
                .map(|(c, (_, t))| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => "null".to_string(),
                    Ok(v) => flowkql::text::format_value(&v, *t),
                })
                .collect()
        })
        .collect()
}

/// The result's column names and Kusto types.
pub fn columns(q: &str) -> Vec<(String, String)> {
    let out = session().run(q).unwrap_or_else(|e| panic!("query failed:\n{}", e.render_plain("query", q)));
    out.result.schema.columns.iter().map(|(n, t)| (n.clone(), t.name().to_string())).collect()
}

pub fn error(q: &str) -> Error {
    match session().run(q) {
        Ok(_) => panic!("expected an error for: {q}"),
        Err(e) => e,
    }
}

/// Rows written compactly: `r(&[&["a", "1"], ...])`.
pub fn r(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|row| row.iter().map(|s| s.to_string()).collect()).collect()
}

pub fn cols(c: &[(&str, &str)]) -> Vec<(String, String)> {
    c.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}
