"""Subset Noto Sans CJK JP to Latin + kana + JIS X 0208 level-1 kanji for chart text.

Usage: python3 make_subset.py NotoSansCJK-Regular.ttc out.otf  (needs fontTools)
"""
import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

src, dst = sys.argv[1], sys.argv[2]

cps = set()
def rng(a, b):
    cps.update(range(a, b + 1))

rng(0x0020, 0x007E)   # Basic Latin
rng(0x00A0, 0x017F)   # Latin-1 Supplement, Latin Extended-A
rng(0x2010, 0x205E)   # General Punctuation
rng(0x2070, 0x209F)   # super/subscripts
rng(0x20A0, 0x20C0)   # currency
rng(0x2100, 0x214F)   # letterlike (e.g. numero, trade mark)
rng(0x2190, 0x21FF)   # arrows
rng(0x2200, 0x22FF)   # mathematical operators
rng(0x2460, 0x24FF)   # enclosed alphanumerics
rng(0x2500, 0x257F)   # box drawing
rng(0x25A0, 0x25FF)   # geometric shapes
rng(0x3000, 0x303F)   # CJK symbols and punctuation
rng(0x3040, 0x309F)   # Hiragana
rng(0x30A0, 0x30FF)   # Katakana
rng(0x31F0, 0x31FF)   # Katakana phonetic extensions
rng(0xFF00, 0xFFEF)   # half-width and full-width forms

# Kanji: every character of JIS X 0208 level 1 (rows 16-47), the set in common
# Japanese use; it contains nearly all of the Joyo kanji.
for hi in range(0xB0, 0xD0):
    for lo in range(0xA1, 0xFF):
        try:
            ch = bytes([hi, lo]).decode("euc_jp")
        except UnicodeDecodeError:
            continue
        cps.add(ord(ch))
# Non-kanji symbols of JIS X 0208 rows 1-8 (punctuation, Greek, Cyrillic, box drawing).
for hi in range(0xA1, 0xA9):
    for lo in range(0xA1, 0xFF):
        try:
            ch = bytes([hi, lo]).decode("euc_jp")
        except UnicodeDecodeError:
            continue
        cps.add(ord(ch))

font = TTCollection(src).fonts[0]  # Noto Sans CJK JP
opts = subset.Options()
opts.layout_features = []
opts.hinting = False
opts.name_IDs = ["*"]
opts.name_languages = ["*"]
opts.notdef_outline = True
opts.glyph_names = False
opts.drop_tables += ["DSIG", "GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
sub = subset.Subsetter(opts)
sub.populate(unicodes=sorted(cps))
sub.subset(font)
font.save(dst)
print(len(cps), "code points")
