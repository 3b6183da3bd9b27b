"""Sets the sample article with Typst, using the same fonts, page and sizes as bulletin's
default template, and renders both PDFs' pages side by side for a visual comparison.

    pip install typst            # Python binding with the Typst compiler inside
    cargo run --release -- convert examples/nmg-sthjt-2025-02-18.json --out out/
    python3 scripts/compare_typst.py out/      # writes out/typst.pdf and out/compare-N.png

Needs pdftoppm (poppler-utils) and Pillow (installed with pdfplumber).
"""
import json
import pathlib
import subprocess
import sys

import typst
from PIL import Image

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "out")
record = json.loads((root / "examples/nmg-sthjt-2025-02-18.json").read_text(encoding="utf-8"))


def esc(s):
    return "".join("\\" + c if c in "\\#*_`$<>@[]=-+/~\"'" else c for c in s)


paras = "\n\n".join(esc(b["text"]) for b in record["body"])
doc = f"""
#set page(paper: "a4", margin: 25mm, footer: context align(center, text(size: 9pt, font: "FandolSong")[第 #counter(page).display() 页 共 #counter(page).final().first() 页]))
#set text(font: "FandolSong", size: 12pt, lang: "zh", region: "cn")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 9pt, spacing: 9pt)
#align(center, text(font: "FandolHei", weight: "bold", size: 22pt)[{esc(record["title"])}])
#align(center, text(size: 10.5pt, fill: rgb("#555555"))[发布时间：{esc(record["published"])}　　来源：{esc(record["source"])}])
#line(length: 100%, stroke: 0.75pt + rgb("#999999"))
{paras}
"""
out.mkdir(parents=True, exist_ok=True)
src = out / "typst-sample.typ"
src.write_text(doc, encoding="utf-8")
pdf = out / "typst.pdf"
typst.compile(str(src), output=str(pdf), font_paths=[str(root / "fonts")])
ours = out / "nmg-sthjt-2025-02-18.pdf"
for name, path in (("typst", pdf), ("bulletin", ours)):
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(out / f"cmp-{name}")], check=True)
for i in range(1, 4):
    pair = [out / f"cmp-bulletin-{i}.png", out / f"cmp-typst-{i}.png"]
    if not all(p.exists() for p in pair):
        continue
    a, b = (Image.open(p) for p in pair)
    canvas = Image.new("RGB", (a.width + b.width + 10, max(a.height, b.height)), "white")
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width + 10, 0))
    canvas.save(out / f"compare-{i}.png")
    print(out / f"compare-{i}.png")
