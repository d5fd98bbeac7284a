//! Argument kinds and result types of the functions whose typing is a plain signature:
//! each argument position accepts a kind of value, and the result type is fixed (or
//! follows one argument). Functions with richer rules are typed in `expr.rs`.

use crate::error::{Error, Result};
use crate::functions::Function;
use crate::plan::TExpr;
use crate::types::KqlType;

use KqlType as T;

/// What an argument position accepts.
#[derive(Clone, Copy)]
enum Kind {
    /// string, guid or dynamic
    Text,
    /// int or long
    Whole,
    /// any number
    Number,
    Dyn,
    Bool,
    Time,
    Span,
    /// any scalar
    Any,
}

impl Kind {
    fn accepts(self, t: KqlType) -> bool {
        match self {
            Kind::Text => t.is_textual(),
            Kind::Whole => matches!(t, T::Int | T::Long) || t == T::Dynamic,
            Kind::Number => t.is_numeric() || t == T::Dynamic,
            Kind::Dyn => t == T::Dynamic,
            Kind::Bool => matches!(t, T::Bool | T::Dynamic),
            Kind::Time => matches!(t, T::DateTime | T::Dynamic),
            Kind::Span => matches!(t, T::TimeSpan | T::Dynamic),
            Kind::Any => true,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Text => "a string",
            Kind::Whole => "a whole number (int or long)",
            Kind::Number => "a number",
            Kind::Dyn => "dynamic (an array or a property bag)",
            Kind::Bool => "bool",
            Kind::Time => "a datetime",
            Kind::Span => "a timespan",
            Kind::Any => "a scalar",
        }
    }
}

