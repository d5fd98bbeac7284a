//! The one typeface every chart is drawn in, embedded so a PNG comes out the same on any
//! machine, with its metrics for laying text out before it is drawn.
//!
//! Noto Sans CJK JP (a subset, see `fonts/`) has Latin, kana and common kanji in one
//! face, so a title such as `NSG Flow Log Traffic (許可)` needs no fallback font.

use crate::error::{Error, Result};
use ab_glyph::{Font, FontRef};
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// The family name plotters knows the embedded font by. SVG files carry it as their
/// `font-family`, so a viewer with Noto installed uses it and others fall back to sans-serif.
pub(crate) const FAMILY: &str = "Noto Sans CJK JP, Noto Sans JP, sans-serif";

static REGULAR: &[u8] = include_bytes!("fonts/NotoSansCJKjp-Regular-subset.otf");
static BOLD: &[u8] = include_bytes!("fonts/NotoSansCJKjp-Bold-subset.otf");

pub(crate) struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

/// The embedded fonts, registered with plotters on first use.
pub(crate) fn fonts() -> Result<&'static Fonts> {
    static FONTS: OnceLock<std::result::Result<Fonts, String>> = OnceLock::new();
    FONTS.get_or_init(load).as_ref().map_err(|e| Error::runtime(e.clone()))
}

fn load() -> std::result::Result<Fonts, String> {
    let broken = |_| "the embedded chart font cannot be read".to_string();
    let regular = FontRef::try_from_slice(REGULAR).map_err(broken)?;
    let bold = FontRef::try_from_slice(BOLD).map_err(broken)?;
    plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR)
        .and_then(|()| plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD))
        .map_err(|_| "the embedded chart font cannot be registered".to_string())?;
    Ok(Fonts { regular, bold })
}

impl Fonts {
    fn face(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn units_per_em(&self, bold: bool) -> f64 {
        f64::from(self.face(bold).units_per_em().unwrap_or(1000.0))
    }

    /// The advance width of `text` at `em` pixels per em.
    pub(crate) fn width(&self, text: &str, em: f64, bold: bool) -> f64 {
        let face = self.face(bold);
        let units: f32 = text.chars().map(|c| face.h_advance_unscaled(face.glyph_id(c))).sum();
        f64::from(units) * em / self.units_per_em(bold)
    }

    /// `text`, cut short with an ellipsis so it fits in `max_width`.
    pub(crate) fn fit(&self, text: &str, em: f64, bold: bool, max_width: f64) -> String {
        if self.width(text, em, bold) <= max_width {
            return text.to_string();
        }
        let room = max_width - self.width("…", em, bold);
        let mut used = 0.0;
        let mut end = 0;
        for (i, c) in text.char_indices() {
            let mut buf = [0u8; 4];
            used += self.width(c.encode_utf8(&mut buf), em, bold);
            if used > room {
                break;
            }
            end = i + c.len_utf8();
        }
        if end == 0 {
            return String::new();
        }
        format!("{}…", text[..end].trim_end())
    }

    /// The plotters font size that draws glyphs `em` pixels per em on the bitmap backend.
    /// plotters' ab_glyph text scales by the font's ascent-to-descent height, not its em.
    pub(crate) fn bitmap_size(&self, em: f64, bold: bool) -> f64 {
        let face = self.face(bold);
        em * f64::from(face.height_unscaled()) / self.units_per_em(bold)
    }
}

/// The plotters font size that SVG viewers draw at `em` pixels per em: plotters writes
/// `font-size` as its size divided by 1.24.
pub(crate) fn svg_size(em: f64) -> f64 {
    em * 1.24
}

/// How far below the top of the text box its baseline sits, in em, on either backend
/// (0.724 em for bitmap text in this font, 0.76 em for SVG's `dy`).
pub(crate) const BASELINE: f64 = 0.74;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_has_latin_kana_and_kanji() -> Result<()> {
        let f = fonts()?;
        for c in "NSG Flow Log Traffic (許可) 拒否 ひらがな カタカナ 0123456789%…·".chars() {
            assert_ne!(f.regular.glyph_id(c).0, 0, "no regular glyph for {c:?}");
            assert_ne!(f.bold.glyph_id(c).0, 0, "no bold glyph for {c:?}");
        }
        // Kanji are full-width: one em each.
        assert!((f.width("許可", 10.0, false) - 20.0).abs() < 0.5);
        assert!(f.width("Allow", 10.0, false) < f.width("Allow", 10.0, true) + 5.0);
        Ok(())
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() -> Result<()> {
        let f = fonts()?;
        let cut = f.fit("a very long series name that cannot fit", 14.0, false, 100.0);
        assert!(cut.ends_with('…'));
        assert!(f.width(&cut, 14.0, false) <= 100.0);
        assert_eq!(f.fit("short", 14.0, false, 100.0), "short");
        Ok(())
    }
}
