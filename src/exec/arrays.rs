//! Functions over dynamic arrays and property bags, row by row on the arguments' JSON
//! values (a null cell is `None`). Each follows its page in the Kusto documentation.

use super::dynamic::json_call;
use crate::types::KqlType;
use polars::prelude::*;
use serde_json::{Map, Value as Json};
use std::cmp::Ordering;

/// The call `name(args...)` over JSON-text arguments, as a column of type `ty`.
pub(super) fn lower(name: &str, args: Vec<Expr>, ty: KqlType) -> Expr {
    let name = name.to_string();
    json_call(args, ty, move |v| build(&name, v))
}

fn build(name: &str, v: &[Option<Json>]) -> Option<Json> {
    let arg = |i: usize| v.get(i).and_then(|x| x.as_ref());
    let array = |i: usize| arg(i).and_then(|x| x.as_array());
    let arrays = || v.iter().map(|a| a.as_ref().and_then(|x| x.as_array())).collect::<Option<Vec<_>>>();
    let int = |i: usize| arg(i).and_then(|x| x.as_i64());
    match name {
        "pack" | "bag_pack" => {
            let mut bag = Map::new();
            for pair in v.chunks(2) {
                if let [Some(Json::String(k)), value] = pair {
                    bag.insert(k.clone(), value.clone().unwrap_or(Json::Null));
                }
            }
            Some(Json::Object(bag))
        }
        "pack_array" => Some(Json::Array(v.iter().map(|x| x.clone().unwrap_or(Json::Null)).collect())),
        "array_concat" => Some(Json::Array(arrays()?.into_iter().flatten().cloned().collect())),
        "set_union" => Some(Json::Array(distinct(arrays()?.into_iter().flatten()))),
        "set_intersect" => {
            let lists = arrays()?;
            let (first, rest) = lists.split_first()?;
            Some(Json::Array(distinct(first.iter().filter(|item| rest.iter().all(|l| contains(l, item))))))
        }
        "set_difference" => {
            let lists = arrays()?;
            let (first, rest) = lists.split_first()?;
            Some(Json::Array(distinct(first.iter().filter(|item| !rest.iter().any(|l| contains(l, item))))))
        }
        "set_equals" => {
            let (a, b) = (array(0)?, array(1)?);
            Some(Json::Bool(a.iter().all(|x| contains(b, x)) && b.iter().all(|x| contains(a, x))))
        }
        "set_has_element" => Some(Json::Bool(contains(array(0)?, arg(1).unwrap_or(&Json::Null)))),
        "jaccard_index" => {
            let (a, b) = (distinct(array(0)?.iter()), distinct(array(1)?.iter()));
            let both = a.iter().filter(|x| contains(&b, x)).count();
            let union = a.len() + b.len() - both;
            Some(Json::from(if union == 0 { 0.0 } else { both as f64 / union as f64 }))
        }
        "array_slice" => {
            let items = array(0)?;
            let n = items.len() as i64;
            let index = |k: i64| if k < 0 { n + k } else { k };
            let (start, end) = (index(int(1)?).max(0), index(int(2)?).min(n - 1));
            if start > end {
                return Some(Json::Array(Vec::new()));
            }
            Some(Json::Array(items[start as usize..=end as usize].to_vec()))
        }
        "bag_keys" => Some(Json::Array(arg(0)?.as_object()?.keys().map(|k| Json::String(k.clone())).collect())),
        "array_index_of" => array_index_of(array(0)?, arg(1), v.get(2).map(|_| int(2)), v.get(3).map(|_| int(3)), v.get(4).map(|_| int(4))),
        "array_reverse" => Some(Json::Array(array(0)?.iter().rev().cloned().collect())),
        "array_rotate_left" | "array_rotate_right" => {
            let items = array(0)?;
            let mut out = items.clone();
            if !out.is_empty() {
                let by = int(1)?.rem_euclid(out.len() as i64) as usize;
                if name == "array_rotate_left" {
                    out.rotate_left(by);
                } else {
                    out.rotate_right(by);
                }
            }
            Some(Json::Array(out))
        }
        "array_shift_left" | "array_shift_right" => {
            let items = array(0)?;
            let by = if name == "array_shift_left" { int(1)? } else { -int(1)? };
            let fill = arg(2).cloned().unwrap_or(Json::Null);
            let n = items.len() as i64;
            Some(Json::Array(
                (0..n).map(|i| items.get(usize::try_from(i + by).ok()?).cloned()).map(|x| x.unwrap_or(fill.clone())).collect(),
            ))
        }
        "array_sort_asc" | "array_sort_desc" => {
            let mut items = array(0)?.clone();
            let nulls_last = match v.get(1) {
                Some(b) => b.as_ref()?.as_bool()?,
                None => true,
            };
            let descending = name == "array_sort_desc";
            items.sort_by(|a, b| match (a.is_null(), b.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => {
                    if nulls_last {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (false, true) => {
                    if nulls_last {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (false, false) if descending => element_order(b, a),
                (false, false) => element_order(a, b),
            });
            Some(Json::Array(items))
        }
        "array_iff" | "array_iif" => {
            let pick = |j: usize, i: usize| match arg(j) {
                Some(Json::Array(a)) => a.get(i).cloned().unwrap_or(Json::Null),
                Some(x) => x.clone(),
                None => Json::Null,
            };
            let out = array(0)?
                .iter()
                .enumerate()
                .map(|(i, c)| match c {
                    Json::Bool(true) => pick(1, i),
                    Json::Bool(false) => pick(2, i),
                    Json::Number(n) if n.as_f64() == Some(0.0) => pick(2, i),
                    Json::Number(_) => pick(1, i),
                    _ => Json::Null,
                })
                .collect();
            Some(Json::Array(out))
        }
        "array_split" => {
            let items = array(0)?;
            let n = items.len() as i64;
            let cuts: Vec<i64> = match arg(1)? {
                Json::Array(a) => a.iter().map(|x| x.as_i64()).collect::<Option<_>>()?,
                x => vec![x.as_i64()?],
            };
            let mut out = Vec::new();
            let mut from = 0usize;
            for c in cuts {
                let at = (if c < 0 { n + c } else { c }).clamp(0, n) as usize;
                let to = at.max(from);
                out.push(Json::Array(items[from..to].to_vec()));
                from = to;
            }
            out.push(Json::Array(items[from..].to_vec()));
            Some(Json::Array(out))
        }
        // A non-numeric element makes the sum null (array-sum-function.md).
        "array_sum" => Some(Json::from(array(0)?.iter().map(|x| x.as_f64()).sum::<Option<f64>>()?)),
        "bag_has_key" => Some(Json::Bool(lookup_path(arg(0)?.as_object()?, arg(1)?.as_str()?).is_some())),
        "bag_merge" => {
            let mut bag = Map::new();
            for b in v.iter().flatten() {
                for (k, x) in b.as_object()? {
                    bag.entry(k.clone()).or_insert_with(|| x.clone());
                }
            }
            Some(Json::Object(bag))
        }
        "bag_remove_keys" => {
            let mut bag = arg(0)?.as_object()?.clone();
            for key in array(1)?.iter().filter_map(|k| k.as_str()) {
                remove_path(&mut bag, key);
            }
            Some(Json::Object(bag))
        }
        "bag_set_key" => {
            let mut bag = arg(0)?.as_object()?.clone();
            set_path(&mut bag, arg(1)?.as_str()?, arg(2).cloned().unwrap_or(Json::Null));
            Some(Json::Object(bag))
        }
        "bag_zip" => {
            let (keys, values) = (array(0)?, array(1)?);
            let mut bag = Map::new();
            for (i, k) in keys.iter().enumerate() {
                if let Json::String(k) = k {
                    bag.insert(k.clone(), values.get(i).cloned().unwrap_or(Json::Null));
                }
            }
            Some(Json::Object(bag))
        }
        "zip" => {
            let lists = arrays()?;
            let longest = lists.iter().map(|l| l.len()).max().unwrap_or(0);
            Some(Json::Array(
                (0..longest).map(|i| Json::Array(lists.iter().map(|l| l.get(i).cloned().unwrap_or(Json::Null)).collect())).collect(),
            ))
        }
        "repeat" => {
            let count = usize::try_from(int(1)?).unwrap_or(0);
            Some(Json::Array(vec![arg(0).cloned().unwrap_or(Json::Null); count]))
        }
        // hll states are the distinct values (exact), tdigest states all the values.
        "dcount_hll" => Some(Json::from(array(0)?.len())),
        "percentile_tdigest" => {
            let mut values: Vec<Json> = array(0)?.iter().filter(|x| !x.is_null()).cloned().collect();
            let p = arg(1)?.as_f64().filter(|p| (0.0..=100.0).contains(p))?;
            values.sort_by(element_order);
            let rank = ((values.len() as f64) * p / 100.0).ceil() as usize;
            values.get(rank.saturating_sub(1)).cloned()
        }
        "range" => range(arg(0)?, arg(1)?, v.get(2).and_then(|s| s.as_ref())),
        "dynamic_to_json" => Some(Json::String(sorted(arg(0).cloned().unwrap_or(Json::Null)).to_string())),
        _ => None,
    }
}

/// `range(start, stop, [step])` (range-function.md): numbers, or datetimes with a
/// timespan step, from start to stop inclusive; at most 1,048,576 values.
fn range(start: &Json, stop: &Json, step: Option<&Json>) -> Option<Json> {
    const MAX: i64 = 1 << 20;
    if let (Some(a), Some(b)) = (start.as_i64(), stop.as_i64()) {
        let s = step.map_or(Some(1), |s| s.as_i64()).filter(|s| *s != 0)?;
        let n = ((b - a) / s + 1).clamp(0, MAX);
        return Some(Json::Array((0..n).map(|k| Json::from(a + k * s)).collect()));
    }
    if let (Some(a), Some(b)) = (start.as_f64(), stop.as_f64()) {
        let s = step.map_or(Some(1.0), |s| s.as_f64()).filter(|s| *s != 0.0)?;
        let n = (((b - a) / s).floor() as i64 + 1).clamp(0, MAX);
        return Some(Json::Array((0..n).map(|k| Json::from(a + k as f64 * s)).collect()));
    }
    let (a, b) = (crate::syntax::lex::parse_datetime_text(start.as_str()?)?, crate::syntax::lex::parse_datetime_text(stop.as_str()?)?);
    let s = crate::syntax::lex::parse_timespan_text(step?.as_str()?).filter(|s| *s != 0)?;
    let n = ((b - a) / s + 1).clamp(0, MAX);
    Some(Json::Array((0..n).map(|k| Json::String(crate::text::format_datetime_in_dynamic(a + k * s))).collect()))
}

/// Equality of dynamic elements; numbers compare by value (`1` equals `1.0`).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn contains(list: &[Json], item: &Json) -> bool {
    list.iter().any(|x| same(x, item))
}

fn distinct<'a>(items: impl Iterator<Item = &'a Json>) -> Vec<Json> {
    let mut out: Vec<Json> = Vec::new();
    for item in items {
        if !contains(&out, item) {
            out.push(item.clone());
        }
    }
    out
}

/// The order of `array_sort_asc` (array-sort-asc-function.md): numbers (and datetimes,
/// timespans) first, then strings, then everything else.
fn element_order(a: &Json, b: &Json) -> Ordering {
    let rank = |x: &Json| match x {
        Json::Number(_) => 0,
        Json::String(_) => 1,
        _ => 2,
    };
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Json::String(x), Json::String(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// `array_index_of(array, value, [start, length, occurrence])`: null for an
/// occurrence below 0 or a length below -1; -1 when not found.
fn array_index_of(
    items: &[Json],
    value: Option<&Json>,
    start: Option<Option<i64>>,
    length: Option<Option<i64>>,
    occurrence: Option<Option<i64>>,
) -> Option<Json> {
    let value = value?;
    let n = items.len() as i64;
    let start = start.unwrap_or(Some(0))?;
    let length = length.unwrap_or(Some(-1))?;
    let occurrence = occurrence.unwrap_or(Some(1))?;
    if occurrence < 0 || length < -1 {
        return None;
    }
    let from = if start < 0 { (n + start).max(0) } else { start };
    let to = if length == -1 { n } else { (from + length).min(n) };
    let mut seen = 0;
    for i in from..to {
        if same(&items[i as usize], value) {
            seen += 1;
            if seen >= occurrence.max(1) {
                return Some(Json::from(i));
            }
        }
    }
    Some(Json::from(-1))
}

/// The keys of a bag key argument: a plain key, or a JSONPath `$.a.b` / `$['a']['b']`.
fn path_keys(key: &str) -> Vec<String> {
    let Some(rest) = key.strip_prefix('$') else {
        return vec![key.to_string()];
    };
    let mut keys = Vec::new();
    let mut s = rest;
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            keys.push(r[..end].to_string());
            s = &r[end..];
        } else if let Some(r) = s.strip_prefix("['") {
            let end = r.find("']").unwrap_or(r.len());
            keys.push(r[..end].to_string());
            s = r.get(end + 2..).unwrap_or("");
        } else {
            break;
        }
    }
    keys
}

fn lookup_path<'a>(bag: &'a Map<String, Json>, key: &str) -> Option<&'a Json> {
    let keys = path_keys(key);
    let (last, parents) = keys.split_last()?;
    let mut at = bag;
    for k in parents {
        at = at.get(k)?.as_object()?;
    }
    at.get(last)
}

