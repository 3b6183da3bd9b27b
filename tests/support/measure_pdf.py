"""Measures a PDF written by bulletin from its glyph positions (pdfplumber) and checks the
typesetting rules of clreq that a reader sees.

Usage: measure_pdf.py FILE.pdf RULES.json
RULES.json: {"left", "right", "top", "bottom": text area in pt,
             "no_start": "...", "no_end": "...": characters that must not start / end a line,
             "closing": "...", "opening": "...": full-width marks whose blank may be compressed,
             "measures": [[left, right, font], ...]: the measures paragraphs are justified on,
             with the font (a substring of its name) that tells the paragraph kinds apart}
Checks, over every line of every page:
  - no line starts with a no_start mark or ends with a no_end mark;
  - a justified line (one followed by a line of its paragraph) ends at the right edge within 0.5 pt;
  - no glyph's ink lies outside the text area (running header and footer lines excepted,
    which must lie wholly outside it);
  - glyph boxes in a line do not overlap, except where punctuation was compressed.
  - pages: no paragraph leaves its first line alone at a page's foot (orphan) or its last line
    alone at a page's head (widow); no heading (set in `heading_font`) ends a page;
  - body lines (body size, `body_font`) sit on one baseline grid of `pitch` across all pages.
Prints a JSON summary; exits 1 when any rule is broken.
"""
import json
import sys

import pdfplumber

TOL = 0.5


def lines_of(page):
    rows = {}
    for c in page.chars:
        if c["text"].isspace():
            continue
        # The baseline, which a line's characters share whatever their font.
        key = (-round(c["matrix"][5], 1), round(c["size"], 1))
        rows.setdefault(key, []).append(c)
    out = []
    for (_, size), chars in sorted(rows.items(), key=lambda kv: kv[0][0]):
        chars.sort(key=lambda c: c["x0"])
        # The em box of the line's CJK characters (a Latin face's box has other proportions).
        cjk = [c for c in chars if not c["fontname"].split("+")[-1].startswith("Liberation")] or chars
        out.append({"size": size, "chars": chars, "top": min(c["top"] for c in cjk),
                    "bottom": max(c["bottom"] for c in cjk),
                    "baseline": page.height - chars[0]["matrix"][5]})
    return out


def font_of(line):
    """The font a line is set in: its first character's not in a Latin face (digits and Latin
    words are set in Liberation Serif or Sans beside every CJK face), else its first one's."""
    for c in line["chars"]:
        if not c["fontname"].split("+")[-1].startswith("Liberation"):
            return c["fontname"]
    return line["chars"][0]["fontname"]


def latin(c):
    return c["fontname"].split("+")[-1].startswith("Liberation")


def in_font(fontname, spec):
    """Whether `fontname` is one of the names in `spec`, "Song|LiberationSerif"."""
    return any(name in fontname for name in spec.split("|"))


def ink(c, rules):
    """Horizontal extent of a glyph's ink: compressible marks have half an em of blank."""
    x0, x1, half = c["x0"], c["x1"], c["size"] / 2
    if c["text"] in rules["closing"]:
        x1 -= half
    elif c["text"] in rules["opening"]:
        x0 += half
    return x0, x1


