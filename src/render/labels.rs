//! The text of axis ticks and labels: where ticks go on number and time axes, and how
//! numbers, percentages, datetimes and timespans read on a chart.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};

const NS_PER_SEC: i64 = 1_000_000_000;

/// The coarsest unit every datetime of a column is a whole multiple of, so category labels
/// show no more digits than the data has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DateUnit {
    Fraction,
    Second,
    Minute,
    Day,
}

pub(crate) fn datetime_unit(values: impl Iterator<Item = i64>) -> DateUnit {
    let mut unit = DateUnit::Day;
    for ns in values {
        let u = if ns.rem_euclid(86_400 * NS_PER_SEC) == 0 {
            DateUnit::Day
        } else if ns.rem_euclid(60 * NS_PER_SEC) == 0 {
            DateUnit::Minute
        } else if ns.rem_euclid(NS_PER_SEC) == 0 {
            DateUnit::Second
        } else {
            DateUnit::Fraction
        };
        unit = unit.min(u);
    }
    unit
}

pub(crate) fn datetime(ns: i64, unit: DateUnit) -> String {
    let t = Utc.timestamp_nanos(ns);
    let pattern = match unit {
        DateUnit::Day => "%Y-%m-%d",
        DateUnit::Minute => "%Y-%m-%d %H:%M",
        DateUnit::Second => "%Y-%m-%d %H:%M:%S",
        DateUnit::Fraction => "%Y-%m-%d %H:%M:%S%.3f",
    };
    t.format(pattern).to_string()
}

/// Kusto's timespan text: `[-][d.]hh:mm:ss[.fffffff]`.
pub(crate) fn timespan(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let ticks = ns / 100;
    let secs = ns / 1_000_000_000;
    let (days, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::from(sign);
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    let frac = ticks % 10_000_000;
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// Ticks on a linear axis at a 1-2-5 step, and that step.
pub(crate) fn number_ticks(lo: f64, hi: f64, max_ticks: usize) -> (Vec<f64>, f64) {
    let step = nice_step((hi - lo) / max_ticks.max(1) as f64);
    let first = (lo / step).ceil();
    let last = (hi / step + 1e-9).floor();
    if !(first.is_finite() && last.is_finite()) || last - first > 1000.0 {
        // A range too wide for f64 steps (near the ends of its range): just the ends.
        return (vec![lo, hi], hi - lo);
    }
    let ticks = (first as i64..=last as i64).map(|k| clean(k as f64 * step)).collect();
    (ticks, step)
}

/// Widens `[lo, hi]` to whole steps, so the axis starts and ends on a tick.
pub(crate) fn nice_range(lo: f64, hi: f64, max_ticks: usize) -> (f64, f64) {
    let step = nice_step((hi - lo) / max_ticks.max(1) as f64);
    (clean((lo / step + 1e-9).floor() * step), clean((hi / step - 1e-9).ceil() * step))
}

fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Removes the float noise of `k * step` (0.30000000000000004 becomes 0.3).
fn clean(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let digits = 12 - v.abs().log10().ceil() as i32;
    let factor = 10f64.powi(digits.clamp(-300, 300));
    (v * factor).round() / factor
}

/// Ticks on a log axis: each power of ten, with 2 and 5 between when the range is short.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mults: &[f64] = if b - a <= 2 { &[1.0, 2.0, 5.0] } else { &[1.0] };
    let mut out = Vec::new();
    for e in a..=b {
        for m in mults {
            let v = m * 10f64.powi(e);
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                out.push(clean(v));
            }
        }
    }
    out
}

/// How the numbers of one axis are written: all with the same suffix and decimals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NumberFormat {
    divisor: f64,
    suffix: &'static str,
    decimals: usize,
    percent: bool,
}

impl NumberFormat {
    /// For ticks up to `max_abs` apart by `step`: SI suffixes from ten thousand up,
    /// thousands separators below.
    pub(crate) fn for_axis(max_abs: f64, step: f64) -> NumberFormat {
        const SI: [(f64, &str); 5] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
        let (divisor, suffix) =
            if max_abs >= 1e4 { SI.iter().find(|(d, _)| max_abs >= *d).map(|(d, s)| (*d, *s)).unwrap_or((1.0, "")) } else { (1.0, "") };
        NumberFormat { divisor, suffix, decimals: decimals_for(step / divisor), percent: false }
    }

