//! Series colours: the Okabe-Ito palette, which stays distinguishable with the common
//! forms of colour blindness.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#RRGGBB`, as SVG files write colours.
    #[cfg(test)]
    pub(crate) fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// Okabe-Ito, reordered so the first few colours are the strongest on white; its black is
/// softened to a dark grey, and yellow comes last as it is faint as a line.
const SERIES: [Rgb; 8] = [
    Rgb(0x00, 0x72, 0xB2), // blue
    Rgb(0xE6, 0x9F, 0x00), // orange
    Rgb(0x00, 0x9E, 0x73), // bluish green
    Rgb(0xD5, 0x5E, 0x00), // vermillion
    Rgb(0x56, 0xB4, 0xE9), // sky blue
    Rgb(0xCC, 0x79, 0xA7), // reddish purple
    Rgb(0x4D, 0x4D, 0x4D), // dark grey
    Rgb(0xF0, 0xE4, 0x42), // yellow
];

/// Series nine to sixteen (a `make-series` by a column with many values): Paul Tol's
/// muted colours, none of them an Okabe-Ito colour, so a chart of up to sixteen series
/// repeats no colour.
const MORE_SERIES: [Rgb; 8] = [
    Rgb(0x33, 0x22, 0x88), // indigo
    Rgb(0x44, 0xAA, 0x99), // teal
    Rgb(0x99, 0x99, 0x33), // olive
    Rgb(0xCC, 0x66, 0x77), // rose
    Rgb(0x88, 0x22, 0x55), // wine
    Rgb(0xAA, 0x44, 0x99), // purple
    Rgb(0x11, 0x77, 0x33), // green
    Rgb(0xDD, 0xCC, 0x77), // sand
];

pub(crate) fn series(i: usize) -> Rgb {
    let i = i % (SERIES.len() + MORE_SERIES.len());
    match SERIES.get(i) {
        Some(c) => *c,
        None => MORE_SERIES[i - SERIES.len()],
    }
}

/// The grouped "Other" slice of a pie.
pub(crate) const OTHER: Rgb = Rgb(0xBB, 0xBB, 0xBB);
pub(crate) const BACKGROUND: Rgb = Rgb(0xFF, 0xFF, 0xFF);
pub(crate) const TEXT: Rgb = Rgb(0x22, 0x22, 0x22);
pub(crate) const MUTED_TEXT: Rgb = Rgb(0x55, 0x55, 0x55);
pub(crate) const AXIS: Rgb = Rgb(0x88, 0x88, 0x88);
pub(crate) const GRID: Rgb = Rgb(0xE3, 0xE3, 0xE3);

#[cfg(test)]
mod tests {
    #[test]
    fn sixteen_series_repeat_no_colour() {
        let colours: Vec<_> = (0..16).map(super::series).collect();
        for (i, c) in colours.iter().enumerate() {
            assert!(!colours[..i].contains(c), "series {i} repeats {c:?}");
        }
        assert_eq!(super::series(16), super::series(0));
    }
}
