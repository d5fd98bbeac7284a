//! The function registry: one row per KQL function flowkql runs, with its kind, arity,
//! how Kusto names an unnamed result column built from it, and its documentation.
//! `semantic` types calls against these rows, `exec` lowers them, and
//! `flowkql functions` prints them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnKind {
    Scalar,
    Aggregate,
}

/// How Kusto names the column of an unnamed expression that is a call of this function
/// (checked against Kusto's own analyzer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// `ColumnN`.
    Generated,
    /// The first argument's name: `tostring(DestPort_d)` is `DestPort_d`.
    FirstArgument,
    /// A prefix and the first argument's name: `strlen(SrcIP_s)` is `strlen_SrcIP_s`,
    /// `sum(Bytes)` is `sum_Bytes`, `make_set(Ip)` is `set_Ip`. Without a named argument
    /// the prefix alone (`sum_`, `count_`).
    Prefixed(&'static str),
    /// The first argument's name and a suffix: `array_sort_asc(x)` is `x_sorted`;
    /// `ColumnN` when the argument has no name.
    Suffixed(&'static str),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    pub kind: FnKind,
    pub min_args: usize,
    /// `usize::MAX` for variadic functions.
    pub max_args: usize,
    pub naming: Naming,
    pub signature: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
}

const MANY: usize = usize::MAX;

macro_rules! functions {
    ($( $name:literal, $kind:ident, $min:expr, $max:expr, $naming:expr, $sig:literal, $doc:literal, $ex:literal; )*) => {
        pub static FUNCTIONS: &[Function] = &[
            $( Function { name: $name, kind: FnKind::$kind, min_args: $min, max_args: $max, naming: $naming,
                          signature: $sig, doc: $doc, example: $ex }, )*
        ];
    };
}

use Naming::{FirstArgument as First, Generated as Gen, Prefixed as Pre, Suffixed as Suf};

functions! {
    // Conditionals and null tests
    "iff", Scalar, 3, 3, Gen, "iff(condition, then, else)", "`then` where condition is true, else `else` (null counts as false)", "iff(FlowStatus_s == 'A', 'Allow', 'Deny')";
    "iif", Scalar, 3, 3, Gen, "iif(condition, then, else)", "Same as iff", "iif(DestPort_d == 443, 'https', 'other')";
    "case", Scalar, 3, MANY, Gen, "case(cond1, value1, [cond2, value2, ...] else)", "The value of the first true condition, else the last argument", "case(FlowStatus_s == 'A', 'Allow', 'Deny')";
    "coalesce", Scalar, 2, MANY, Gen, "coalesce(a, b, ...)", "The first argument that is not null (or empty, for strings)", "coalesce(SrcIP_s, DestIP_s)";
    "isempty", Scalar, 1, 1, Gen, "isempty(x)", "True for an empty string or a null value", "isempty(SrcPublicIPs_s)";
    "isnotempty", Scalar, 1, 1, Gen, "isnotempty(x)", "Not isempty", "isnotempty(DestPublicIPs_s)";
    "isnull", Scalar, 1, 1, Gen, "isnull(x)", "True for a null value (a string is never null)", "isnull(DestPort_d)";
    "isnotnull", Scalar, 1, 1, Gen, "isnotnull(x)", "Not isnull", "isnotnull(InboundBytes_d)";
    "not", Scalar, 1, 1, Gen, "not(b)", "Logical negation", "not(FlowStatus_s == 'A')";
    // Conversions
    "tostring", Scalar, 1, 1, First, "tostring(x)", "Text form of a value; null becomes \"\"", "tostring(DestPort_d)";
    "toint", Scalar, 1, 1, First, "toint(x)", "32-bit integer, null when it does not convert", "toint(DestPort_d)";
    "tolong", Scalar, 1, 1, First, "tolong(x)", "64-bit integer, null when it does not convert", "tolong('443')";
    "todouble", Scalar, 1, 1, First, "todouble(x)", "Real number, null when it does not convert", "todouble('1.5')";
    "toreal", Scalar, 1, 1, First, "toreal(x)", "Same as todouble", "toreal(Confidence)";
    "tobool", Scalar, 1, 1, First, "tobool(x)", "Boolean from true/false (any case) or a number", "tobool('true')";
    "toboolean", Scalar, 1, 1, First, "toboolean(x)", "Same as tobool", "toboolean(IsActive)";
    "todatetime", Scalar, 1, 1, First, "todatetime(x)", "Datetime from ISO 8601 and the other forms Kusto accepts", "todatetime('2022-11-13T00:00:00')";
    "totimespan", Scalar, 1, 1, First, "totimespan(x)", "Timespan from [d.]hh:mm:ss text", "totimespan('01:30:00')";
    // Strings
    "strcat", Scalar, 1, MANY, Gen, "strcat(a, b, ...)", "Concatenates the text forms of the arguments", "strcat(SrcIP_s, ':', tostring(DestPort_d))";
    "strlen", Scalar, 1, 1, Pre("strlen_"), "strlen(s)", "Length in characters", "strlen(NSGRule_s)";
    "substring", Scalar, 2, 3, Gen, "substring(s, start, [length])", "Part of a string from a zero-based start", "substring(MACAddress_s, 0, 8)";
    "tolower", Scalar, 1, 1, Gen, "tolower(s)", "Lower case", "tolower(Computer)";
    "toupper", Scalar, 1, 1, Gen, "toupper(s)", "Upper case", "toupper(NSGList_s)";
    "trim", Scalar, 2, 2, Gen, "trim(regex, s)", "Removes leading and trailing matches of regex", "trim(' ', Name_s)";
    "trim_start", Scalar, 2, 2, Gen, "trim_start(regex, s)", "Removes leading matches of regex", "trim_start('0', s)";
    "trim_end", Scalar, 2, 2, Gen, "trim_end(regex, s)", "Removes trailing matches of regex", "trim_end('/', s)";
    "replace_string", Scalar, 3, 3, Gen, "replace_string(s, lookup, rewrite)", "Replaces every occurrence of lookup", "replace_string(MACAddress_s, '-', '')";
    "extract", Scalar, 3, 3, Gen, "extract(regex, group, s)", "The regex group's match, or \"\"", "extract(@'^(\\d+)\\.', 1, SrcIP_s)";
    "split", Scalar, 2, 3, First, "split(s, delimiter, [index])", "Dynamic array of the parts; with index, a one-element array", "split(PublicIPs_s, '|', 0)";
    "array_length", Scalar, 1, 1, Gen, "array_length(a)", "Number of elements of a dynamic array, null for a non-array", "array_length(split(SrcPublicIPs_s, ' '))";
    // Datetime
    "now", Scalar, 0, 1, Gen, "now([offset])", "The query's fixed current time (pinned with --now)", "now(-1h)";
    "ago", Scalar, 1, 1, Gen, "ago(timespan)", "now() minus the timespan", "ago(1d)";
    "bin", Scalar, 2, 2, First, "bin(x, size)", "Rounds down to a multiple of size (datetimes from 0001-01-01)", "bin(TimeGenerated, 1h)";
    "floor", Scalar, 2, 2, First, "floor(x, size)", "Same as bin", "floor(TimeGenerated, 1d)";
    "startofday", Scalar, 1, 2, First, "startofday(dt, [offset])", "Midnight of the day", "startofday(TimeGenerated)";
    "startofweek", Scalar, 1, 2, Gen, "startofweek(dt, [offset])", "Midnight of the week's Sunday", "startofweek(TimeGenerated)";
    "startofmonth", Scalar, 1, 2, Gen, "startofmonth(dt, [offset])", "Midnight of the month's first day", "startofmonth(TimeGenerated)";
    "startofyear", Scalar, 1, 2, Gen, "startofyear(dt, [offset])", "Midnight of the year's first day", "startofyear(TimeGenerated)";
    "endofday", Scalar, 1, 2, Gen, "endofday(dt, [offset])", "The last tick of the day", "endofday(TimeGenerated)";
    "datetime_part", Scalar, 2, 2, Gen, "datetime_part(part, dt)", "Year, Quarter, Month, Week_of_year, Day, DayOfYear, Hour, Minute, Second, Millisecond, Microsecond, Nanosecond", "datetime_part('hour', TimeGenerated)";
    "format_datetime", Scalar, 2, 2, First, "format_datetime(dt, format)", "Text of a datetime in Kusto's format specifiers (yyyy-MM-dd HH:mm:ss.fff)", "format_datetime(TimeGenerated, 'yyyy-MM-dd HH:mm')";
    "dayofweek", Scalar, 1, 1, Gen, "dayofweek(dt)", "Days since the preceding Sunday, as a timespan", "dayofweek(TimeGenerated)";
    "dayofmonth", Scalar, 1, 1, Gen, "dayofmonth(dt)", "Day of the month, 1-31", "dayofmonth(TimeGenerated)";
    "hourofday", Scalar, 1, 1, Gen, "hourofday(dt)", "Hour of the day, 0-23", "hourofday(TimeGenerated)";
    "getmonth", Scalar, 1, 1, Gen, "getmonth(dt)", "Month, 1-12", "getmonth(TimeGenerated)";
    "monthofyear", Scalar, 1, 1, Gen, "monthofyear(dt)", "Month, 1-12", "monthofyear(TimeGenerated)";
    "getyear", Scalar, 1, 1, Gen, "getyear(dt)", "Year", "getyear(TimeGenerated)";
    // Numbers
    "round", Scalar, 1, 2, First, "round(x, [digits])", "Rounds half away from zero to digits places", "round(avg_Val, 2)";
    "abs", Scalar, 1, 1, First, "abs(x)", "Absolute value", "abs(DestPort_d - 443)";
    // IPv4
    "ipv4_is_match", Scalar, 2, 3, Gen, "ipv4_is_match(ip1, ip2, [prefix])", "True when both addresses match on the prefix bits (a /n in either address or the third argument)", "ipv4_is_match(DestIP_s, '10.1.1.0/24')";
    "ipv4_is_in_range", Scalar, 2, 2, Gen, "ipv4_is_in_range(ip, range)", "True when the address is in the CIDR range", "ipv4_is_in_range(SrcIP_s, '10.0.0.0/8')";
    "ipv4_is_private", Scalar, 1, 1, Gen, "ipv4_is_private(ip)", "True for 10/8, 172.16/12 and 192.168/16 addresses", "ipv4_is_private(DestIP_s)";
    "ipv4_compare", Scalar, 2, 3, Gen, "ipv4_compare(ip1, ip2, [prefix])", "-1, 0 or 1 comparing two addresses on the prefix bits", "ipv4_compare(SrcIP_s, '10.1.0.99')";
    "parse_ipv4", Scalar, 1, 1, Gen, "parse_ipv4(ip)", "The address (masked by a /n suffix) as a long", "parse_ipv4('10.1.0.99')";
    "max_of", Scalar, 2, MANY, Gen, "max_of(a, b, ...)", "The largest argument, ignoring nulls", "max_of(InboundBytes_d, OutboundBytes_d)";
    "min_of", Scalar, 2, MANY, Gen, "min_of(a, b, ...)", "The smallest argument, ignoring nulls", "min_of(DestPort_d, 1024)";
    "ceiling", Scalar, 1, 1, First, "ceiling(x)", "The smallest whole number at or above x", "ceiling(Val)";
    "sqrt", Scalar, 1, 1, First, "sqrt(x)", "Square root", "sqrt(Val)";
    "exp", Scalar, 1, 1, First, "exp(x)", "e to the power x", "exp(1.0)";
    "log", Scalar, 1, 1, First, "log(x)", "Natural logarithm", "log(BytesSent)";
    "log10", Scalar, 1, 1, First, "log10(x)", "Base-10 logarithm", "log10(BytesSent)";
    "log2", Scalar, 1, 1, First, "log2(x)", "Base-2 logarithm", "log2(BytesSent)";
    "pow", Scalar, 2, 2, First, "pow(base, exponent)", "base to the power exponent", "pow(2, 10)";
    "isnan", Scalar, 1, 1, Gen, "isnan(x)", "True when x is NaN", "isnan(Val)";
    "countof", Scalar, 2, 3, Gen, "countof(text, search, [kind])", "Non-overlapping occurrences of search (kind 'normal' or 'regex')", "countof(SrcPublicIPs_s, ' ')";
    "indexof", Scalar, 2, 5, Gen, "indexof(s, lookup, [start, length, occurrence])", "Zero-based position of lookup, or -1", "indexof(NSGList_s, '/')";
    "indexof_regex", Scalar, 2, 5, Gen, "indexof_regex(s, regex, [start, length, occurrence])", "Zero-based position of the regex match, or -1", "indexof_regex(Name_s, @'\\d')";
    "replace_regex", Scalar, 3, 3, Gen, "replace_regex(s, regex, rewrite)", "Replaces every regex match; \\1 in rewrite is group 1", "replace_regex(MACAddress_s, '-', ':')";
    "extract_all", Scalar, 2, 3, Gen, "extract_all(regex, [groups,] s)", "Dynamic array of every match (of the groups, or of the selected ones), null when none", "extract_all(@'(\\d+)', SrcIP_s)";
    "reverse", Scalar, 1, 1, Gen, "reverse(s)", "The string reversed", "reverse(Computer)";
    "url_decode", Scalar, 1, 1, Gen, "url_decode(s)", "Decodes %XX escapes (and + as space)", "url_decode('a%20b')";
    "strcat_delim", Scalar, 3, MANY, Gen, "strcat_delim(delimiter, a, b, ...)", "Concatenates the text forms with a delimiter", "strcat_delim(':', SrcIP_s, DestPort_d)";
    "datetime_add", Scalar, 3, 3, Gen, "datetime_add(part, amount, dt)", "dt plus amount of the part (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond)", "datetime_add('month', 1, TimeGenerated)";
    "datetime_diff", Scalar, 3, 3, Gen, "datetime_diff(part, dt1, dt2)", "Number of part boundaries between dt2 and dt1 (dt1 - dt2)", "datetime_diff('hour', now(), TimeGenerated)";
    "format_bytes", Scalar, 1, 3, First, "format_bytes(size, [precision, units])", "A byte count as text with units (1024 base)", "format_bytes(InboundBytes_d, 1)";
    "ipv4_is_in_any_range", Scalar, 2, MANY, Gen, "ipv4_is_in_any_range(ip, range, ...)", "True when the address is in any of the CIDR ranges (or a dynamic array of them)", "ipv4_is_in_any_range(SrcIP_s, '10.0.0.0/8', '192.168.0.0/16')";
    "ipv4_netmask_suffix", Scalar, 1, 1, Gen, "ipv4_netmask_suffix(ip)", "The /n prefix length of an address (32 without one)", "ipv4_netmask_suffix('10.1.0.0/16')";
    "format_ipv4", Scalar, 1, 2, Gen, "format_ipv4(ip, [prefix])", "The address masked to the prefix, as text; \"\" when not an address", "format_ipv4('10.1.2.3', 16)";
    "format_ipv4_mask", Scalar, 1, 2, Gen, "format_ipv4_mask(ip, [prefix])", "The masked address with its /n suffix", "format_ipv4_mask('10.1.2.3', 24)";
    "parse_json", Scalar, 1, 1, First, "parse_json(text)", "Dynamic value of JSON text; text that is not JSON becomes a dynamic string", "parse_json(Tags)['vm.azm.ms/mountId']";
    "todynamic", Scalar, 1, 1, First, "todynamic(text)", "Same as parse_json", "todynamic(RemoteDnsQuestions)";
    "parsejson", Scalar, 1, 1, First, "parsejson(text)", "Legacy name of parse_json", "parsejson(Tags)";
    "pack", Scalar, 2, MANY, Gen, "pack(key1, value1, ...)", "Legacy name of bag_pack", "pack('src', SrcIP_s, 'dst', DestIP_s)";
    "bag_pack", Scalar, 2, MANY, Gen, "bag_pack(key1, value1, ...)", "A property bag of the key/value pairs", "bag_pack('src', SrcIP_s, 'port', DestPort_d)";
    "pack_array", Scalar, 1, MANY, Gen, "pack_array(v1, v2, ...)", "A dynamic array of the values", "pack_array(SrcIP_s, DestIP_s)";
    "array_concat", Scalar, 1, MANY, Gen, "array_concat(a1, a2, ...)", "The arrays concatenated", "array_concat(split(a, ','), split(b, ','))";
    "array_slice", Scalar, 3, 3, Gen, "array_slice(array, start, end)", "Elements start..end inclusive (negative counts from the end)", "array_slice(split(NSGList_s, '/'), 0, 1)";
    "strcat_array", Scalar, 2, 2, Gen, "strcat_array(array, delimiter)", "The elements' text joined with the delimiter", "strcat_array(make_set_DestPort, ',')";
    "set_union", Scalar, 2, MANY, Gen, "set_union(a1, a2, ...)", "Distinct elements of all the arrays", "set_union(split(a, ','), split(b, ','))";
    "set_intersect", Scalar, 2, MANY, Gen, "set_intersect(a1, a2, ...)", "Distinct elements present in every array", "set_intersect(split(a, ','), split(b, ','))";
    "bag_keys", Scalar, 1, 1, Gen, "bag_keys(bag)", "Dynamic array of a property bag's keys", "bag_keys(parse_json(Tags))";
    "row_number", Scalar, 0, 2, Gen, "row_number([start])", "The row's position in the serialized rows, from start (default 1)", "serialize | extend rn = row_number()";
    "prev", Scalar, 1, 3, Gen, "prev(column, [offset, default])", "The value offset rows before, in the serialized rows", "extend gap = TimeGenerated - prev(TimeGenerated)";
    "next", Scalar, 1, 3, Gen, "next(column, [offset, default])", "The value offset rows after, in the serialized rows", "extend following = next(SrcIP_s)";
    "row_cumsum", Scalar, 1, 2, Gen, "row_cumsum(term, [restart])", "Running sum of term over the serialized rows, restarting where restart is true", "serialize | extend total = row_cumsum(Bytes)";
    "row_rank_dense", Scalar, 1, 2, Gen, "row_rank_dense(term, [restart])", "Dense rank: one more each time term changes from the previous row", "sort by Val asc | extend rank = row_rank_dense(Val)";
    "row_rank_min", Scalar, 1, 2, Gen, "row_rank_min(term, [restart])", "Minimal rank: the row number of the first row with this term", "sort by Val asc | extend rank = row_rank_min(Val)";
    "row_window_session", Scalar, 3, 4, Gen, "row_window_session(t, max_from_first, max_between, [restart])", "The first time of each row's session", "sort by TimeGenerated asc | extend s = row_window_session(TimeGenerated, 1h, 5m)";
    "parse_ipv6", Scalar, 1, 1, Gen, "parse_ipv6(ip)", "The canonical IPv6 form (IPv4 mapped), masked by a /n suffix; null when malformed", "parse_ipv6('fe80::85d:e82c:9446:7994/120')";
    "ipv6_compare", Scalar, 2, 3, Gen, "ipv6_compare(ip1, ip2, [prefix])", "-1, 0 or 1 comparing two IPv6 (or IPv4) addresses on the prefix bits", "ipv6_compare('::ffff:7f00:1', '127.0.0.1')";
    "ipv6_is_match", Scalar, 2, 3, Gen, "ipv6_is_match(ip1, ip2, [prefix])", "True when both addresses match on the prefix bits", "ipv6_is_match('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 120)";
    "unixtime_seconds_todatetime", Scalar, 1, 1, Gen, "unixtime_seconds_todatetime(seconds)", "The datetime that many seconds after 1970-01-01", "unixtime_seconds_todatetime(start)";
    "unixtime_milliseconds_todatetime", Scalar, 1, 1, Gen, "unixtime_milliseconds_todatetime(ms)", "The datetime that many milliseconds after 1970-01-01", "unixtime_milliseconds_todatetime(1546300800000)";
    "dayofyear", Scalar, 1, 1, Gen, "dayofyear(dt)", "Day of the year, 1-366", "dayofyear(TimeGenerated)";
    "endofweek", Scalar, 1, 2, Gen, "endofweek(dt, [offset])", "The last tick of the week (weeks start on Sunday)", "endofweek(TimeGenerated)";
    "endofmonth", Scalar, 1, 2, Gen, "endofmonth(dt, [offset])", "The last tick of the month", "endofmonth(TimeGenerated)";
    "endofyear", Scalar, 1, 2, Gen, "endofyear(dt, [offset])", "The last tick of the year", "endofyear(TimeGenerated)";
    "sign", Scalar, 1, 1, Gen, "sign(x)", "-1, 0 or 1 by the sign of x", "sign(BytesSent - BytesReceived)";
    "isinf", Scalar, 1, 1, Gen, "isinf(x)", "True when x is infinite", "isinf(Val)";
    "strcmp", Scalar, 2, 2, Gen, "strcmp(a, b)", "-1, 0 or 1 comparing two strings ordinally", "strcmp(SrcIP_s, DestIP_s)";
    "bin_at", Scalar, 3, 3, First, "bin_at(x, size, anchor)", "Rounds down to a multiple of size counted from anchor", "bin_at(TimeGenerated, 1d, datetime(2024-01-01 06:00))";
    // Conversions, bits and math
    "todecimal", Scalar, 1, 1, First, "todecimal(x)", "Decimal number (held as a double here), null when it does not convert", "todecimal('1.5')";
    "toguid", Scalar, 1, 1, First, "toguid(x)", "GUID from its text, null when it is not one", "toguid('ae3133f2-6e22-49ae-b06a-16e6a9b212eb')";
    "new_guid", Scalar, 0, 0, Gen, "new_guid()", "A random GUID", "extend id = new_guid()";
    "tohex", Scalar, 1, 2, First, "tohex(n, [min_length])", "Hex text of a whole number (two's complement when negative)", "tohex(DestPort_d)";
    "binary_and", Scalar, 2, 2, Gen, "binary_and(a, b)", "Bitwise AND", "binary_and(Flags, 4)";
    "binary_or", Scalar, 2, 2, Gen, "binary_or(a, b)", "Bitwise OR", "binary_or(Flags, 4)";
    "binary_xor", Scalar, 2, 2, Gen, "binary_xor(a, b)", "Bitwise XOR", "binary_xor(Flags, 4)";
    "binary_not", Scalar, 1, 1, Gen, "binary_not(a)", "Bitwise NOT", "binary_not(Flags)";
    "binary_shift_left", Scalar, 2, 2, Gen, "binary_shift_left(a, n)", "a shifted left by n bits", "binary_shift_left(1, 8)";
    "binary_shift_right", Scalar, 2, 2, Gen, "binary_shift_right(a, n)", "a shifted right by n bits", "binary_shift_right(256, 8)";
    "bitset_count_ones", Scalar, 1, 1, Gen, "bitset_count_ones(a)", "Number of set bits", "bitset_count_ones(Flags)";
    "acos", Scalar, 1, 1, Gen, "acos(x)", "Arc cosine", "acos(0.5)";
    "asin", Scalar, 1, 1, Gen, "asin(x)", "Arc sine", "asin(0.5)";
    "atan", Scalar, 1, 1, Gen, "atan(x)", "Arc tangent", "atan(1.0)";
    "atan2", Scalar, 2, 2, Gen, "atan2(y, x)", "Angle of the point (x, y) in radians", "atan2(1.0, 1.0)";
    "cos", Scalar, 1, 1, Gen, "cos(x)", "Cosine", "cos(pi())";
    "sin", Scalar, 1, 1, Gen, "sin(x)", "Sine", "sin(pi() / 2)";
    "tan", Scalar, 1, 1, Gen, "tan(x)", "Tangent", "tan(1.0)";
    "cot", Scalar, 1, 1, Gen, "cot(x)", "Cotangent", "cot(1.0)";
    "degrees", Scalar, 1, 1, Gen, "degrees(radians)", "Radians to degrees", "degrees(pi())";
    "radians", Scalar, 1, 1, Gen, "radians(degrees)", "Degrees to radians", "radians(180)";
    "pi", Scalar, 0, 0, Gen, "pi()", "The constant pi", "pi()";
    "exp2", Scalar, 1, 1, Gen, "exp2(x)", "2 to the power x", "exp2(10)";
    "exp10", Scalar, 1, 1, Gen, "exp10(x)", "10 to the power x", "exp10(3)";
    "isfinite", Scalar, 1, 1, Gen, "isfinite(x)", "True when x is neither infinite nor NaN", "isfinite(Val)";
    "erf", Scalar, 1, 1, Gen, "erf(x)", "The error function", "erf(0.5)";
    "erfc", Scalar, 1, 1, Gen, "erfc(x)", "The complementary error function", "erfc(0.5)";
    "gamma", Scalar, 1, 1, Gen, "gamma(x)", "The gamma function", "gamma(5)";
    "loggamma", Scalar, 1, 1, Gen, "loggamma(x)", "Natural logarithm of the absolute gamma function", "loggamma(5)";
    "rand", Scalar, 0, 1, Gen, "rand([n])", "A random real in [0, 1), or a random whole number in [0, n)", "where rand() < 0.1";
    "around", Scalar, 3, 3, Gen, "around(value, center, delta)", "True when value is within delta of center (inclusive)", "around(TimeGenerated, datetime(2024-01-01), 1h)";
    "datetime_utc_to_local", Scalar, 2, 2, Gen, "datetime_utc_to_local(dt, zone)", "A UTC datetime as local time in an IANA zone", "datetime_utc_to_local(TimeGenerated, 'Europe/Berlin')";
    "datetime_local_to_utc", Scalar, 2, 2, Gen, "datetime_local_to_utc(dt, zone)", "A local time in an IANA zone as UTC", "datetime_local_to_utc(LocalTime, 'US/Pacific')";
    "ipv4_range_to_cidr_list", Scalar, 2, 2, Gen, "ipv4_range_to_cidr_list(start, end)", "The fewest CIDR blocks covering an address range", "ipv4_range_to_cidr_list('10.0.0.0', '10.0.3.255')";
    "parse_ipv6_mask", Scalar, 2, 2, Gen, "parse_ipv6_mask(ip, prefix)", "Canonical IPv6 form of an address masked to the prefix", "parse_ipv6_mask('fe80::85d:e82c:9446:7994', 120)";
    "unicode_codepoints_from_string", Scalar, 1, 1, Gen, "unicode_codepoints_from_string(s)", "Dynamic array of the string's code points", "unicode_codepoints_from_string('abc')";
    "unicode_codepoints_to_string", Scalar, 1, 1, Gen, "unicode_codepoints_to_string(codes)", "The string of a dynamic array of code points", "unicode_codepoints_to_string(dynamic([75, 117]))";
    // Time building
    "make_datetime", Scalar, 3, 6, Gen, "make_datetime(year, month, day, [hour, minute, [second]])", "A datetime from its parts; null when they name no date", "make_datetime(2024, 1, 31)";
    "make_timespan", Scalar, 2, 4, Gen, "make_timespan([day,] hour, minute, [second])", "A timespan from its parts", "make_timespan(1, 12, 30, 55.123)";
    "week_of_year", Scalar, 1, 1, Gen, "week_of_year(dt)", "ISO 8601 week number", "week_of_year(TimeGenerated)";
    "unixtime_microseconds_todatetime", Scalar, 1, 1, Gen, "unixtime_microseconds_todatetime(us)", "The datetime that many microseconds after 1970-01-01", "unixtime_microseconds_todatetime(1546300800000000)";
    "unixtime_nanoseconds_todatetime", Scalar, 1, 1, Gen, "unixtime_nanoseconds_todatetime(ns)", "The datetime that many nanoseconds after 1970-01-01", "unixtime_nanoseconds_todatetime(1546300800000000000)";
    "format_timespan", Scalar, 2, 2, Gen, "format_timespan(ts, format)", "Text of a timespan in d/h/m/s/f format elements", "format_timespan(Duration, 'hh:mm:ss')";
    // Hashes and encodings
    "hash", Scalar, 1, 2, Gen, "hash(x, [mod])", "xxhash64 of the value (of its UTF-8 for text), optionally modulo mod", "where hash(SrcIP_s, 10) == 0";
    "hash_xxhash64", Scalar, 1, 1, Gen, "hash_xxhash64(x)", "xxhash64 of the value", "hash_xxhash64(SrcIP_s)";
    "hash_sha256", Scalar, 1, 1, Gen, "hash_sha256(x)", "SHA-256 of the value as lower-case hex", "hash_sha256(Computer)";
    "hash_sha1", Scalar, 1, 1, Gen, "hash_sha1(x)", "SHA-1 of the value as lower-case hex", "hash_sha1(Computer)";
    "hash_md5", Scalar, 1, 1, Gen, "hash_md5(x)", "MD5 of the value as lower-case hex", "hash_md5(Computer)";
    "base64_encode_tostring", Scalar, 1, 1, Gen, "base64_encode_tostring(s)", "Base64 of the string's UTF-8", "base64_encode_tostring('Kusto')";
    "base64_decode_tostring", Scalar, 1, 1, Gen, "base64_decode_tostring(s)", "The UTF-8 text of base64, null when it is not", "base64_decode_tostring('S3VzdG8=')";
    "base64_decode_toarray", Scalar, 1, 1, Gen, "base64_decode_toarray(s)", "The bytes of base64 as a dynamic array", "base64_decode_toarray('S3VzdG8=')";
    "base64_encode_fromarray", Scalar, 1, 1, Gen, "base64_encode_fromarray(bytes)", "Base64 of a dynamic array of bytes", "base64_encode_fromarray(dynamic([75, 117]))";
    "base64_encode_fromguid", Scalar, 1, 1, Gen, "base64_encode_fromguid(g)", "Base64 of a GUID's bytes", "base64_encode_fromguid(toguid(Id))";
    "base64_decode_toguid", Scalar, 1, 1, Gen, "base64_decode_toguid(s)", "The GUID of 16 base64 bytes", "base64_decode_toguid('8jMxriJurkmwahbmqbIS6w==')";
    "url_encode", Scalar, 1, 1, Gen, "url_encode(s)", "Form-encodes text (space as +)", "url_encode(Url)";
    "url_encode_component", Scalar, 1, 1, Gen, "url_encode_component(s)", "Percent-encodes text (space as %20)", "url_encode_component(Url)";
    // Text
    "gettype", Scalar, 1, 1, Pre("type_"), "gettype(x)", "The runtime type's name (for dynamic: of the value held)", "gettype(parse_json(Tags))";
    "isascii", Scalar, 1, 1, Gen, "isascii(s)", "True when every character is ASCII", "isascii(Computer)";
    "isutf8", Scalar, 1, 1, Gen, "isutf8(s)", "True for valid UTF-8 text", "isutf8(Computer)";
    "string_size", Scalar, 1, 1, Pre("string_size_"), "string_size(s)", "Size in bytes (UTF-8)", "string_size(Computer)";
    "strrep", Scalar, 2, 3, Gen, "strrep(value, n, [delimiter])", "The value's text repeated n times", "strrep('-', 10)";
    "regex_quote", Scalar, 1, 1, Gen, "regex_quote(s)", "The text with regex metacharacters escaped", "regex_quote('10.0.0.1')";
    "translate", Scalar, 3, 3, Gen, "translate(from, to, s)", "Replaces each character of from with the one at its position in to", "translate('-', ':', MACAddress_s)";
    "parse_url", Scalar, 1, 1, Gen, "parse_url(url)", "Property bag of an absolute URL's parts", "parse_url(Url).Host";
    "parseurl", Scalar, 1, 1, Gen, "parseurl(url)", "Legacy name of parse_url", "parseurl(Url)";
    "parse_urlquery", Scalar, 1, 1, Gen, "parse_urlquery(query)", "Property bag of a URL query's parameters", "parse_urlquery('k1=v1&k2=v2')";
    "parse_path", Scalar, 1, 1, Gen, "parse_path(path)", "Property bag of a file path's parts", "parse_path(FilePath)";
    "parse_csv", Scalar, 1, 1, Gen, "parse_csv(record)", "Dynamic array of one CSV record's fields", "parse_csv(Line)";
    // IP addresses in text
    "has_ipv4", Scalar, 2, 2, Gen, "has_ipv4(text, ip)", "True when the IPv4 address appears in the text, delimited", "has_ipv4(Message, '10.0.0.1')";
    "has_ipv4_prefix", Scalar, 2, 2, Gen, "has_ipv4_prefix(text, prefix)", "True when an address starting with the prefix (e.g. '10.1.') appears", "has_ipv4_prefix(Message, '10.1.')";
    "has_any_ipv4", Scalar, 2, MANY, Gen, "has_any_ipv4(text, ip, ...)", "True when any of the addresses (or a dynamic array of them) appears", "has_any_ipv4(Message, dynamic(['10.0.0.1', '10.0.0.2']))";
    "has_any_ipv4_prefix", Scalar, 2, MANY, Gen, "has_any_ipv4_prefix(text, prefix, ...)", "True when an address with any of the prefixes appears", "has_any_ipv4_prefix(Message, '10.', '192.168.')";
    "ipv6_is_in_range", Scalar, 2, 2, Gen, "ipv6_is_in_range(ip, range)", "True when the IPv6 (or IPv4) address is in the prefix range", "ipv6_is_in_range(SrcIp, 'fe80::/10')";
    "ipv6_is_in_any_range", Scalar, 2, MANY, Gen, "ipv6_is_in_any_range(ip, range, ...)", "True when the address is in any of the ranges", "ipv6_is_in_any_range(SrcIp, 'fe80::/10', 'fc00::/7')";
    "parse_ipv4_mask", Scalar, 2, 2, Gen, "parse_ipv4_mask(ip, prefix)", "The address masked to prefix bits, as a long", "parse_ipv4_mask('10.1.2.3', 24)";
    // Dynamic arrays and bags
    "array_index_of", Scalar, 2, 5, Gen, "array_index_of(array, value, [start, length, occurrence])", "Zero-based position of value, or -1", "array_index_of(split(Path, '/'), 'api')";
    "array_reverse", Scalar, 1, 1, Gen, "array_reverse(array)", "The elements in reverse order", "array_reverse(split(Fqdn, '.'))";
    "array_rotate_left", Scalar, 2, 2, Gen, "array_rotate_left(array, n)", "Elements rotated n places to the left", "array_rotate_left(dynamic([1,2,3]), 1)";
    "array_rotate_right", Scalar, 2, 2, Gen, "array_rotate_right(array, n)", "Elements rotated n places to the right", "array_rotate_right(dynamic([1,2,3]), 1)";
    "array_shift_left", Scalar, 2, 3, Gen, "array_shift_left(array, n, [fill])", "Elements shifted n places left, filled with null (or fill)", "array_shift_left(dynamic([1,2,3]), 1)";
    "array_shift_right", Scalar, 2, 3, Gen, "array_shift_right(array, n, [fill])", "Elements shifted n places right, filled with null (or fill)", "array_shift_right(dynamic([1,2,3]), 1)";
    "array_sort_asc", Scalar, 1, 2, Suf("_sorted"), "array_sort_asc(array, [nulls_last])", "The array sorted ascending (numbers, then strings, then the rest)", "array_sort_asc(make_set_DestPort)";
    "array_sort_desc", Scalar, 1, 2, Suf("_sorted"), "array_sort_desc(array, [nulls_last])", "The array sorted descending", "array_sort_desc(make_set_DestPort)";
    "array_iff", Scalar, 3, 3, Gen, "array_iff(conditions, when_true, when_false)", "Element-wise iff over a condition array", "array_iff(dynamic([true,false]), 1, 0)";
    "array_iif", Scalar, 3, 3, Gen, "array_iif(conditions, when_true, when_false)", "Same as array_iff", "array_iif(dynamic([true,false]), 1, 0)";
    "array_split", Scalar, 2, 2, Gen, "array_split(array, index|indices)", "The array cut at the indices into an array of arrays", "array_split(dynamic([1,2,3,4]), 2)";
    "array_sum", Scalar, 1, 1, Gen, "array_sum(array)", "Sum of a numeric array (null if an element is not a number)", "array_sum(dynamic([1, 2.5]))";
    "array_strcat", Scalar, 2, 2, Gen, "array_strcat(array, delimiter)", "Same as strcat_array", "array_strcat(split(Path, '/'), '-')";
    "bag_has_key", Scalar, 2, 2, Gen, "bag_has_key(bag, key)", "True when the bag has the key (or JSONPath $.a.b)", "bag_has_key(parse_json(Tags), 'env')";
    "bag_merge", Scalar, 2, MANY, Gen, "bag_merge(bag1, bag2, ...)", "The bags merged (on a clash, the first bag's value)", "bag_merge(bag_pack('a', 1), parse_json(Extra))";
    "bag_remove_keys", Scalar, 2, 2, Gen, "bag_remove_keys(bag, keys)", "The bag without the keys (or JSONPaths)", "bag_remove_keys(parse_json(Tags), dynamic(['secret']))";
    "bag_set_key", Scalar, 3, 3, Gen, "bag_set_key(bag, key, value)", "The bag with key (or JSONPath) set to value", "bag_set_key(parse_json(Tags), 'env', 'prod')";
    "bag_zip", Scalar, 2, 2, Gen, "bag_zip(keys, values)", "A bag of keys paired with values", "bag_zip(dynamic(['a','b']), dynamic([1,2]))";
    "zip", Scalar, 2, MANY, Gen, "zip(array1, array2, ...)", "Array of arrays of the elements at each position", "zip(make_list_x, make_list_y)";
    "set_difference", Scalar, 2, MANY, Gen, "set_difference(array1, array2, ...)", "Distinct elements of array1 in no other array", "set_difference(set_a, set_b)";
    "set_has_element", Scalar, 2, 2, Gen, "set_has_element(array, value)", "True when the array holds the value", "set_has_element(set_DestPort, 22)";
    "set_equals", Scalar, 2, 2, Gen, "set_equals(array1, array2)", "True when both hold the same distinct elements", "set_equals(set_a, set_b)";
    "jaccard_index", Scalar, 2, 2, Gen, "jaccard_index(array1, array2)", "Size of the intersection over the size of the union", "jaccard_index(set_a, set_b)";
    "dynamic_to_json", Scalar, 1, 1, Gen, "dynamic_to_json(d)", "JSON text of a dynamic value, bag keys sorted", "dynamic_to_json(parse_json(Tags))";
    "extract_json", Scalar, 2, 3, Gen, "extract_json(jsonpath, text, [typeof(T)])", "The element at a JSONPath ($.a.b[0]) of JSON text, as a string or the given type", "extract_json('$.port', Payload, typeof(long))";
    "extractjson", Scalar, 2, 3, Gen, "extractjson(jsonpath, text, [typeof(T)])", "Legacy name of extract_json", "extractjson('$.port', Payload)";
    "toscalar", Scalar, 1, 1, Gen, "toscalar(tabular expression)", "The first value of the first column of a tabular expression (null without rows)", "let top = toscalar(T | summarize max(Bytes))";
    "column_ifexists", Scalar, 2, 2, Gen, "column_ifexists(name, default)", "The column called name when the input has it, else default", "column_ifexists('FlowType_s', '')";
    "pack_all", Scalar, 0, 1, Gen, "pack_all()", "A property bag of every column of the row", "extend row = pack_all()";
    "bag_pack_columns", Scalar, 1, MANY, Gen, "bag_pack_columns(col1, col2, ...)", "A property bag of the named columns", "bag_pack_columns(SrcIP_s, DestIP_s)";
    "dcount_hll", Scalar, 1, 1, Pre("dcount_hll_"), "dcount_hll(hll)", "Distinct count of an hll state (exact here)", "dcount_hll(hll_merge_hll_SrcIP_s)";
    "percentile_tdigest", Scalar, 2, 2, Pre("percentile_tdigest_"), "percentile_tdigest(tdigest, p)", "Nearest-rank percentile of a tdigest state (exact here)", "percentile_tdigest(merge_tdigests_td, 95)";
    "repeat", Scalar, 2, 2, Gen, "repeat(value, count)", "A dynamic array of count copies of value", "repeat('-', 3)";
    // Series (dynamic numeric arrays, as make-series makes them)
    "series_stats", Scalar, 1, 2, Gen, "(min, min_idx, max, max_idx, avg, stdev, variance) = series_stats(series, [ignore_nonfinite])", "Seven columns of statistics of a numeric series", "extend series_stats(bytes)";
    "series_stats_dynamic", Scalar, 1, 2, Gen, "series_stats_dynamic(series, [ignore_nonfinite])", "The statistics of series_stats as a property bag", "extend s = series_stats_dynamic(bytes)";
    "series_fit_line", Scalar, 1, 1, Gen, "(rsquare, slope, variance, rvariance, interception, line_fit) = series_fit_line(series)", "Least-squares line through the series, six columns", "extend series_fit_line(bytes)";
    "series_fit_line_dynamic", Scalar, 1, 1, Gen, "series_fit_line_dynamic(series)", "The results of series_fit_line as a property bag", "extend fit = series_fit_line_dynamic(bytes)";
    "series_fill_const", Scalar, 1, 2, Gen, "series_fill_const(series, [constant])", "Nulls replaced by the constant (default 0)", "series_fill_const(bytes, 0)";
    "series_fill_forward", Scalar, 1, 1, Gen, "series_fill_forward(series)", "Nulls replaced by the last value before them", "series_fill_forward(bytes)";
    "series_fill_backward", Scalar, 1, 1, Gen, "series_fill_backward(series)", "Nulls replaced by the next value after them", "series_fill_backward(bytes)";
    "series_fill_linear", Scalar, 1, 1, Gen, "series_fill_linear(series)", "Nulls interpolated linearly (edges take the nearest value)", "series_fill_linear(bytes)";
    "series_add", Scalar, 2, 2, Gen, "series_add(a, b)", "Element-wise a + b (each a series or a number)", "series_add(inbound, outbound)";
    "series_subtract", Scalar, 2, 2, Gen, "series_subtract(a, b)", "Element-wise a - b (each a series or a number)", "series_subtract(inbound, outbound)";
    "series_multiply", Scalar, 2, 2, Gen, "series_multiply(a, b)", "Element-wise a * b (each a series or a number)", "series_multiply(inbound, outbound)";
    "series_divide", Scalar, 2, 2, Gen, "series_divide(a, b)", "Element-wise a / b (each a series or a number)", "series_divide(inbound, outbound)";
    "series_pow", Scalar, 2, 2, Gen, "series_pow(a, b)", "Element-wise a to the power b (each a series or a number)", "series_pow(inbound, outbound)";
    "series_greater", Scalar, 2, 2, Gen, "series_greater(a, b)", "Element-wise a > b as bools", "series_greater(bytes, 1000)";
    "series_greater_equals", Scalar, 2, 2, Gen, "series_greater_equals(a, b)", "Element-wise a >= b as bools", "series_greater_equals(bytes, 1000)";
    "series_less", Scalar, 2, 2, Gen, "series_less(a, b)", "Element-wise a < b as bools", "series_less(bytes, 1000)";
    "series_less_equals", Scalar, 2, 2, Gen, "series_less_equals(a, b)", "Element-wise a <= b as bools", "series_less_equals(bytes, 1000)";
    "series_equals", Scalar, 2, 2, Gen, "series_equals(a, b)", "Element-wise a == b as bools", "series_equals(bytes, 1000)";
    "series_not_equals", Scalar, 2, 2, Gen, "series_not_equals(a, b)", "Element-wise a != b as bools", "series_not_equals(bytes, 1000)";
    "series_abs", Scalar, 1, 1, Gen, "series_abs(series)", "Element-wise absolute value", "series_abs(bytes)";
    "series_ceiling", Scalar, 1, 1, Gen, "series_ceiling(series)", "Element-wise ceiling", "series_ceiling(bytes)";
    "series_floor", Scalar, 1, 1, Gen, "series_floor(series)", "Element-wise floor", "series_floor(bytes)";
    "series_sign", Scalar, 1, 1, Gen, "series_sign(series)", "Element-wise sign", "series_sign(bytes)";
    "series_exp", Scalar, 1, 1, Gen, "series_exp(series)", "Element-wise e to the power", "series_exp(bytes)";
    "series_log", Scalar, 1, 1, Gen, "series_log(series)", "Element-wise natural logarithm", "series_log(bytes)";
    "series_sqrt", Scalar, 1, 1, Gen, "series_sqrt(series)", "Element-wise square root", "series_sqrt(bytes)";
    "range", Scalar, 2, 3, Gen, "range(start, stop, [step])", "Dynamic array of equally spaced values (numbers, or datetimes with a timespan step)", "range(1, 10, 3)";
    "datetime_list_timezones", Scalar, 0, 0, Gen, "datetime_list_timezones()", "Dynamic array of the IANA time-zone names", "datetime_list_timezones()";
    "zlib_compress_to_base64_string", Scalar, 1, 1, Gen, "zlib_compress_to_base64_string(s)", "The string zlib-compressed, as base64", "zlib_compress_to_base64_string(Payload)";
    "zlib_decompress_from_base64_string", Scalar, 1, 1, Gen, "zlib_decompress_from_base64_string(s)", "The text of base64 zlib data", "zlib_decompress_from_base64_string(Blob)";
    "gzip_compress_to_base64_string", Scalar, 1, 1, Gen, "gzip_compress_to_base64_string(s)", "The string gzip-compressed, as base64", "gzip_compress_to_base64_string(Payload)";
    "gzip_decompress_from_base64_string", Scalar, 1, 1, Gen, "gzip_decompress_from_base64_string(s)", "The text of base64 gzip data", "gzip_decompress_from_base64_string(Blob)";
    "series_product", Scalar, 1, 1, Gen, "series_product(series)", "Product of the series' numbers", "series_product(factors)";
    "series_magnitude", Scalar, 1, 1, Gen, "series_magnitude(series)", "Euclidean length of the series", "series_magnitude(v)";
    "series_dot_product", Scalar, 2, 2, Gen, "series_dot_product(a, b)", "Sum of the element-wise products", "series_dot_product(a, b)";
    "series_cosine_similarity", Scalar, 2, 2, Gen, "series_cosine_similarity(a, b)", "Cosine of the angle between two series", "series_cosine_similarity(a, b)";
    "series_pearson_correlation", Scalar, 2, 2, Gen, "series_pearson_correlation(a, b)", "Pearson correlation coefficient of two series", "series_pearson_correlation(inbound, outbound)";
    "series_acos", Scalar, 1, 1, Gen, "series_acos(series)", "Element-wise arc cosine", "series_acos(angles)";
    "series_asin", Scalar, 1, 1, Gen, "series_asin(series)", "Element-wise arc sine", "series_asin(angles)";
    "series_atan", Scalar, 1, 1, Gen, "series_atan(series)", "Element-wise arc tangent", "series_atan(angles)";
    "series_cos", Scalar, 1, 1, Gen, "series_cos(series)", "Element-wise cosine", "series_cos(angles)";
    "series_sin", Scalar, 1, 1, Gen, "series_sin(series)", "Element-wise sine", "series_sin(angles)";
    "series_tan", Scalar, 1, 1, Gen, "series_tan(series)", "Element-wise tangent", "series_tan(angles)";
    "series_sum", Scalar, 1, 1, Gen, "series_sum(series)", "Sum of the series' numbers", "series_sum(bytes)";
    // Aggregates
    "count", Aggregate, 0, 1, Pre("count_"), "count()", "Number of rows in the group", "summarize count() by FlowType_s";
    "countif", Aggregate, 1, 1, Pre("countif_"), "countif(predicate)", "Number of rows where the predicate is true", "summarize countif(FlowStatus_s == 'D')";
    "sum", Aggregate, 1, 1, Pre("sum_"), "sum(x)", "Sum, skipping nulls", "summarize sum(FlowCount_d) by SrcIP_s";
    "sumif", Aggregate, 2, 2, Pre("sumif_"), "sumif(x, predicate)", "Sum over the rows where the predicate is true", "summarize sumif(InboundBytes_d, FlowDirection_s == 'I')";
    "avg", Aggregate, 1, 1, Pre("avg_"), "avg(x)", "Mean, skipping nulls", "summarize avg(Val) by Computer";
    "avgif", Aggregate, 2, 2, Pre("avgif_"), "avgif(x, predicate)", "Mean over the rows where the predicate is true", "summarize avgif(Val, Name == 'FreeSpacePercentage')";
    "min", Aggregate, 1, 1, Pre("min_"), "min(x)", "Smallest value, skipping nulls", "summarize min(TimeGenerated)";
    "max", Aggregate, 1, 1, Pre("max_"), "max(x)", "Largest value, skipping nulls", "summarize max(TimeGenerated) by Computer";
    "minif", Aggregate, 2, 2, Pre("minif_"), "minif(x, predicate)", "Smallest value where the predicate is true", "summarize minif(TimeGenerated, FlowStatus_s == 'D')";
    "maxif", Aggregate, 2, 2, Pre("maxif_"), "maxif(x, predicate)", "Largest value where the predicate is true", "summarize maxif(TimeGenerated, FlowStatus_s == 'D')";
    "dcount", Aggregate, 1, 2, Pre("dcount_"), "dcount(x, [accuracy])", "Number of distinct values (exact here; Kusto estimates)", "summarize dcount(DestPort_d) by SrcIP_s";
    "make_set", Aggregate, 1, 2, Pre("set_"), "make_set(x, [max])", "Dynamic array of the distinct values", "summarize make_set(DestPort_d) by SrcIP_s";
    "make_list", Aggregate, 1, 2, Pre("list_"), "make_list(x, [max])", "Dynamic array of the values", "summarize make_list(DestIP_s) by SrcIP_s";
    "arg_max", Aggregate, 1, MANY, First, "arg_max(x, col1, ... | *)", "The columns of the row with the largest x", "summarize arg_max(TimeGenerated, *) by Computer";
    "arg_min", Aggregate, 1, MANY, First, "arg_min(x, col1, ... | *)", "The columns of the row with the smallest x", "summarize arg_min(TimeGenerated, SrcIP_s) by DestIP_s";
    "percentile", Aggregate, 2, 2, Pre("percentile_"), "percentile(x, p)", "Nearest-rank percentile p (0-100)", "summarize percentile(Val, 95) by Computer";
    "take_any", Aggregate, 1, 1, First, "take_any(x)", "Any one value of the group (here: the first)", "summarize take_any(NSGRule_s) by SrcIP_s";
    "any", Aggregate, 1, 1, Pre("any_"), "any(x)", "Legacy name of take_any", "summarize any(Computer) by RemoteIp";
    "dcountif", Aggregate, 2, 3, Pre("dcountif_"), "dcountif(x, predicate)", "Distinct values where the predicate is true", "summarize dcountif(DestPort_d, FlowStatus_s == 'D') by SrcIP_s";
    "count_distinct", Aggregate, 1, 1, Pre("count_distinct_"), "count_distinct(x)", "Exact number of distinct values", "summarize count_distinct(DestIP_s) by SrcIP_s";
    "make_set_if", Aggregate, 2, 3, Pre("set_"), "make_set_if(x, predicate, [max])", "Distinct values where the predicate is true", "summarize make_set_if(DestPort_d, FlowStatus_s == 'D') by SrcIP_s";
    "make_list_if", Aggregate, 2, 3, Pre("list_"), "make_list_if(x, predicate, [max])", "Values where the predicate is true", "summarize make_list_if(DestIP_s, FlowStatus_s == 'D') by SrcIP_s";
    "makeset", Aggregate, 1, 2, Pre("set_"), "makeset(x, [max])", "Legacy name of make_set", "summarize makeset(DestPort_d) by SrcIP_s";
    "makelist", Aggregate, 1, 2, Pre("list_"), "makelist(x, [max])", "Legacy name of make_list", "summarize makelist(DestIP_s) by SrcIP_s";
    "make_bag", Aggregate, 1, 2, Pre("bag_"), "make_bag(bag, [max])", "The property bags of the group merged into one", "summarize make_bag(bag_pack(Name, Val)) by Computer";
    "percentiles", Aggregate, 2, MANY, Pre("percentile_"), "percentiles(x, p1, p2, ...)", "Nearest-rank percentiles, one column each", "summarize percentiles(Val, 50, 95) by Computer";
    "stdevif", Aggregate, 2, 2, Pre("stdevif_"), "stdevif(x, predicate)", "Sample standard deviation where the predicate is true", "summarize stdevif(Val, Val > 0) by Computer";
    "varianceif", Aggregate, 2, 2, Pre("varianceif_"), "varianceif(x, predicate)", "Sample variance where the predicate is true", "summarize varianceif(Val, Val > 0) by Computer";
    "stdevp", Aggregate, 1, 1, Pre("stdevp_"), "stdevp(x)", "Population standard deviation", "summarize stdevp(Val) by Computer";
    "variancep", Aggregate, 1, 1, Pre("variancep_"), "variancep(x)", "Population variance", "summarize variancep(Val) by Computer";
    "variancepif", Aggregate, 2, 2, Pre("variancepif_"), "variancepif(x, predicate)", "Population variance where the predicate is true", "summarize variancepif(Val, Val > 0) by Computer";
    "take_anyif", Aggregate, 2, 2, First, "take_anyif(x, predicate)", "Any one value where the predicate is true (here: the first)", "summarize take_anyif(SrcIP_s, FlowStatus_s == 'D') by DestIP_s";
    "count_distinctif", Aggregate, 2, 2, Pre("count_distinctif_"), "count_distinctif(x, predicate)", "Exact number of distinct values where the predicate is true", "summarize count_distinctif(DestIP_s, FlowStatus_s == 'D') by SrcIP_s";
    "make_bag_if", Aggregate, 2, 3, Pre("bag_"), "make_bag_if(bag, predicate, [max])", "The bags where the predicate is true, merged", "summarize make_bag_if(bag_pack(Name, Val), Val > 0) by Computer";
    "make_list_with_nulls", Aggregate, 1, 2, Pre("list_"), "make_list_with_nulls(x, [max])", "Dynamic array of the values, nulls included", "summarize make_list_with_nulls(DestPort_d) by SrcIP_s";
    "hll", Aggregate, 1, 2, Pre("hll_"), "hll(x, [accuracy])", "A distinct-count state for dcount_hll/hll_merge (exact here)", "summarize hll(SrcIP_s) by bin(TimeGenerated, 1h)";
    "hll_if", Aggregate, 2, 3, Pre("hll_if_"), "hll_if(x, predicate, [accuracy])", "hll over the rows where the predicate is true", "summarize hll_if(SrcIP_s, FlowStatus_s == 'D')";
    "hll_merge", Aggregate, 1, 1, Pre("hll_merge_"), "hll_merge(hll)", "The hll states of the group merged", "summarize hll_merge(hll_SrcIP_s)";
    "tdigest", Aggregate, 1, 1, Pre("tdigest_"), "tdigest(x)", "A percentile state for percentile_tdigest/tdigest_merge (exact here)", "summarize tdigest(FlowCount_d) by FlowType_s";
    "tdigest_merge", Aggregate, 1, 1, Pre("merge_tdigests_"), "tdigest_merge(tdigest)", "The tdigest states of the group merged", "summarize tdigest_merge(tdigest_FlowCount_d)";
    "merge_tdigest", Aggregate, 1, 1, Pre("merge_tdigests_"), "merge_tdigest(tdigest)", "Same as tdigest_merge", "summarize merge_tdigest(tdigest_FlowCount_d)";
    "percentiles_array", Aggregate, 2, MANY, Pre("percentiles_"), "percentiles_array(x, p1, p2, ... | dynamic([p...]))", "Nearest-rank percentiles as one dynamic array", "summarize percentiles_array(Val, 50, 95) by Computer";
    "covariance", Aggregate, 2, 2, Pre("covariance_"), "covariance(x, y)", "Sample covariance", "summarize covariance(BytesSent, BytesReceived)";
    "covariancep", Aggregate, 2, 2, Pre("covariancep_"), "covariancep(x, y)", "Population covariance", "summarize covariancep(BytesSent, BytesReceived)";
    "covarianceif", Aggregate, 3, 3, Pre("covarianceif_"), "covarianceif(x, y, predicate)", "Sample covariance where the predicate is true", "summarize covarianceif(a, b, a > 0)";
    "covariancepif", Aggregate, 3, 3, Pre("covariancepif_"), "covariancepif(x, y, predicate)", "Population covariance where the predicate is true", "summarize covariancepif(a, b, a > 0)";
    "binary_all_and", Aggregate, 1, 1, First, "binary_all_and(x)", "Bitwise AND of the group's values", "summarize binary_all_and(Flags)";
    "binary_all_or", Aggregate, 1, 1, First, "binary_all_or(x)", "Bitwise OR of the group's values", "summarize binary_all_or(Flags)";
    "binary_all_xor", Aggregate, 1, 1, First, "binary_all_xor(x)", "Bitwise XOR of the group's values", "summarize binary_all_xor(Flags)";
    "percentilew", Aggregate, 3, 3, Pre("percentile_"), "percentilew(x, weight, p)", "Weighted nearest-rank percentile (weight: a whole-number count)", "summarize percentilew(Latency, Count, 95)";
    "percentilesw", Aggregate, 3, MANY, Pre("percentile_"), "percentilesw(x, weight, p1, p2, ...)", "Weighted nearest-rank percentiles, one column each", "summarize percentilesw(Latency, Count, 50, 95)";
    "stdev", Aggregate, 1, 1, Pre("stdev_"), "stdev(x)", "Sample standard deviation", "summarize stdev(Val) by Computer";
    "variance", Aggregate, 1, 1, Pre("variance_"), "variance(x)", "Sample variance", "summarize variance(Val) by Computer";
}

/// The function named `name`, if flowkql runs it.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The series functions applied element by element to two series (or a series and a
/// number).
pub const SERIES_PAIRWISE: &[&str] = &[
    "series_add",
    "series_subtract",
    "series_multiply",
    "series_divide",
    "series_pow",
    "series_greater",
    "series_greater_equals",
    "series_less",
    "series_less_equals",
    "series_equals",
    "series_not_equals",
];

/// The series functions applied to each element of one series.
pub const SERIES_ELEMENTWISE: &[&str] = &[
    "series_abs",
    "series_acos",
    "series_asin",
    "series_atan",
    "series_ceiling",
    "series_cos",
    "series_exp",
    "series_floor",
    "series_log",
    "series_sign",
    "series_sin",
    "series_sqrt",
    "series_tan",
];

/// Why a Kusto function cannot run offline, where that is the reason it does not run.
pub fn offline_reason(name: &str) -> Option<&'static str> {
    Some(match name {
        "geo_info_from_ip_address" => "it needs Kusto's IP geolocation data, which is not available offline",
        "ingestion_time" | "extent_id" | "extent_tags" => "rows read from files carry no ingestion metadata",
        "cluster"
        | "database"
        | "current_cluster_endpoint"
        | "current_database"
        | "external_table"
        | "materialized_view"
        | "stored_query_result" => "there is no cluster or database offline",
        n if n.starts_with("current_principal") => "there is no signed-in principal offline",
        n if n.starts_with("cursor_") => "there are no ingestion cursors offline",
        _ => return None,
    })
}

