"""Measures an official document (GB/T 9704-2012) from its glyph and rule positions.

Usage: measure_gongwen.py FILE.pdf SPEC.json [--rendered-docx]
SPEC.json: {"left", "right", "top", "bottom": type area in mm; "lines": 22; "chars": 28;
            "body_size": 16; "number_size": 14; "number_gap": 7 (mm below the type area);
            "mark_top": 35 (mm below the type area's top), "full_page": page that must hold all lines}
Prints a JSON report and exits 1 listing what is off. Tolerance 0.5 mm. Lines of Chinese
that reach the right edge must hold exactly `chars` characters on the grid, a closing mark
hanging past the edge where it found no room ("hanging" counts those lines).

With --rendered-docx (a DOCX printed by LibreOffice, whose substitute fonts move glyphs a
little), only the counts are checked: at most `lines` body lines a page and exactly that many
on the full page; lines of Chinese characters only hold at most `chars` (counting compressed punctuation as half),
and at least ten hold exactly `chars`; the 版记's 印发 line ends within 3 mm of the type area's
foot on the last page.
"""
import json
import re
import sys

import pdfplumber

MM = 72 / 25.4
TOL = 0.5  # mm


def baseline(c):
    """A character's baseline, from the top of the page (pt): what a line's characters share
    whatever their font (a glyph box's top depends on the font's ascent and descent)."""
    return round(c["matrix"][5], 1)


def is_latin_face(c):
    return c["fontname"].split("+")[-1].startswith("Liberation")


def em_top(chars):
    """Top of a line's em box: its CJK characters' top (all of them if it has none)."""
    cjk = [c for c in chars if not is_latin_face(c)] or chars
    return min(c["top"] for c in cjk)


def lines_of(page):
    rows = {}
    for c in page.chars:
        if c["text"].isspace():
            continue
        rows.setdefault((-baseline(c), round(c["size"], 1)), []).append(c)
    out = []
    for (_, size), chars in sorted(rows.items()):
        chars.sort(key=lambda c: c["x0"])
        top = round(em_top(chars), 1)
        out.append({"top": top / MM, "size": size, "chars": chars, "text": "".join(c["text"] for c in chars)})
    return out


def rendered_docx(pdf_path, s):
    bad = []
    report = {"pages": [], "full_lines": 0}
    with pdfplumber.open(pdf_path) as pdf:
        for pno, page in enumerate(pdf.pages, 1):
            rows = {}
            for c in page.chars:
                if not c["text"].isspace() and abs(c["size"] - s["body_size"]) < 0.6 and c["top"] / MM < s["bottom"] + 2:
                    rows.setdefault(-round(baseline(c)), []).append(c)
            counts = [len(v) for _, v in sorted(rows.items())]
            report["pages"].append({"page": pno, "body_lines": len(rows), "chars": counts})
            if len(rows) > s["lines"]:
                bad.append(f"p{pno}: {len(rows)} lines")
            if pno == s["full_page"] and len(rows) != s["lines"]:
                bad.append(f"p{pno}: {len(rows)} lines on the full page, not {s['lines']}")
            for chars in rows.values():
                text = "".join(c["text"] for c in chars)
                if text.isascii() or any(ch.isascii() for ch in text):
                    continue
                # Compressed punctuation takes half a character: a line may hold one more
                # character for every two marks it compresses.
                marks = sum(1 for ch in text if ch in "，。、；：？！”’）》」』")
                if len(chars) - marks / 2 > s["chars"]:
                    bad.append(f"p{pno}: {len(chars)} characters in a line: {text}")
                if len(chars) == s["chars"]:
                    report["full_lines"] += 1
        # The 版记 sits at the foot of the last page's type area, not under the signature.
        last = pdf.pages[-1]
        printed = [w for w in last.extract_words() if w["text"].endswith("印发")]
        if not printed:
            bad.append("last page: no 印发 line")
        else:
            foot = printed[-1]["bottom"] / MM
            report["imprint_foot_mm"] = round(foot, 1)
            if abs(foot - s["bottom"]) > 3.0:
                bad.append(f"last page: the 印发 line ends at {foot:.1f} mm, not at the type area's foot ({s['bottom']} mm)")
    if report["full_lines"] < 10:
        bad.append(f"only {report['full_lines']} lines of {s['chars']} characters")
    report["violations"] = bad
    print(json.dumps(report, ensure_ascii=False))
    sys.exit(1 if bad else 0)


