//! Which raw flow-log format a file holds, decided from its first bytes: the JSON keys of
//! the first record for Azure blobs, the header (or the shape of the first line) for AWS
//! text, the column names for AWS Parquet. The file name plays no part beyond gzip being
//! recognised by content too.

use super::aws;
use super::RawFormat;

/// How much of a file detection looks at.
pub(crate) const PREFIX: usize = 64 * 1024;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The format of a file whose first bytes are `head`, or `None` when it is not a raw
/// flow log this module reads (a Log Analytics export, say). Parquet is decided by the
/// caller, which can read the file's schema.
pub(crate) fn from_prefix(head: &[u8]) -> Option<RawFormat> {
    let b = super::records::strip_bom(head);
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let b = &b[start..];
    match b[0] {
        b'{' | b'[' => from_json_prefix(b),
        _ => from_text_prefix(b),
    }
}

fn from_json_prefix(b: &[u8]) -> Option<RawFormat> {
    if find(b, b"\"flowLogVersion\"").is_some() || find(b, b"\"flowRecords\"").is_some() {
        return Some(RawFormat::VnetFlowV4);
    }
    let nsg = find(b, b"\"NetworkSecurityGroupFlowEvent\"").is_some()
        || (find(b, b"\"properties\"").is_some() && find(b, b"\"flowTuples\"").is_some());
    if !nsg {
        return None;
    }
    // `"Version": 1` inside `properties`; a prefix cut before it reads as version 2 and
    // the records themselves say which layout each one has.
    if let Some(k) = find(b, b"\"Version\"") {
        let rest = &b[k + 9..];
        let v = rest
            .iter()
            .skip_while(|c| c.is_ascii_whitespace() || **c == b':')
            .take_while(|c| c.is_ascii_digit())
            .copied()
            .collect::<Vec<u8>>();
        if v == b"1" {
            return Some(RawFormat::NsgFlowV1);
        }
    }
    Some(RawFormat::NsgFlowV2)
}

fn from_text_prefix(b: &[u8]) -> Option<RawFormat> {
    let line_end = memchr::memchr(b'\n', b).unwrap_or(b.len());
    let line = std::str::from_utf8(&b[..line_end]).ok()?;
    let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
    if aws::is_header(&tokens) || aws::is_default_data_line(&tokens) {
        Some(RawFormat::AwsVpc)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_decide() {
        assert_eq!(
            from_prefix(br#"{"records":[{"time":"x","category":"NetworkSecurityGroupFlowEvent","properties":{"Version":1,"#),
            Some(RawFormat::NsgFlowV1)
        );
        assert_eq!(
            from_prefix(b"\xEF\xBB\xBF {\"records\":[{\"properties\":{\"Version\" : 2,\"flows\":[{\"flows\":[{\"flowTuples\":[]}]}]}}]}"),
            Some(RawFormat::NsgFlowV2)
        );
        assert_eq!(from_prefix(br#"{"time":"x","flowLogVersion":4,"#), Some(RawFormat::VnetFlowV4));
        // A Log Analytics query API answer is not a raw flow log.
        assert_eq!(from_prefix(br#"{"tables":[{"name":"PrimaryResult","columns":[]}]}"#), None);
        assert_eq!(from_prefix(br#"[{"TimeGenerated":"2024-01-01T00:00:00Z"}]"#), None);
    }

    #[test]
    fn text_lines_decide() {
        assert_eq!(
            from_prefix(
                b"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
            ),
            Some(RawFormat::AwsVpc)
        );
        assert_eq!(
            from_prefix(b"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n"),
            Some(RawFormat::AwsVpc)
        );
        assert_eq!(from_prefix(b"TimeGenerated [UTC],SrcIP_s\n"), None);
        assert_eq!(from_prefix(b"hello world\n"), None);
        assert_eq!(from_prefix(b"   \n"), None);
    }
}