/// Kusto functions flowkql knows of but does not run yet (Kusto's own function and
/// aggregation list, less what the registry above runs): calling one is an
/// "unsupported" diagnostic rather than "unknown function".
pub const KNOWN_UNSUPPORTED: &[&str] = &[
    "all",
    "assert",
    "beta_cdf",
    "beta_inv",
    "beta_pdf",
    "bin_auto",
    "buildschema",
    "cluster",
    "column_names_of",
    "convert_angle",
    "convert_energy",
    "convert_force",
    "convert_length",
    "convert_mass",
    "convert_speed",
    "convert_temperature",
    "convert_volume",
    "current_cluster_endpoint",
    "current_database",
    "current_principal",
    "current_principal_details",
    "current_principal_is_member_of",
    "cursor_after",
    "cursor_before_or_at",
    "cursor_current",
    "database",
    "entity_group",
    "estimate_data_size",
    "extent_id",
    "extent_tags",
    "external_table",
    "geo_angle",
    "geo_azimuth",
    "geo_closest_point_on_line",
    "geo_closest_point_on_polygon",
    "geo_distance_2points",
    "geo_distance_point_to_line",
    "geo_distance_point_to_polygon",
    "geo_from_wkt",
    "geo_geohash_neighbors",
    "geo_geohash_to_central_point",
    "geo_geohash_to_polygon",
    "geo_h3cell_children",
    "geo_h3cell_level",
    "geo_h3cell_neighbors",
    "geo_h3cell_parent",
    "geo_h3cell_rings",
    "geo_h3cell_to_central_point",
    "geo_h3cell_to_polygon",
    "geo_info_from_ip_address",
    "geo_intersection_2lines",
    "geo_intersection_2polygons",
    "geo_intersection_line_with_polygon",
    "geo_intersects_2lines",
    "geo_intersects_2polygons",
    "geo_intersects_line_with_polygon",
    "geo_line_buffer",
    "geo_line_centroid",
    "geo_line_densify",
    "geo_line_interpolate_point",
    "geo_line_length",
    "geo_line_locate_point",
    "geo_line_simplify",
    "geo_line_to_s2cells",
    "geo_point_buffer",
    "geo_point_in_circle",
    "geo_point_in_polygon",
    "geo_point_to_geohash",
    "geo_point_to_h3cell",
    "geo_point_to_s2cell",
    "geo_polygon_area",
    "geo_polygon_buffer",
    "geo_polygon_centroid",
    "geo_polygon_densify",
    "geo_polygon_perimeter",
    "geo_polygon_simplify",
    "geo_polygon_to_h3cells",
    "geo_polygon_to_s2cells",
    "geo_s2cell_neighbors",
    "geo_s2cell_to_central_point",
    "geo_s2cell_to_polygon",
    "geo_simplify_polygons_array",
    "geo_union_lines_array",
    "geo_union_polygons_array",
    "graph",
    "has_any_index",
    "hash_combine",
    "hash_many",
    "ingestion_time",
    "inner_nodes",
    "labels",
    "map",
    "materialized_view",
    "node_degree_in",
    "node_degree_out",
    "node_id",
    "parse_command_line",
    "parse_user_agent",
    "parse_version",
    "parse_xml",
    "percentiles_array_tdigest",
    "percentilesw_array",
    "percentrank_tdigest",
    "punycode_domain_from_string",
    "punycode_domain_to_string",
    "punycode_from_string",
    "punycode_to_string",
    "rank_tdigest",
    "replace_strings",
    "row_id",
    "series_decompose",
    "series_decompose_anomalies",
    "series_decompose_forecast",
    "series_fft",
    "series_fir",
    "series_fit_2lines",
    "series_fit_2lines_dynamic",
    "series_fit_poly",
    "series_ifft",
    "series_iir",
    "series_outliers",
    "series_periods_detect",
    "series_periods_validate",
    "series_seasonal",
    "stored_query_result",
    "table",
    "tostring_utf8",
    "treepath",
    "typeof",
    "welch_test",
];
