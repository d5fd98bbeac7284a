//! When sample records happen: the eight days before `now`, busier during Japanese
//! business hours (the seed articles' workspaces are in Japan East) and busier the more
//! recent, so `ago(1h)`, `ago(1d)` and `ago(7d)` all find plenty of rows.
//!
//! All instants are Unix nanoseconds, the physical value of a Kusto `datetime` column.

use super::rng::Rng;

pub(super) const SECOND: i64 = 1_000_000_000;
pub(super) const MINUTE: i64 = 60 * SECOND;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;

/// How far back the generated data reaches.
pub(super) const SPAN: i64 = 8 * DAY;

const SPAN_MINUTES: usize = (SPAN / MINUTE) as usize;

/// Japan Standard Time, for the daily rhythm.
const JST_OFFSET: i64 = 9 * HOUR;

/// A sampler of record times: one weight per minute of the span.
pub(super) struct Timeline {
    now: i64,
    /// `cumulative[m]` = total weight of the minutes 0..=m before `now`.
    cumulative: Vec<f64>,
}

impl Timeline {
    pub(super) fn new(now: i64) -> Self {
        let mut cumulative = Vec::with_capacity(SPAN_MINUTES);
        let mut total = 0.0;
        for m in 0..SPAN_MINUTES {
            let t = now - m as i64 * MINUTE;
            total += activity(t) * recency(m as f64 / 60.0);
            cumulative.push(total);
        }
        Timeline { now, cumulative }
    }

    pub(super) fn now(&self) -> i64 {
        self.now
    }

    /// A time in the last `SPAN`, drawn by activity; millisecond precision.
    pub(super) fn sample(&self, rng: &mut Rng) -> i64 {
        self.sample_within(rng, SPAN)
    }

    /// A time in the last `window` (at most `SPAN`), drawn by activity.
    pub(super) fn sample_within(&self, rng: &mut Rng, window: i64) -> i64 {
        let minutes = ((window / MINUTE) as usize).clamp(1, self.cumulative.len());
        let total = self.cumulative[minutes - 1];
        let x = rng.unit() * total;
        let m = self.cumulative[..minutes].partition_point(|c| *c <= x).min(minutes - 1);
        // Somewhere inside the minute that ends `m` minutes before now.
        let t = self.now - m as i64 * MINUTE - (rng.unit() * MINUTE as f64) as i64;
        floor(t, 1_000_000)
    }
}

/// Uniform in [now - from_ago, now - to_ago], millisecond precision.
pub(super) fn uniform_ago(rng: &mut Rng, now: i64, from_ago: i64, to_ago: i64) -> i64 {
    let t = now - from_ago + (rng.unit() * (from_ago - to_ago) as f64) as i64;
    floor(t, 1_000_000)
}

/// Rounds down to a multiple of `step` (for negative instants too).
pub(super) fn floor(t: i64, step: i64) -> i64 {
    t.div_euclid(step) * step
}

/// Relative traffic at instant `t`: office hours in Japan, quieter nights and weekends.
pub(super) fn activity(t: i64) -> f64 {
    let local = t + JST_OFFSET;
    let hour = local.div_euclid(HOUR).rem_euclid(24);
    // 1970-01-01 was a Thursday: day 0 -> Thursday, so Saturday and Sunday are 2 and 3.
    let weekday = local.div_euclid(DAY).rem_euclid(7);
    let by_hour = match hour {
        0..=5 => 0.25,
        6..=8 => 0.5,
        9..=11 | 13..=17 => 1.0,
        12 => 0.8,
        18..=20 => 0.6,
        _ => 0.4,
    };
    let by_day = if weekday == 2 || weekday == 3 { 0.55 } else { 1.0 };
    by_hour * by_day
}

/// Recent hours weigh more: a workspace queried today holds more of today.
fn recency(age_hours: f64) -> f64 {
    1.0 + 2.5 * (-age_hours / 30.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_stay_in_the_window_and_favour_recent_hours() {
        let now = 1_700_000_000 * SECOND;
        let tl = Timeline::new(now);
        let mut rng = Rng::new(3);
        let n = 20_000;
        let mut last_hour = 0;
        let mut oldest_hour = 0;
        for _ in 0..n {
            let t = tl.sample(&mut rng);
            assert!(t <= now && t > now - SPAN, "{t}");
            assert_eq!(t % 1_000_000, 0);
            if t > now - HOUR {
                last_hour += 1;
            }
            if t <= now - SPAN + HOUR {
                oldest_hour += 1;
            }
        }
        // 192 hours in the span: a flat spread would put about 104 rows in each hour.
        assert!(last_hour > 130, "{last_hour}");
        assert!(oldest_hour < last_hour, "{oldest_hour} vs {last_hour}");
        for _ in 0..1000 {
            let t = tl.sample_within(&mut rng, HOUR);
            assert!(t <= now && t > now - HOUR);
        }
    }

    #[test]
    fn business_hours_are_busier_than_nights() {
        // 2023-11-14 is a Tuesday: 03:00 UTC is noon-ish in Tokyo (12:00 JST is lunch),
        // 02:00 UTC is 11:00 JST, 17:00 UTC is 02:00 JST.
        let tuesday = 1_699_920_000 * SECOND; // 2023-11-14T00:00:00Z
        assert_eq!(activity(tuesday + 2 * HOUR), 1.0);
        assert_eq!(activity(tuesday + 17 * HOUR), 0.25);
        // Saturday 2023-11-18 11:00 JST.
        assert_eq!(activity(tuesday + 4 * DAY + 2 * HOUR), 0.55);
    }

    #[test]
    fn floor_handles_negative_instants() {
        assert_eq!(floor(-1, 10), -10);
        assert_eq!(floor(19, 10), 10);
    }
}