/// The result type of `f` over `args`, or `None` when `f` is typed elsewhere.
/// Positions past the signature's end take the kind of its last position.
pub(super) fn call_type(f: &Function, args: &[TExpr]) -> Result<Option<KqlType>> {
    use Kind::*;
    let (kinds, result): (&[Kind], KqlType) = match f.name {
        "tohex" => (&[Whole, Whole], T::String),
        "binary_and" | "binary_or" | "binary_xor" | "binary_shift_left" | "binary_shift_right" => (&[Whole, Whole], T::Long),
        "binary_not" | "bitset_count_ones" => (&[Whole], T::Long),
        "acos" | "asin" | "atan" | "cos" | "sin" | "tan" | "cot" | "exp2" | "exp10" | "degrees" | "radians" => (&[Number], T::Real),
        "atan2" => (&[Number, Number], T::Real),
        "erf" | "erfc" | "gamma" | "loggamma" => (&[Number], T::Real),
        // Kusto's analyzer types rand(n) as real too; its values are whole numbers.
        "rand" => (&[Whole], T::Real),
        "around" => (&[Any, Any, Any], T::Bool),
        "datetime_utc_to_local" | "datetime_local_to_utc" => (&[Time, Text], T::DateTime),
        "ipv4_range_to_cidr_list" => (&[Text, Text], T::Dynamic),
        "parse_ipv6_mask" => (&[Text, Whole], T::String),
        "unicode_codepoints_from_string" => (&[Text], T::Dynamic),
        "unicode_codepoints_to_string" => (&[Dyn], T::String),
        "pi" => (&[], T::Real),
        "isfinite" => (&[Number], T::Bool),
        "todecimal" => (&[Any], T::Decimal),
        "toguid" => (&[Any], T::Guid),
        "new_guid" => (&[], T::Guid),
        "make_datetime" => (&[Whole, Whole, Whole, Whole, Whole, Number], T::DateTime),
        "make_timespan" => (&[Number], T::TimeSpan),
        "week_of_year" => (&[Time], T::Int),
        "unixtime_microseconds_todatetime" | "unixtime_nanoseconds_todatetime" => (&[Number], T::DateTime),
        "format_timespan" => (&[Span, Text], T::String),
        "hash" => (&[Any, Whole], T::Long),
        "hash_sha256" | "hash_md5" | "hash_sha1" => (&[Any], T::String),
        "hash_xxhash64" => (&[Any], T::Long),
        "base64_encode_tostring" | "base64_decode_tostring" | "url_encode" | "url_encode_component" | "regex_quote" => (&[Text], T::String),
        "base64_encode_fromguid" => (&[Text], T::String),
        "base64_decode_toguid" => (&[Text], T::Guid),
        "base64_decode_toarray" => (&[Text], T::Dynamic),
        "base64_encode_fromarray" => (&[Dyn], T::String),
        "isascii" | "isutf8" => (&[Text], T::Bool),
        "string_size" => (&[Text], T::Long),
        "strrep" => (&[Any, Whole, Text], T::String),
        "translate" => (&[Text, Text, Text], T::String),
        "replace_strings" => (&[Text, Dyn, Dyn], T::String),
        "gettype" => (&[Any], T::String),
        "parse_url" | "parseurl" | "parse_urlquery" | "parse_path" | "parse_csv" => (&[Text], T::Dynamic),
        "parse_version" => (&[Text], T::Decimal),
        "has_ipv4" | "has_ipv4_prefix" => (&[Text, Text], T::Bool),
        "has_any_ipv4" | "has_any_ipv4_prefix" => (&[Text, Text], T::Bool),
        "ipv6_is_in_range" => (&[Text, Text], T::Bool),
        "ipv6_is_in_any_range" => (&[Text, Text], T::Bool),
        "parse_ipv4_mask" => (&[Text, Whole], T::Long),
        "array_index_of" => (&[Dyn, Any, Whole], T::Long),
        "array_reverse" => (&[Dyn], T::Dynamic),
        "array_rotate_left" | "array_rotate_right" => (&[Dyn, Whole], T::Dynamic),
        "array_shift_left" | "array_shift_right" => (&[Dyn, Whole, Any], T::Dynamic),
        "array_sort_asc" | "array_sort_desc" => (&[Dyn, Bool], T::Dynamic),
        "array_iff" | "array_iif" => (&[Dyn, Any, Any], T::Dynamic),
        "array_split" => (&[Dyn, Any], T::Dynamic),
        "array_sum" => (&[Dyn], T::Real),
        "bag_has_key" => (&[Dyn, Text], T::Bool),
        "bag_merge" => (&[Dyn], T::Dynamic),
        "bag_remove_keys" => (&[Dyn, Dyn], T::Dynamic),
        "bag_set_key" => (&[Dyn, Text, Any], T::Dynamic),
        "bag_zip" => (&[Dyn, Dyn], T::Dynamic),
        "zip" => (&[Dyn], T::Dynamic),
        "set_difference" => (&[Dyn], T::Dynamic),
        "set_has_element" => (&[Dyn, Any], T::Bool),
        "set_equals" => (&[Dyn, Dyn], T::Bool),
        "jaccard_index" => (&[Dyn, Dyn], T::Real),
        "dynamic_to_json" => (&[Dyn], T::String),
        "repeat" => (&[Any, Whole], T::Dynamic),
        "extract_json" | "extractjson" => (&[Text, Text], T::String),
        "row_cumsum" => {
            (&[Number, Bool], if args.first().is_some_and(|a| matches!(a.ty, T::Real | T::Decimal)) { T::Real } else { T::Long })
        }
        "row_rank_dense" | "row_rank_min" => (&[Any, Bool], T::Long),
        "row_window_session" => (&[Time, Span, Span, Bool], T::DateTime),
        "series_stats_dynamic" => (&[Dyn, Bool], T::Dynamic),
        "series_fit_line_dynamic" | "series_fill_forward" | "series_fill_backward" | "series_fill_linear" => (&[Dyn], T::Dynamic),
        "series_fill_const" => (&[Dyn, Any], T::Dynamic),
        name if crate::functions::SERIES_PAIRWISE.contains(&name) => (&[Any, Any], T::Dynamic),
        name if crate::functions::SERIES_ELEMENTWISE.contains(&name) => (&[Dyn], T::Dynamic),
        "series_product" | "series_magnitude" => (&[Dyn], T::Real),
        "series_dot_product" | "series_cosine_similarity" | "series_pearson_correlation" => (&[Dyn, Dyn], T::Real),
        "range" => (&[Any, Any, Any], T::Dynamic),
        "datetime_list_timezones" => (&[], T::Dynamic),
        "zlib_compress_to_base64_string" | "gzip_compress_to_base64_string" => (&[Text], T::String),
        "zlib_decompress_from_base64_string" | "gzip_decompress_from_base64_string" => (&[Text], T::String),
        "series_sum" => (&[Dyn], T::Real),
        // Aggregations
        "percentilew" => (
            &[Number, Whole, Number],
            if args.first().is_some_and(|a| a.ty == T::Int) { T::Long } else { args.first().map_or(T::Real, |a| a.ty) },
        ),
        "covariance" | "covariancep" => (&[Number, Number], T::Real),
        "covarianceif" | "covariancepif" => (&[Number, Number, Bool], T::Real),
        "binary_all_and" | "binary_all_or" | "binary_all_xor" => {
            (&[Whole], if args.first().is_some_and(|a| a.ty == T::Int) { T::Int } else { T::Long })
        }
        "stdevif" | "varianceif" | "variancepif" => (&[Number, Bool], T::Real),
        "stdevp" | "variancep" => (&[Number], T::Real),
        "count_distinctif" => (&[Any, Bool], T::Long),
        "make_bag_if" => (&[Dyn, Bool, Whole], T::Dynamic),
        "make_list_with_nulls" => (&[Any, Whole], T::Dynamic),
        "hll" | "tdigest" => (&[Any, Any], T::Dynamic),
        "hll_if" => (&[Any, Bool, Any], T::Dynamic),
        "hll_merge" | "tdigest_merge" | "merge_tdigest" => (&[Dyn], T::Dynamic),
        "percentiles_array" => (&[Any, Any], T::Dynamic),
        "dcount_hll" => (&[Dyn], T::Long),
        "percentile_tdigest" => (&[Dyn, Number], T::Dynamic),
        _ => return Ok(None),
    };
    if let (Some(last), true) = (kinds.last(), !kinds.is_empty()) {
        for (n, a) in args.iter().enumerate() {
            let kind = kinds.get(n).copied().unwrap_or(*last);
            if !kind.accepts(a.ty) {
                return Err(Error::semantic(
                    a.span,
                    format!("argument {} of `{}` must be {}, but it is {}", n + 1, f.name, kind.describe(), a.ty),
                )
                .with_help(format!("usage: {}", f.signature)));
            }
        }
    }
    Ok(Some(result))
}