fn remove_path(bag: &mut Map<String, Json>, key: &str) {
    let keys = path_keys(key);
    let Some((last, parents)) = keys.split_last() else { return };
    let mut at = bag;
    for k in parents {
        match at.get_mut(k).and_then(|x| x.as_object_mut()) {
            Some(inner) => at = inner,
            None => return,
        }
    }
    at.remove(last);
}

fn set_path(bag: &mut Map<String, Json>, key: &str, value: Json) {
    let keys = path_keys(key);
    let Some((last, parents)) = keys.split_last() else { return };
    let mut at = bag;
    for k in parents {
        let slot = at.entry(k.clone()).or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        let Json::Object(inner) = slot else { return };
        at = inner;
    }
    at.insert(last.clone(), value);
}

/// Property bags with their keys in order, at every depth (`dynamic_to_json`).
fn sorted(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut entries: Vec<(String, Json)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().map(|(k, x)| (k, sorted(x))).collect())
        }
        Json::Array(a) => Json::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str, args: &[Json]) -> Option<Json> {
        let v: Vec<Option<Json>> = args.iter().map(|a| if a.is_null() { None } else { Some(a.clone()) }).collect();
        build(name, &v)
    }

    #[test]
    fn documented_array_index_of() {
        // array-index-of-function.md
        let arr = json!(["this", "is", "an", "example", "an", "example"]);
        let idx = |args: &[Json]| {
            let mut all = vec![arr.clone()];
            all.extend_from_slice(args);
            call("array_index_of", &all)
        };
        assert_eq!(idx(&[json!("an")]), Some(json!(2)));
        assert_eq!(idx(&[json!("example"), json!(1), json!(3)]), Some(json!(3)));
        assert_eq!(idx(&[json!("example"), json!(1), json!(2)]), Some(json!(-1)));
        assert_eq!(idx(&[json!("is"), json!(2), json!(4)]), Some(json!(-1)));
        assert_eq!(idx(&[json!("example"), json!(2), json!(-1)]), Some(json!(3)));
        assert_eq!(idx(&[json!("an"), json!(1), json!(-1), json!(2)]), Some(json!(4)));
        assert_eq!(idx(&[json!("an"), json!(1), json!(-1), json!(3)]), Some(json!(-1)));
        assert_eq!(idx(&[json!("an"), json!(-3)]), Some(json!(4)));
        assert_eq!(idx(&[json!("is"), json!(-4)]), Some(json!(-1)));
    }

    #[test]
    fn documented_array_shapes() {
        // array-split-function.md, array-shift-left-function.md, array-iff-function.md
        let a = json!([1, 2, 3, 4, 5]);
        assert_eq!(call("array_split", &[a.clone(), json!(2)]), Some(json!([[1, 2], [3, 4, 5]])));
        assert_eq!(call("array_split", &[a.clone(), json!([1, 3])]), Some(json!([[1], [2, 3], [4, 5]])));
        assert_eq!(call("array_shift_left", &[a.clone(), json!(2)]), Some(json!([3, 4, 5, null, null])));
        assert_eq!(call("array_shift_left", &[a.clone(), json!(2), json!(-1)]), Some(json!([3, 4, 5, -1, -1])));
        assert_eq!(call("array_shift_left", &[a.clone(), json!(-2), json!(-1)]), Some(json!([-1, -1, 1, 2, 3])));
        assert_eq!(call("array_iff", &[json!([true, false, true]), json!([1, 2, 3]), json!([4, 5, 6])]), Some(json!([1, 5, 3])));
        assert_eq!(call("array_iff", &[json!([1, 0, 50]), json!("yes"), json!("no")]), Some(json!(["yes", "no", "yes"])));
        assert_eq!(call("array_iff", &[json!(["s", "2022-01-01", null]), json!(1), json!(0)]), Some(json!([null, null, null])));
        assert_eq!(call("array_iff", &[json!([true, true, true]), json!([1, 2]), json!([3, 4])]), Some(json!([1, 2, null])));
    }

    #[test]
    fn documented_sorting() {
        // array-sort-asc-function.md
        assert_eq!(call("array_sort_asc", &[json!([1, 3, 4, 5, 2])]), Some(json!([1, 2, 3, 4, 5])));
        let colours = json!([null, "blue", "yellow", "green", null]);
        assert_eq!(call("array_sort_asc", std::slice::from_ref(&colours)), Some(json!(["blue", "green", "yellow", null, null])));
        assert_eq!(call("array_sort_asc", &[colours, json!(false)]), Some(json!([null, null, "blue", "green", "yellow"])));
    }

    #[test]
    fn documented_bags() {
        // bag-merge-function.md: the first bag's A1 is kept.
        let merged = call("bag_merge", &[json!({"A1": 12, "B1": 2, "C1": 3}), json!({"A2": 81, "B2": 82, "A1": 1})]);
        assert_eq!(merged, Some(json!({"A1": 12, "B1": 2, "C1": 3, "A2": 81, "B2": 82})));
        // bag-remove-keys-function.md: plain keys and JSONPath keys.
        let bag = json!({"key1": 123, "key2": {"prop1": "abc", "prop2": "xyz"}, "key3": [100, 200]});
        assert_eq!(
            call("bag_remove_keys", &[bag.clone(), json!(["$.key2.prop1", "key3"])]),
            Some(json!({"key1": 123, "key2": {"prop2": "xyz"}}))
        );
        assert_eq!(call("bag_remove_keys", &[json!({"key1": 123, "key2": "abc"}), json!(["key2", "key4"])]), Some(json!({"key1": 123})));
        assert_eq!(call("bag_has_key", &[bag.clone(), json!("$.key2.prop2")]), Some(json!(true)));
        assert_eq!(call("bag_has_key", &[bag, json!("key4")]), Some(json!(false)));
        assert_eq!(call("bag_set_key", &[json!({}), json!("$.a.b"), json!(1)]), Some(json!({"a": {"b": 1}})));
        assert_eq!(call("bag_zip", &[json!(["a", "b", "c"]), json!([1, "2", 3.4])]), Some(json!({"a": 1, "b": "2", "c": 3.4})));
    }

    #[test]
    fn sets_and_zip() {
        assert_eq!(call("set_difference", &[json!([1, 2, 3]), json!([1, 2]), json!([5])]), Some(json!([3])));
        assert_eq!(call("set_equals", &[json!([1, 2, 3]), json!([3, 1, 2, 2])]), Some(json!(true)));
        assert_eq!(call("jaccard_index", &[json!([1, 2, 3]), json!([1, 2, 3, 4])]), Some(json!(0.75)));
        assert_eq!(call("zip", &[json!([1, 3, 5]), json!([2, 4, 6])]), Some(json!([[1, 2], [3, 4], [5, 6]])));
        assert_eq!(call("zip", &[json!(["A", "B"]), json!([1])]), Some(json!([["A", 1], ["B", null]])));
        assert_eq!(call("array_sum", &[json!([1, 2.5])]), Some(json!(3.5)));
        assert_eq!(call("array_sum", &[json!([1, "a"])]), None);
        assert_eq!(call("dynamic_to_json", &[json!({"b": 1, "a": [{"d": 1, "c": 2}]})]), Some(json!(r#"{"a":[{"c":2,"d":1}],"b":1}"#)));
    }
}