    pub(crate) fn percent(step: f64) -> NumberFormat {
        NumberFormat { divisor: 1.0, suffix: "%", decimals: decimals_for(step), percent: true }
    }

    pub(crate) fn format(&self, v: f64) -> String {
        if v == 0.0 {
            return if self.percent { "0%" } else { "0" }.to_string();
        }
        let scaled = v / self.divisor;
        let text = grouped(scaled, self.decimals);
        if !self.suffix.is_empty() {
            format!("{text}{}", self.suffix)
        } else {
            text
        }
    }
}

/// The fewest decimals that write every multiple of `step` exactly.
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

/// A value as text, for legends: separators, and up to three decimals when it has any.
pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        grouped(v, 0)
    } else if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        let text = grouped(v, 3);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A value written on its own, as log-axis ticks are: `100`, `1,000`, `10k`, `2.5M`.
pub(crate) fn compact(v: f64) -> String {
    const SI: [(f64, &str); 5] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    if v.abs() >= 1e4 {
        if let Some((d, suffix)) = SI.iter().find(|(d, _)| v.abs() >= *d) {
            let text = format!("{:.1}", v / d);
            return format!("{}{suffix}", text.trim_end_matches('0').trim_end_matches('.'));
        }
    }
    if v != 0.0 && v.abs() < 1e-3 {
        return format!("{v:e}");
    }
    number(v)
}

/// `1234567.891` with 2 decimals reads `1,234,567.89`.
fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    let is_zero = text.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !is_zero {
        out.insert(0, '-');
    }
    out
}

/// A share of a whole, as pie labels show it.
pub(crate) fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// The spacing of time-axis ticks: a fixed number of seconds, or calendar months.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TimeStep {
    Seconds(f64),
    Months(u32),
}

const SECOND_STEPS: [f64; 26] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0, 43200.0,
];
const DAY: f64 = 86_400.0;

/// Ticks for a time axis from `lo` to `hi` (seconds since the epoch), at most `max_ticks`,
/// never closer than `min_step` (the bin size) so each tick starts a bin.
pub(crate) fn time_ticks(lo: f64, hi: f64, min_step: f64, max_ticks: usize) -> (Vec<f64>, TimeStep) {
    let span = (hi - lo).max(1e-3);
    let max_ticks = max_ticks.max(2) as f64;
    let fixed = SECOND_STEPS.iter().copied().chain([DAY, 2.0 * DAY, 7.0 * DAY, 14.0 * DAY]);
    for step in fixed {
        if step + 1e-9 >= min_step && span / step <= max_ticks {
            return (fixed_ticks(lo, hi, step), TimeStep::Seconds(step));
        }
    }
    for months in [1u32, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200] {
        if span / (months as f64 * 30.4 * DAY) <= max_ticks {
            return (month_ticks(lo, hi, months), TimeStep::Months(months));
        }
    }
    (vec![lo, hi], TimeStep::Months(1200))
}

fn fixed_ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    // Weeks start on Monday; the epoch was a Thursday.
    let offset = if step == 7.0 * DAY || step == 14.0 * DAY { 4.0 * DAY } else { 0.0 };
    let first = ((lo - offset) / step - 1e-9).ceil();
    let mut out = Vec::new();
    let mut k = first;
    while k * step + offset <= hi + 1e-9 && out.len() < 10_000 {
        out.push(k * step + offset);
        k += 1.0;
    }
    out
}

fn month_ticks(lo: f64, hi: f64, months: u32) -> Vec<f64> {
    let Some(start) = DateTime::from_timestamp(lo.floor() as i64, 0) else {
        return vec![];
    };
    let mut month_index = start.year() * 12 + start.month0() as i32;
    month_index += (months as i32 - month_index.rem_euclid(months as i32)) % months as i32;
    let mut out = Vec::new();
    while out.len() < 10_000 {
        let (y, m) = (month_index.div_euclid(12), month_index.rem_euclid(12) as u32 + 1);
        let Some(t) = NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.and_hms_opt(0, 0, 0)) else {
            break;
        };
        let secs = t.and_utc().timestamp() as f64;
        if secs > hi + 1e-9 {
            break;
        }
        if secs >= lo - 1e-9 {
            out.push(secs);
        }
        month_index += months as i32;
    }
    out
}

