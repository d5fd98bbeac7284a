//! Hashes, base64, URL encoding, hex and GUIDs.
//!
//! `hash()` is xxhash64 (hash-function.md) of the value's bytes: a string's UTF-8, a
//! datetime's or timespan's 100 ns ticks (datetimes counted from 0001-01-01), a long's or
//! real's 8 bytes, an int's 4, little-endian. The documented examples (`hash("World")`,
//! `hash(datetime(2015-01-01))`) pin the string and datetime forms.

use super::rowwise::{long, map_rows, nanos, text, Out};
use crate::types::KqlType;
use base64::Engine;
use polars::prelude::*;

use KqlType as T;

/// Ticks from 0001-01-01 to 1970-01-01.
const EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// The bytes `hash()` and the `hash_*` digests read for a cell of type `ty`.
fn value_bytes(v: &AnyValue, ty: KqlType) -> Option<Vec<u8>> {
    Some(match (ty, v) {
        (_, AnyValue::Null) => return None,
        (T::DateTime, v) => (nanos(v)? / 100 + EPOCH_TICKS).to_le_bytes().to_vec(),
        (T::TimeSpan, v) => (nanos(v)? / 100).to_le_bytes().to_vec(),
        (_, AnyValue::Int32(n)) => n.to_le_bytes().to_vec(),
        (_, AnyValue::Int64(n)) => n.to_le_bytes().to_vec(),
        (_, AnyValue::Float64(x)) => x.to_le_bytes().to_vec(),
        (_, AnyValue::Boolean(b)) => vec![*b as u8],
        (_, v) => text(v)?.as_bytes().to_vec(),
    })
}

/// `hash(x, [mod])`, `hash_xxhash64(x)`.
pub(super) fn hash(x: Expr, ty: KqlType, modulo: Option<Expr>) -> Expr {
    let mut args = vec![x];
    args.extend(modulo);
    map_rows(args, T::Long, move |cells| {
        let h = xxhash_rust::xxh64::xxh64(&value_bytes(&cells[0], ty)?, 0);
        match cells.get(1) {
            None => Some(Out::Long(h as i64)),
            Some(m) => {
                let m = u64::try_from(long(m)?).ok().filter(|m| *m > 0)?;
                Some(Out::Long((h % m) as i64))
            }
        }
    })
}

/// `hash_sha256`, `hash_sha1`, `hash_md5`: lower-case hex digests.
pub(super) fn digest(name: &str, x: Expr, ty: KqlType) -> Expr {
    use sha2::Digest;
    let algorithm = name.to_string();
    map_rows(vec![x], T::String, move |cells| {
        let bytes = value_bytes(&cells[0], ty)?;
        let out: Vec<u8> = match algorithm.as_str() {
            "hash_sha256" => sha2::Sha256::digest(&bytes).to_vec(),
            "hash_sha1" => sha1::Sha1::digest(&bytes).to_vec(),
            _ => md5::Md5::digest(&bytes).to_vec(),
        };
        Some(Out::Text(hex(&out)))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The base64 and URL encoders and decoders, string to string.
pub(super) fn transcode(name: &str, x: Expr) -> Expr {
    let name = name.to_string();
    let ty = match name.as_str() {
        "base64_decode_toguid" => T::Guid,
        "base64_decode_toarray" => T::Dynamic,
        _ => T::String,
    };
    map_rows(vec![x], ty, move |cells| {
        let s = text(&cells[0])?;
        let b64 = base64::engine::general_purpose::STANDARD;
        Some(Out::Text(match name.as_str() {
            "base64_encode_tostring" => b64.encode(s.as_bytes()),
            // Bytes that are not UTF-8 give null (base64-decode-tostring-function.md).
            "base64_decode_tostring" => String::from_utf8(b64.decode(s).ok()?).ok()?,
            "base64_decode_toarray" => serde_json::Value::from(b64.decode(s).ok()?).to_string(),
            "base64_encode_fromguid" => b64.encode(guid_bytes(s)?),
            "base64_decode_toguid" => guid_text(&<[u8; 16]>::try_from(b64.decode(s).ok()?.as_slice()).ok()?)?,
            "url_encode" => url_encode(s, false),
            "zlib_compress_to_base64_string" | "gzip_compress_to_base64_string" => {
                b64.encode(compress(s.as_bytes(), name.starts_with("gzip"))?)
            }
            "zlib_decompress_from_base64_string" | "gzip_decompress_from_base64_string" => {
                String::from_utf8(decompress(&b64.decode(s.trim()).ok()?, name.starts_with("gzip"))?).ok()?
            }
            _ => url_encode(s, true),
        }))
    })
}

fn compress(bytes: &[u8], gzip: bool) -> Option<Vec<u8>> {
    use std::io::Write;
    let level = flate2::Compression::default();
    if gzip {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
        e.write_all(bytes).ok()?;
        e.finish().ok()
    } else {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
        e.write_all(bytes).ok()?;
        e.finish().ok()
    }
}

fn decompress(bytes: &[u8], gzip: bool) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    if gzip {
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).ok()?;
    } else {
        flate2::read::ZlibDecoder::new(bytes).read_to_end(&mut out).ok()?;
    }
    Some(out)
}

/// `base64_encode_fromarray(bytes)`: a dynamic array of byte values to base64.
pub(super) fn base64_from_array(x: Expr) -> Expr {
    map_rows(vec![x], T::String, |cells| {
        let json: serde_json::Value = serde_json::from_str(text(&cells[0])?).ok()?;
        let bytes = json.as_array()?.iter().map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok())).collect::<Option<Vec<u8>>>()?;
        Some(Out::Text(base64::engine::general_purpose::STANDARD.encode(bytes)))
    })
}

