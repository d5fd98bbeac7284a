//! Stacking: the bottom and top of every series' value at each x, for stacked, 100%
//! stacked and unstacked columns and areas.

use super::data::XyData;
use super::spec::Stacking;

/// The bottom and top of each series' value at each x of `grid`, after stacking.
pub(super) struct Layers {
    pub grid: Vec<f64>,
    pub spans: Vec<Vec<Option<(f64, f64)>>>,
    /// Whether any series has a value at each x; where none has, a stacked area breaks.
    pub present: Vec<bool>,
}

pub(super) fn layers(data: &XyData, stacking: Stacking, missing_as_zero: bool) -> Layers {
    let mut grid: Vec<f64> = data.series.iter().flat_map(|s| s.points.iter().map(|p| p.x)).collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let index = |x: f64| grid.binary_search_by(|g| g.total_cmp(&x)).ok();
    let values: Vec<Vec<Option<f64>>> = data
        .series
        .iter()
        .map(|s| {
            let mut v = vec![None; grid.len()];
            for p in &s.points {
                if let (Some(i), Some(y)) = (index(p.x), p.y) {
                    v[i] = Some(v[i].unwrap_or(0.0) + y);
                }
            }
            v
        })
        .collect();
    let present: Vec<bool> = (0..grid.len()).map(|i| values.iter().any(|v| v[i].is_some())).collect();
    let totals: Vec<f64> = (0..grid.len()).map(|i| values.iter().map(|v| v[i].map_or(0.0, f64::abs)).sum()).collect();
    let mut pos = vec![0.0; grid.len()];
    let mut neg = vec![0.0; grid.len()];
    let spans = values
        .iter()
        .map(|v| {
            (0..grid.len())
                .map(|i| {
                    let value = match (v[i], missing_as_zero && present[i]) {
                        (Some(y), _) => y,
                        (None, true) => 0.0,
                        (None, false) => return None,
                    };
                    match stacking {
                        Stacking::Unstacked => Some((0.0, value)),
                        Stacking::Stacked | Stacking::Stacked100 => {
                            let value = if stacking == Stacking::Stacked100 && totals[i] > 0.0 { value * 100.0 / totals[i] } else { value };
                            let acc = if value >= 0.0 { &mut pos[i] } else { &mut neg[i] };
                            let base = *acc;
                            *acc += value;
                            Some((base, *acc))
                        }
                    }
                })
                .collect()
        })
        .collect();
    Layers { grid, spans, present }
}