/// The text of one time tick. The first tick carries the full date; later ones only what
/// changes, so a day of hourly ticks reads `2026-11-22 06:00, 12:00, 18:00, 11-23, 06:00`.
pub(crate) fn time_tick(t: f64, step: TimeStep, first: bool) -> String {
    let secs = t.floor() as i64;
    let nanos = ((t - t.floor()) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
    let Some(dt) = DateTime::from_timestamp(secs, nanos) else {
        return String::new();
    };
    let midnight = dt.num_seconds_from_midnight() == 0 && nanos == 0;
    let pattern = match step {
        TimeStep::Months(m) if m >= 12 => "%Y",
        TimeStep::Months(_) => {
            if first || dt.month() == 1 {
                "%Y-%m"
            } else {
                "%m"
            }
        }
        TimeStep::Seconds(s) if s >= DAY => {
            if first || dt.ordinal() == 1 {
                "%Y-%m-%d"
            } else {
                "%m-%d"
            }
        }
        TimeStep::Seconds(s) => {
            let time = if s < 1.0 {
                "%H:%M:%S%.3f"
            } else if s < 60.0 {
                "%H:%M:%S"
            } else {
                "%H:%M"
            };
            return if first {
                dt.format(&format!("%Y-%m-%d {time}")).to_string()
            } else if midnight {
                dt.format("%m-%d").to_string()
            } else {
                dt.format(time).to_string()
            };
        }
    };
    dt.format(pattern).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_use_si_suffixes_past_ten_thousand() {
        let f = NumberFormat::for_axis(8000.0, 2000.0);
        assert_eq!(f.format(6000.0), "6,000");
        let f = NumberFormat::for_axis(2_500_000.0, 500_000.0);
        assert_eq!(f.format(1_500_000.0), "1.5M");
        assert_eq!(f.format(0.0), "0");
        let f = NumberFormat::for_axis(40_000.0, 10_000.0);
        assert_eq!(f.format(30_000.0), "30k");
        let f = NumberFormat::for_axis(1.0, 0.25);
        assert_eq!(f.format(0.75), "0.75");
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(-1234.5), "-1,234.5");
        let log: Vec<String> = [0.01, 1.0, 1000.0, 10_000.0, 2_500_000.0].iter().map(|v| compact(*v)).collect();
        assert_eq!(log, ["0.01", "1", "1,000", "10k", "2.5M"]);
    }

    #[test]
    fn number_ticks_step_by_one_two_five() {
        let (ticks, step) = number_ticks(0.0, 100.0, 5);
        assert_eq!(step, 20.0);
        assert_eq!(ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let (ticks, _) = number_ticks(0.0, 0.3, 3);
        assert_eq!(ticks, vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_range(3.0, 97.0, 5), (0.0, 100.0));
        assert_eq!(log_ticks(1.0, 1000.0), vec![1.0, 10.0, 100.0, 1000.0]);
    }

    #[test]
    fn hourly_ticks_start_on_the_hour_and_name_the_date_once() {
        // 2026-11-22 05:30 to 2026-11-23 05:30 UTC.
        let lo = 1_795_325_400.0;
        let (ticks, step) = time_ticks(lo, lo + DAY, 3600.0, 6);
        assert_eq!(step, TimeStep::Seconds(21600.0));
        assert_eq!(ticks.len(), 4);
        let texts: Vec<String> = ticks.iter().enumerate().map(|(i, t)| time_tick(*t, step, i == 0)).collect();
        assert_eq!(texts, ["2026-11-22 06:00", "12:00", "18:00", "11-23"]);
    }

    #[test]
    fn datetimes_and_timespans_read_as_kusto_writes_them() {
        let ns = 1_795_327_200 * NS_PER_SEC; // 2026-11-22 06:00:00
        assert_eq!(datetime_unit([ns].into_iter()), DateUnit::Minute);
        assert_eq!(datetime(ns, DateUnit::Minute), "2026-11-22 06:00");
        assert_eq!(timespan(3_600 * NS_PER_SEC), "01:00:00");
        assert_eq!(timespan(-(86_400 + 1) * NS_PER_SEC - 500_000_000), "-1.00:00:01.5000000");
        assert_eq!(percent(0.625), "62.5%");
        assert_eq!(percent(0.0004), "<0.1%");
    }
}