def main():
    pdf_path, spec_path = sys.argv[1], sys.argv[2]
    s = json.load(open(spec_path, encoding="utf-8"))
    if "--rendered-docx" in sys.argv:
        return rendered_docx(pdf_path, s)
    pitch = (s["bottom"] - s["top"]) / s["lines"]
    char_pitch = (s["right"] - s["left"]) / s["chars"]
    bad = []
    report = {"pages": [], "full_lines_28": 0}
    with pdfplumber.open(pdf_path) as pdf:
        n_pages = len(pdf.pages)
        for pno, page in enumerate(pdf.pages, 1):
            lines = lines_of(page)
            body = [l for l in lines if abs(l["size"] - s["body_size"]) < 0.05 and l["top"] < s["bottom"]]
            report["pages"].append({"page": pno, "body_lines": len(body)})
            if len(body) > s["lines"]:
                bad.append(f"p{pno}: {len(body)} body lines, more than {s['lines']}")
            for l in body:
                k = (l["top"] - s["top"]) / pitch
                if abs(k - round(k)) * pitch > TOL or not 0 <= round(k) < s["lines"]:
                    bad.append(f"p{pno}: line off the {s['lines']}-line grid at {l['top']:.2f}mm: {l['text'][:12]}")
                x0 = l["chars"][0]["x0"] / MM
                if x0 < s["left"] - TOL:
                    bad.append(f"p{pno}: text left of the type area at {x0:.2f}mm")
                # A full line: every character on the character grid, from edge to edge.
                xs = [c["x0"] / MM for c in l["chars"]]
                gaps = [b - a for a, b in zip(xs, xs[1:])]
                if gaps and abs(x0 - s["left"]) < TOL and all(abs(g - char_pitch) < 0.05 for g in gaps):
                    if abs(xs[-1] + char_pitch - s["right"]) < TOL:
                        report["full_lines_28"] += 1
                        if len(l["chars"]) != s["chars"]:
                            bad.append(f"p{pno}: full line of {len(l['chars'])} characters")
                # Every line of Chinese reaching the right edge holds exactly `chars` cells
                # (its indent counted) on the pitch: no push-in squeezing the grid, no push-out
                # spreading it. A closing mark that found no room hangs past the edge, at most
                # one character (Word's 允许标点溢出边界).
                text = l["text"]
                ends = l["chars"][-1]["x1"] / MM
                if not any(ord(ch) < 0x2000 for ch in text) and ends > s["right"] - TOL:
                    inside = [x for x in xs if x < s["right"] - char_pitch / 2]
                    hanging = len(xs) - len(inside)
                    cells = round((inside[0] - s["left"]) / char_pitch) + len(inside)
                    steps = [b - a for a, b in zip(inside, inside[1:])]
                    report["grid_lines"] = report.get("grid_lines", 0) + 1
                    if hanging:
                        report["hanging"] = report.get("hanging", 0) + 1
                    if cells != s["chars"] or any(abs(g - char_pitch) > 0.05 for g in steps):
                        bad.append(f"p{pno}: a full line off the {s['chars']}-character grid ({cells} cells): {text}")
                    if hanging > 1 or ends > s["right"] + char_pitch + TOL:
                        bad.append(f"p{pno}: more than one character past the margin: {text}")
            if pno == s["full_page"]:
                if len(body) != s["lines"]:
                    bad.append(f"p{pno}: {len(body)} body lines on a full page, not {s['lines']}")
                if not body or abs(body[0]["top"] - s["top"]) > TOL:
                    bad.append(f"p{pno}: first body line at {body[0]['top'] if body else None}mm, not {s['top']}mm")
                left_edges = [l["chars"][0]["x0"] / MM for l in body]
                if min(left_edges) - s["left"] > TOL:
                    bad.append(f"p{pno}: text starts at {min(left_edges):.2f}mm, not {s['left']}mm")
            # Page number: "— N —" 7 mm below the type area; odd right, even left, one character in.
            numbers = [l for l in lines if abs(l["size"] - s["number_size"]) < 0.05 and l["top"] > s["bottom"]]
            if len(numbers) != 1 or re.sub(r"\s", "", numbers[0]["text"]) != f"—{pno}—":
                bad.append(f"p{pno}: page number missing or wrong: {[l['text'] for l in numbers]}")
                continue
            num = numbers[0]
            if abs(num["top"] - (s["bottom"] + s["number_gap"])) > TOL:
                bad.append(f"p{pno}: page number at {num['top']:.2f}mm, not {s['bottom'] + s['number_gap']}mm")
            inset = s["number_size"] / MM
            if pno % 2:
                end = num["chars"][-1]["x1"] / MM
                if abs(end - (s["right"] - inset)) > TOL:
                    bad.append(f"p{pno}: odd page number ends at {end:.2f}mm, not {s['right'] - inset:.2f}mm")
            else:
                start = num["chars"][0]["x0"] / MM
                if abs(start - (s["left"] + inset)) > TOL:
                    bad.append(f"p{pno}: even page number starts at {start:.2f}mm, not {s['left'] + inset:.2f}mm")
        # Head on page 1: the red mark 35 mm below the type area's top, a red rule as wide
        # as the type area; tail on the last page: three rules, the lowest on the area's foot.
        first = pdf.pages[0]
        mark = [c for c in first.chars if c["size"] > 24]
        if not mark or abs(min(c["top"] for c in mark) / MM - (s["top"] + s["mark_top"])) > TOL:
            bad.append("p1: issuer mark not 35 mm below the type area's top")
        elif not all(tuple(round(v, 2) for v in c["non_stroking_color"]) == (0.88, 0.0, 0.0) for c in mark):
            bad.append(f"p1: issuer mark not red: {mark[0]['non_stroking_color']}")
        def rules(page):
            return [r for r in page.rects if abs(r["width"] / MM - (s["right"] - s["left"])) < TOL and r["height"] / MM < 1]
        red = [r for r in rules(first) if r.get("non_stroking_color") and r["non_stroking_color"][0] > 0.8 and r["non_stroking_color"][1] < 0.1]
        if len(red) != 1:
            bad.append(f"p1: expected one red rule as wide as the type area, found {len(red)}")
        last = rules(pdf.pages[-1])
        heights = sorted(round(r["height"] / MM, 2) for r in last)
        report["imprint_rules_mm"] = heights
        if heights != [0.25, 0.35, 0.35]:
            bad.append(f"last page: imprint rules {heights}, expected 0.35, 0.25, 0.35 mm")
        elif abs(max(r["bottom"] for r in last) / MM - s["bottom"]) > TOL:
            bad.append("last page: the imprint does not end on the type area's foot")
    if report["full_lines_28"] < 10:
        bad.append(f"only {report['full_lines_28']} full lines found to count")
    report["violations"] = bad
    print(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
