//! Parquet through Polars' writer. The Kusto types go into the file's key-value
//! metadata, so reading it back recovers `guid`, `dynamic` and `decimal`, which share
//! physical types with `string` and `real`.

use crate::error::{Error, Result};
use crate::source::KUSTO_TYPES_KEY;
use crate::types::ResultTable;
use polars::prelude::*;
use std::io::Write;

pub(crate) fn write_parquet(result: &ResultTable, out: &mut dyn Write) -> Result<()> {
    let mut frame = result.frame.clone();
    for (name, ty) in &result.schema.columns {
        let cast = frame
            .column(name)
            .and_then(|c| c.cast(&ty.polars()))
            .map_err(|e| Error::runtime(format!("column '{name}' cannot be written as {ty}: {e}")))?;
        frame.with_column(cast).map_err(|e| Error::runtime(e.to_string()))?;
    }
    let types: Vec<(&str, &str)> = result.schema.columns.iter().map(|(n, t)| (n.as_str(), t.name())).collect();
    let types = serde_json::to_string(&types).map_err(|e| Error::runtime(e.to_string()))?;
    let metadata = KeyValueMetadata::from_static(vec![(KUSTO_TYPES_KEY.to_string(), types)]);
    ParquetWriter::new(out)
        .with_key_value_metadata(Some(metadata))
        .finish(&mut frame)
        .map_err(|e| Error::runtime(format!("cannot write Parquet: {e}")))?;
    Ok(())
}