/// Form encoding as .NET's `HttpUtility.UrlEncode` does it: letters, digits and
/// `-_.!*()` stay, every other UTF-8 byte becomes `%xx` in lower-case hex, and a space is
/// `+` (`url_encode`) or `%20` (`url_encode_component`), per url-encode-function.md.
fn url_encode(s: &str, component: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b' ' if !component => out.push('+'),
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')') => out.push(b as char),
            b => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

/// The 16 bytes of a GUID in .NET's `Guid.ToByteArray` order (the first three groups
/// little-endian), which `base64_encode_fromguid` encodes.
fn guid_bytes(s: &str) -> Option<[u8; 16]> {
    let u = uuid::Uuid::parse_str(s.trim()).ok()?;
    Some(u.to_bytes_le())
}

fn guid_text(bytes: &[u8; 16]) -> Option<String> {
    Some(uuid::Uuid::from_bytes_le(*bytes).hyphenated().to_string())
}

/// `toguid(x)`: the canonical lower-case form, null when `x` is not a GUID.
pub(super) fn to_guid(x: Expr) -> Expr {
    map_rows(vec![x], T::Guid, |cells| {
        let u = uuid::Uuid::parse_str(text(&cells[0])?.trim()).ok()?;
        Some(Out::Text(u.hyphenated().to_string()))
    })
}

/// `new_guid()`: a random GUID per row.
pub(super) fn new_guid(len_of: Expr) -> Expr {
    map_rows(vec![len_of], T::Guid, |_| Some(Out::Text(uuid::Uuid::new_v4().hyphenated().to_string())))
}

/// `tohex(n, [min_length])`: two's complement for negative numbers, of 32 bits for an
/// int and 64 for a long (tohex-function.md).
pub(super) fn to_hex(x: Expr, ty: KqlType, min_length: Option<Expr>) -> Expr {
    let mut args = vec![x];
    args.extend(min_length);
    map_rows(args, T::String, move |cells| {
        let digits = match (&cells[0], ty) {
            (AnyValue::Int32(n), _) => format!("{:x}", *n as u32),
            (v, T::Int) => format!("{:x}", long(v)? as i32 as u32),
            (v, _) => format!("{:x}", long(v)? as u64),
        };
        let width = match cells.get(1) {
            Some(w) => long(w)?.clamp(0, 16) as usize,
            None => 0,
        };
        Some(Out::Text(format!("{digits:0>width$}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_url_encoding() {
        // url-encode-function.md / url-encode-component-function.md
        assert_eq!(url_encode("https://www.bing.com/hello world", false), "https%3a%2f%2fwww.bing.com%2fhello+world");
        assert_eq!(url_encode("https://www.bing.com/hello world", true), "https%3a%2f%2fwww.bing.com%2fhello%20world");
    }

    #[test]
    fn guid_bytes_round_trip_in_dotnet_order() {
        // base64-encode-fromguid-function.md
        let g = "ae3133f2-6e22-49ae-b06a-16e6a9b212eb";
        let b = guid_bytes(g).unwrap_or_default();
        assert_eq!(base64::engine::general_purpose::STANDARD.encode(b), "8jMxriJurkmwahbmqbIS6w==");
        assert_eq!(guid_text(&b).as_deref(), Some(g));
    }
}
