//! Series functions over dynamic numeric arrays (the output of `make-series`), row by
//! row on the JSON values: statistics, line fitting, gap filling and element-wise
//! arithmetic and comparison. Non-numeric elements are null.

use super::dynamic::json_call;
use crate::functions::SERIES_PAIRWISE;
use crate::types::KqlType;
use polars::prelude::*;
use serde_json::{json, Value as Json};

pub(super) fn lower(name: &str, args: Vec<Expr>, ty: KqlType) -> Expr {
    let name = name.to_string();
    json_call(args, ty, move |v| build(&name, v))
}

fn numbers(v: &Json) -> Option<Vec<Option<f64>>> {
    Some(v.as_array()?.iter().map(|x| x.as_f64()).collect())
}

fn number_json(x: Option<f64>) -> Json {
    x.filter(|x| x.is_finite()).map_or(Json::Null, Json::from)
}

fn build(name: &str, v: &[Option<Json>]) -> Option<Json> {
    let arg = |i: usize| v.get(i).and_then(|x| x.as_ref());
    let series = |i: usize| arg(i).and_then(numbers);
    match name {
        "series_stats_dynamic" => {
            let ignore_nonfinite = arg(1).and_then(|b| b.as_bool()).unwrap_or(false);
            Some(stats(&series(0)?, ignore_nonfinite))
        }
        "series_fit_line_dynamic" => Some(fit_line(&series(0)?)),
        "series_fill_const" => {
            let fill = arg(1).cloned().unwrap_or(json!(0));
            Some(Json::Array(arg(0)?.as_array()?.iter().map(|x| if x.is_null() { fill.clone() } else { x.clone() }).collect()))
        }
        "series_fill_forward" | "series_fill_backward" => {
            let mut items = arg(0)?.as_array()?.clone();
            let forward = name == "series_fill_forward";
            if !forward {
                items.reverse();
            }
            let mut last: Option<Json> = None;
            for x in items.iter_mut() {
                if x.is_null() {
                    if let Some(l) = &last {
                        *x = l.clone();
                    }
                } else {
                    last = Some(x.clone());
                }
            }
            if !forward {
                items.reverse();
            }
            Some(Json::Array(items))
        }
        "series_fill_linear" => Some(Json::Array(fill_linear(&series(0)?).into_iter().map(number_json).collect())),
        name if SERIES_PAIRWISE.contains(&name) => {
            let side = |i: usize| -> Option<Side> {
                match arg(i)? {
                    Json::Array(_) => Some(Side::Series(series(i)?)),
                    x => Some(Side::Scalar(x.as_f64())),
                }
            };
            let (a, b) = (side(0)?, side(1)?);
            let n = match (&a, &b) {
                (Side::Series(x), Side::Series(y)) => x.len().max(y.len()),
                (Side::Series(x), _) | (_, Side::Series(x)) => x.len(),
                _ => 1,
            };
            Some(Json::Array((0..n).map(|i| element(name, a.at(i), b.at(i))).collect()))
        }
        name if crate::functions::SERIES_ELEMENTWISE.contains(&name) => {
            let f: fn(f64) -> f64 = match name {
                "series_acos" => f64::acos,
                "series_asin" => f64::asin,
                "series_atan" => f64::atan,
                "series_cos" => f64::cos,
                "series_sin" => f64::sin,
                "series_tan" => f64::tan,
                "series_abs" => f64::abs,
                "series_ceiling" => f64::ceil,
                "series_floor" => f64::floor,
                "series_sign" => |x| {
                    if x > 0.0 {
                        1.0
                    } else if x < 0.0 {
                        -1.0
                    } else {
                        0.0
                    }
                },
                "series_exp" => f64::exp,
                "series_log" => f64::ln,
                _ => f64::sqrt,
            };
            Some(Json::Array(series(0)?.into_iter().map(|x| number_json(x.map(f))).collect()))
        }
        "series_sum" => Some(Json::from(series(0)?.into_iter().flatten().sum::<f64>())),
        "series_product" => Some(Json::from(series(0)?.into_iter().flatten().product::<f64>())),
        "series_magnitude" => Some(Json::from(series(0)?.into_iter().flatten().map(|x| x * x).sum::<f64>().sqrt())),
        "series_dot_product" | "series_cosine_similarity" | "series_pearson_correlation" => {
            let (a, b) = (series(0)?, series(1)?);
            let pairs: Vec<(f64, f64)> = a.iter().zip(b.iter()).filter_map(|(x, y)| Some(((*x)?, (*y)?))).collect();
            let dot = |p: &[(f64, f64)]| p.iter().map(|(x, y)| x * y).sum::<f64>();
            let value = match name {
                "series_dot_product" => dot(&pairs),
                "series_cosine_similarity" => {
                    let norm = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(|p| f(p).powi(2)).sum::<f64>().sqrt();
                    dot(&pairs) / (norm(|p| p.0) * norm(|p| p.1))
                }
                _ => {
                    let n = pairs.len() as f64;
                    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
                    let centered: Vec<(f64, f64)> = pairs.iter().map(|(x, y)| (x - mx, y - my)).collect();
                    let spread = |f: fn(&(f64, f64)) -> f64| centered.iter().map(|p| f(p).powi(2)).sum::<f64>().sqrt();
                    dot(&centered) / (spread(|p| p.0) * spread(|p| p.1))
                }
            };
            Some(number_json(Some(value)))
        }
        _ => None,
    }
}

