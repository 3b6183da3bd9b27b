"""Compares LibreOffice's rendering of a bulletin DOCX with bulletin's own PDF of the same
official document (GB/T 9704-2012), from glyph and rule positions (pdfplumber).

Usage: compare_rendered_docx.py BULLETIN.pdf LIBREOFFICE.pdf SPEC.json
SPEC.json: {"left", "right": type area in mm; "body_size": 16; "title_size": 22;
            "number_size": 16}
Checks, each within its tolerance:
- the same number of pages;
- per page, the same number of body lines (lines of body-size characters);
- the title's lines (title-size characters on page 1) read the same;
- every long rule (the red rule under the number, the 版记's rules) spans the type area
  within 1 pt at each end;
- the red rule lies 4 +- 0.5 mm under the document number's em box (7.2.5).
Prints a JSON report and exits 1 listing what is off.
"""
import json
import sys

import pdfplumber

MM = 72 / 25.4


def body_lines(page, size):
    rows = set()
    for c in page.chars:
        if not c["text"].isspace() and abs(c["size"] - size) < 0.6:
            rows.add(round(c["top"]))
    # Lines closer than a third of the size are one line (substitute fonts shift glyphs).
    merged = []
    for top in sorted(rows):
        if not merged or top - merged[-1] > size / 3:
            merged.append(top)
    return len(merged)


def title_lines(page, size):
    rows = {}
    for c in page.chars:
        if not c["text"].isspace() and abs(c["size"] - size) < 0.6:
            rows.setdefault(round(c["top"] / 4), []).append(c)
    return ["".join(c["text"] for c in sorted(v, key=lambda c: c["x0"])) for _, v in sorted(rows.items())]


def rules(page):
    out = []
    for r in page.rects + page.lines:
        if r["x1"] - r["x0"] > 100 and r["bottom"] - r["top"] < 3:
            colour = r.get("non_stroking_color") or r.get("stroking_color") or (0,)
            red = isinstance(colour, (list, tuple)) and len(colour) == 3 and colour[0] > 0.5 and colour[1] < 0.3
            out.append({"x0": r["x0"], "x1": r["x1"], "y": (r["top"] + r["bottom"]) / 2, "red": red})
    return out


def main():
    ours, theirs, spec_path = sys.argv[1:4]
    spec = json.load(open(spec_path))
    left, right = spec["left"] * MM, spec["right"] * MM
    bad = []
    report = {}
    with pdfplumber.open(ours) as a, pdfplumber.open(theirs) as b:
        report["pages"] = [len(a.pages), len(b.pages)]
        if len(a.pages) != len(b.pages):
            bad.append(f"{len(a.pages)} pages in the PDF, {len(b.pages)} in LibreOffice's")
        report["body_lines"] = []
        for i, (pa, pb) in enumerate(zip(a.pages, b.pages), 1):
            na, nb = body_lines(pa, spec["body_size"]), body_lines(pb, spec["body_size"])
            report["body_lines"].append([na, nb])
            if na != nb:
                bad.append(f"page {i}: {na} body lines in the PDF, {nb} in LibreOffice's")
        ta = title_lines(a.pages[0], spec["title_size"])
        tb = title_lines(b.pages[0], spec["title_size"])
        report["title"] = [ta, tb]
        if ta != tb:
            bad.append(f"title lines differ: {ta} / {tb}")
        report["rules"] = []
        for i, page in enumerate(b.pages, 1):
            for r in rules(page):
                report["rules"].append([i, round(r["x0"], 1), round(r["x1"], 1), round(r["y"], 1), r["red"]])
                if abs(r["x0"] - left) > 1 or abs(r["x1"] - right) > 1:
                    bad.append(f"page {i}: rule from {r['x0']:.1f} to {r['x1']:.1f} pt, type area {left:.1f} to {right:.1f}")
                if r["red"]:
                    number = [c for c in page.chars if abs(c["size"] - spec["number_size"]) < 0.6 and c["bottom"] < r["y"] and r["y"] - c["bottom"] < 40]
                    if not number:
                        bad.append(f"page {i}: no document number above the red rule")
                        continue
                    # The em box's foot: the glyph box's bottom as the PDF states it.
                    gap = (r["y"] - max(c["bottom"] for c in number)) / MM
                    report["red_rule_gap_mm"] = round(gap, 2)
                    if abs(gap - 4) > 0.5:
                        bad.append(f"page {i}: the red rule is {gap:.2f} mm under the number, not 4")
    print(json.dumps(report, ensure_ascii=False))
    if bad:
        print("\n".join(bad), file=sys.stderr)
        sys.exit(1)


main()