def main():
    path, rules_path = sys.argv[1], sys.argv[2]
    rules = json.load(open(rules_path, encoding="utf-8"))
    left, right, top, bottom = rules["left"], rules["right"], rules["top"], rules["bottom"]
    punct = set(rules["closing"]) | set(rules["opening"]) | set(rules["no_start"]) | set(rules["no_end"])
    violations = []
    counts = {"pages": 0, "lines": 0, "justified": 0, "chars": 0}
    with pdfplumber.open(path) as pdf:
        body = []  # (page number, line) in reading order, furniture excluded
        for pno, page in enumerate(pdf.pages, 1):
            counts["pages"] += 1
            for line in lines_of(page):
                inside = line["bottom"] > top + TOL and line["top"] < bottom - TOL
                text = "".join(c["text"] for c in line["chars"])
                if not inside:
                    continue  # running header or footer, wholly outside the text area
                if line["top"] < top - 1 or line["bottom"] > bottom + 1:
                    violations.append(f"p{pno}: line crosses the text area's top or bottom: {text}")
                body.append((pno, line))
        for i, (pno, line) in enumerate(body):
            chars = line["chars"]
            text = "".join(c["text"] for c in chars)
            counts["lines"] += 1
            counts["chars"] += len(chars)
            if text[0] in rules["no_start"]:
                violations.append(f"p{pno}: line starts with {text[0]}: {text}")
            if text[-1] in rules["no_end"]:
                violations.append(f"p{pno}: line ends with {text[-1]}: {text}")
            for c in chars:
                x0, x1 = ink(c, rules)
                if x0 < left - TOL or x1 > right + TOL:
                    violations.append(f"p{pno}: glyph {c['text']} outside the text area ({x0:.2f}..{x1:.2f}): {text}")
            for a, b in zip(chars, chars[1:]):
                if a["text"] in punct or b["text"] in punct:
                    continue
                # Kerning in a Latin face draws pairs such as "Te" closer than their advance
                # boxes (up to a fifth of an em in Liberation Serif and Sans).
                kern = 0.2 * a["size"] if latin(a) and latin(b) else 0.0
                if b["x0"] < a["x1"] - TOL - kern:
                    violations.append(f"p{pno}: glyphs {a['text']}{b['text']} overlap by {a['x1'] - b['x0']:.2f}pt: {text}")
            # Justified: the next line is the continuation of a paragraph set on one of the
            # template's measures (it starts exactly at that measure's left edge, and this line
            # starts at or after it), so this line must reach that measure's right edge.
            if i + 1 < len(body):
                nxt = body[i + 1][1]
                same_size = abs(nxt["size"] - line["size"]) < 0.05
                near = body[i + 1][0] == pno and nxt["top"] - line["bottom"] < 1.5 * line["size"]
                wrapped = body[i + 1][0] == pno + 1 and line["bottom"] > bottom - 2.5 * line["size"]
                for m_left, m_right, m_font in rules["measures"]:
                    if not (same_size and (near or wrapped)):
                        break
                    if abs(nxt["chars"][0]["x0"] - m_left) > TOL or chars[0]["x0"] < m_left - TOL:
                        continue
                    if not in_font(font_of(line), m_font) or not in_font(font_of(nxt), m_font):
                        continue
                    if ink(nxt["chars"][0], rules)[0] > m_left + TOL:
                        continue
                    counts["justified"] += 1
                    last = chars[-1]
                    end = ink(last, rules)[1] if last["text"] in rules["closing"] else last["x1"]
                    slack = last["size"] / 2 if last["text"] in rules["closing"] else 0
                    if not (m_right - TOL - slack <= end <= m_right + TOL):
                        violations.append(f"p{pno}: justified line ends at {end:.2f}, not {m_right:.2f}: {text}")
                    break
        check_pages(body, rules, violations, counts)
    print(json.dumps({"counts": counts, "violations": violations[:50]}, ensure_ascii=False, indent=1))
    sys.exit(1 if violations else 0)


def check_pages(body, rules, violations, counts):
    left, indent, size = rules["left"], rules["indent"], rules["body_size"]

    def is_body(line):
        return abs(line["size"] - size) < 0.05 and in_font(font_of(line), rules["body_font"])

    def starts(line, x):
        return abs(line["chars"][0]["x0"] - x) < TOL

    residues = []
    for i, (pno, line) in enumerate(body):
        nxt = body[i + 1] if i + 1 < len(body) else None
        page_ends = nxt is None or nxt[0] != pno
        if is_body(line):
            residues.append(line["baseline"] - rules["top"])
        if nxt is None or not page_ends:
            continue
        counts["page_breaks"] = counts.get("page_breaks", 0) + 1
        first = nxt[1]
        if is_body(line) and starts(line, left + indent) and is_body(first) and starts(first, left):
            violations.append(f"p{pno}: orphan: a paragraph's first line alone at the page foot")
        if in_font(font_of(line), rules["heading_font"]) and not is_body(line):
            violations.append(f"p{pno}: a heading ends the page: {''.join(c['text'] for c in line['chars'])}")
        if is_body(first) and starts(first, left):
            after = body[i + 2][1] if i + 2 < len(body) and body[i + 2][0] == nxt[0] else None
            if after is None or not (is_body(after) and starts(after, left)):
                # The continuation on the new page is the paragraph's last line: a widow,
                # unless the page holds nothing else (a one-line ending at the very end).
                if after is not None:
                    violations.append(f"p{nxt[0]}: widow: a paragraph's last line alone at the page head")
    pitch = rules["pitch"]
    if residues:
        base = residues[0] % pitch
        for offset in residues:
            r = (offset - base) % pitch
            if min(r, pitch - r) > 0.1:
                violations.append(f"body line off the baseline grid by {min(r, pitch - r):.2f}pt")
                break


if __name__ == "__main__":
    main()