enum Side {
    Series(Vec<Option<f64>>),
    Scalar(Option<f64>),
}

impl Side {
    fn at(&self, i: usize) -> Option<f64> {
        match self {
            Side::Series(s) => s.get(i).copied().flatten(),
            Side::Scalar(x) => *x,
        }
    }
}

fn element(name: &str, a: Option<f64>, b: Option<f64>) -> Json {
    let (Some(a), Some(b)) = (a, b) else { return Json::Null };
    match name {
        "series_add" => number_json(Some(a + b)),
        "series_subtract" => number_json(Some(a - b)),
        "series_multiply" => number_json(Some(a * b)),
        "series_divide" => number_json(Some(a / b)),
        "series_pow" => number_json(Some(a.powf(b))),
        "series_greater" => Json::Bool(a > b),
        "series_greater_equals" => Json::Bool(a >= b),
        "series_less" => Json::Bool(a < b),
        "series_less_equals" => Json::Bool(a <= b),
        "series_equals" => Json::Bool(a == b),
        _ => Json::Bool(a != b),
    }
}

/// series-stats-function.md: min, min_idx, max, max_idx, avg, stdev and variance (the
/// sample forms); a non-finite element makes every statistic null unless ignored.
fn stats(values: &[Option<f64>], ignore_nonfinite: bool) -> Json {
    let finite: Vec<(usize, f64)> = values.iter().enumerate().filter_map(|(i, x)| x.filter(|x| x.is_finite()).map(|x| (i, x))).collect();
    let nulls = json!({"min": null, "min_idx": null, "max": null, "max_idx": null, "avg": null, "stdev": null, "variance": null});
    if finite.is_empty() || (!ignore_nonfinite && finite.len() != values.len()) {
        return nulls;
    }
    let n = finite.len() as f64;
    let min = finite.iter().copied().fold((0usize, f64::INFINITY), |m, (i, x)| if x < m.1 { (i, x) } else { m });
    let max = finite.iter().copied().fold((0usize, f64::NEG_INFINITY), |m, (i, x)| if x > m.1 { (i, x) } else { m });
    let avg = finite.iter().map(|(_, x)| x).sum::<f64>() / n;
    let variance = if finite.len() > 1 { finite.iter().map(|(_, x)| (x - avg).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    json!({"min": min.1, "min_idx": min.0, "max": max.1, "max_idx": max.0, "avg": avg, "stdev": variance.sqrt(), "variance": variance})
}

/// series-fit-line-function.md: least squares over x = 1, 2, ...; variance and
/// rvariance are sample variances of the values and of the residuals.
fn fit_line(values: &[Option<f64>]) -> Json {
    let points: Vec<(f64, f64)> = values.iter().enumerate().filter_map(|(i, y)| y.map(|y| ((i + 1) as f64, y))).collect();
    let n = points.len() as f64;
    if points.len() < 2 {
        return json!({"rsquare": null, "slope": null, "variance": null, "rvariance": null, "interception": null, "line_fit": []});
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let slope = sxy / sxx;
    let interception = my - slope * mx;
    let ss: f64 = points.iter().map(|(_, y)| (y - my).powi(2)).sum();
    let sr: f64 = points.iter().map(|(x, y)| (y - (slope * x + interception)).powi(2)).sum();
    let rsquare = if ss == 0.0 { 1.0 } else { 1.0 - sr / ss };
    let line: Vec<Json> = (1..=values.len()).map(|x| number_json(Some(slope * x as f64 + interception))).collect();
    json!({"rsquare": rsquare, "slope": slope, "variance": ss / (n - 1.0), "rvariance": sr / (n - 1.0), "interception": interception, "line_fit": line})
}

/// series-fill-linear-function.md: nulls between two values are interpolated; leading
/// and trailing nulls take the nearest value.
fn fill_linear(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let known: Vec<(usize, f64)> = values.iter().enumerate().filter_map(|(i, x)| x.map(|x| (i, x))).collect();
    if known.is_empty() {
        return values.to_vec();
    }
    (0..values.len())
        .map(|i| {
            if let Some(x) = values[i] {
                return Some(x);
            }
            let after = known.iter().position(|(j, _)| *j > i);
            Some(match after {
                Some(0) => known[0].1,
                None => known[known.len() - 1].1,
                Some(k) => {
                    let ((i0, y0), (i1, y1)) = (known[k - 1], known[k]);
                    y0 + (y1 - y0) * (i - i0) as f64 / (i1 - i0) as f64
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_stats() {
        // series-stats-function.md
        let xs = [23., 46., 23., 87., 4., 8., 3., 75., 2., 56., 13., 75., 32., 16., 29.].map(Some);
        let s = stats(&xs, false);
        assert_eq!(
            (s["min"].as_f64(), s["min_idx"].as_u64(), s["max"].as_f64(), s["max_idx"].as_u64()),
            (Some(2.0), Some(8), Some(87.0), Some(3))
        );
        assert!((s["avg"].as_f64().unwrap_or_default() - 32.8).abs() < 1e-9);
        assert!((s["stdev"].as_f64().unwrap_or_default() - 28.5036338535483).abs() < 1e-9);
        assert!((s["variance"].as_f64().unwrap_or_default() - 812.457142857143).abs() < 1e-9);
    }

    #[test]
    fn documented_fit_line() {
        // series-fit-line-function.md
        let ys = [2., 5., 6., 8., 11., 15., 17., 18., 25., 26., 30., 30.].map(Some);
        let f = fit_line(&ys);
        let near = |k: &str, want: f64| assert!((f[k].as_f64().unwrap_or_default() - want).abs() < 0.001, "{k}: {}", f[k]);
        near("rsquare", 0.982);
        near("slope", 2.730);
        near("variance", 98.628);
        near("rvariance", 1.686);
        near("interception", -1.666);
        assert!((f["line_fit"][0].as_f64().unwrap_or_default() - 1.064).abs() < 0.001);
    }

    #[test]
    fn documented_fills() {
        // series-fill-linear-function.md: [null, 1, null, 3, null] with the default limits
        assert_eq!(fill_linear(&[None, Some(1.0), None, Some(3.0), None]), vec![Some(1.0), Some(1.0), Some(2.0), Some(3.0), Some(3.0)]);
        assert_eq!(build("series_fill_forward", &[Some(json!([null, 1, null, 3]))]), Some(json!([null, 1, 1, 3])));
        assert_eq!(build("series_fill_backward", &[Some(json!([null, 1, null, 3, null]))]), Some(json!([1, 1, 3, 3, null])));
        assert_eq!(build("series_add", &[Some(json!([1, 2])), Some(json!(10))]), Some(json!([11.0, 12.0])));
        assert_eq!(build("series_greater", &[Some(json!([1, 5])), Some(json!([2, 2]))]), Some(json!([false, true])));
    }
}
