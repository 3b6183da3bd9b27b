"""Measures how a PDF's paragraphs end and how its justified lines reach the margin.

Usage: paragraph_ends.py FILE.pdf BODY_SIZE RIGHT_EDGE_PT
Body lines are the lines set at BODY_SIZE; a paragraph starts with a line indented (its first
character more than half an em right of the leftmost line start). Prints JSON:
  paragraphs   paragraphs seen;
  lone         paragraphs whose last line holds one character, its punctuation aside (孤字);
  justified    lines followed by another line of their paragraph;
  short        of those, lines whose ink ends more than 3 pt before RIGHT_EDGE_PT (a Mainland
               closing mark's ink lies in the left half of its em, so its end counts as x0 + em/2);
  squeezed     lines holding a mark (not at the line's end) whose next character starts less
               than 0.95 em after it: punctuation giving up its blank mid-line;
  widest       the widest gap between two adjacent Han characters in a justified line, in em.
"""
import json
import sys

import pdfplumber

CLOSING = "，。、；：？！”’）》」』"
MARKS = CLOSING + "“‘（《「『"

path, size, right = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = []
with pdfplumber.open(path) as pdf:
    for page in pdf.pages:
        lines = {}
        for c in page.chars:
            if abs(c["size"] - size) < 0.1 and not c["text"].isspace():
                lines.setdefault(-round(c["matrix"][5], 1), []).append(c)
        rows += [sorted(lines[k], key=lambda c: c["x0"]) for k in sorted(lines)]
left = min(r[0]["x0"] for r in rows)
report = {"paragraphs": 0, "lone": 0, "justified": 0, "short": 0, "squeezed": 0, "widest": 0.0}


def han(c):
    return "\u4e00" <= c["text"] <= "\u9fff"


for i, row in enumerate(rows):
    if row[0]["x0"] > left + size / 2:
        report["paragraphs"] += 1
    following = rows[i + 1] if i + 1 < len(rows) else None
    if following is None or following[0]["x0"] > left + size / 2:
        if sum(1 for c in row if c["text"] not in MARKS) <= 1:
            report["lone"] += 1
        continue
    report["justified"] += 1
    last = row[-1]
    end = last["x0"] + size / 2 if last["text"] in CLOSING else last["x1"]
    if end < right - 3:
        report["short"] += 1
    gaps = [(b["x0"] - a["x1"]) / size for a, b in zip(row, row[1:]) if han(a) and han(b)]
    report["widest"] = round(max([report["widest"]] + gaps), 3)
    if any(a["text"] in MARKS and b["text"] not in MARKS and b["x0"] - a["x0"] < 0.95 * size
           for a, b in zip(row, row[1:])):
        report["squeezed"] += 1
print(json.dumps(report))
