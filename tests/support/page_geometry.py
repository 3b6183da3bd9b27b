"""Prints, as JSON, each page of a PDF as its text lines and its rules, in mm from the page's
top left corner: lines grouped by baseline (text, x0, x1, each character's x0, baseline, size, fonts,
colour of the first character) and filled rectangles and paths (x0, x1, top, bottom, colour), as
pdfplumber reads them. Usage: page_geometry.py FILE.pdf"""
import json
import sys

import pdfplumber

MM = 72 / 25.4


def colour(c):
    if c is None:
        return None
    return [round(float(v), 2) for v in c] if isinstance(c, (list, tuple)) else [round(float(c), 2)]


pages = []
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        rows = {}
        for c in page.chars:
            rows.setdefault(round(page.height - c["matrix"][5], 1), []).append(c)
        lines = []
        for y in sorted(rows):
            row = sorted(rows[y], key=lambda c: c["x0"])
            lines.append({
                "text": "".join(c["text"] for c in row),
                "x0": round(row[0]["x0"] / MM, 2),
                "x1": round(row[-1]["x1"] / MM, 2),
                "xs": [round(c["x0"] / MM, 2) for c in row],
                "baseline": round(y / MM, 2),
                "size": round(row[0]["size"], 1),
                "fonts": [c["fontname"].split("+")[-1] for c in row],
                "colour": colour(row[0].get("non_stroking_color")),
            })
        rules = []
        for r in page.rects + page.curves:
            rules.append({
                "x0": round(r["x0"] / MM, 2),
                "x1": round(r["x1"] / MM, 2),
                "top": round(r["top"] / MM, 2),
                "bottom": round(r["bottom"] / MM, 2),
                "colour": colour(r.get("non_stroking_color")),
            })
        rules.sort(key=lambda r: r["top"])
        pages.append({"lines": lines, "rules": rules})
print(json.dumps(pages, ensure_ascii=False))
