"""Sets the same articles with bulletin and with Typst and compares the two from the PDFs.

    python3 scripts/compare_typst.py OUTDIR [--bulletin PATH]   # default: target/release/bulletin

Needs Python 3.11+, pdfplumber, Pillow, PyYAML, pdftoppm (poppler-utils) and, for the Typst
column, `pip install typst` (without it the column says "not installed").

Corpus (deterministic): the Chinese records of examples/*.json and *.yaml, plus 20 articles of
6-12 paragraphs of 2-6 sentences drawn (seed 2025) from examples/nmg-sthjt-2025-02-18.json, with
a url (so bulletin prints a QR code), on A4 (templates/bulletin.toml); examples/english-notice.json
and a generated English article on A5 (templates/leaflet.toml, bulletin `--template leaflet`).
A record either cannot set is skipped and named. Typst reads page, margins, fonts (fonts/Fandol*, and
Liberation Serif/Sans for Latin text as bulletin sets it, `covers: "latin-in-cjk"`),
sizes, line pitch, spacing and indents from the same template files (sys.inputs carry template
and record as JSON); it has no baseline grid and no QR code.

Both PDFs are measured alike from glyph positions (pdfplumber). Lines outside the text area
(running header, footer) are dropped; body lines are those in the body font and size. A body
line 2 em in starts a paragraph (unless it starts with a list marker "1." or "•"), one at the
left margin continues it (across pages too), any other line ends it. The markdown table gives:
  1. paragraphs whose last line is a single character (孤字), or one character and its
     punctuation ("障。"), out of all paragraphs;
  2. justified lines (followed by a line of their paragraph) whose ink ends more than 3 pt
     short of the right margin (a closing mark's ink taken to end half an em after its start);
  3. the widest gap between adjacent Han characters in a justified line (em; natural is 0), and
     the justified lines with such a gap over 0.1 em;
  4. English on A5: the widest and the median word space in justified lines (em);
  5. articles whose last page holds only the QR code and its caption (bulletin only).
Writes OUTDIR/records (generated records), OUTDIR/{bulletin,typst}/TEMPLATE/ID.pdf and
OUTDIR/compare.png (page 1 of the nmg-sthjt sample, bulletin left, Typst right).
"""
import argparse, collections, json, pathlib, random, re, statistics, subprocess, time, tomllib, unicodedata

import pdfplumber
import yaml
from PIL import Image

CLOSING = "，。、；：？！”’）》」』"

try:
    import typst
except ImportError:
    typst = None

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples/nmg-sthjt-2025-02-18.json"
SIZES = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
         "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9, "六号": 7.5}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MARKER = re.compile(r"^(•|\d+\.)")
ENGLISH = """The plan sets out how grassland will be monitored over the next five years.
Herders, local governments and research institutes will share the work.
Satellite images and field surveys will be compared every spring and autumn.
Where vegetation cover falls below the target, grazing will be reduced for a season.
Degraded land will be reseeded with native grasses collected in the region.
The Department will publish the results of each survey on its website.""".splitlines()
TYPST = """
#let t = json(bytes(sys.inputs.template))
#let r = json(bytes(sys.inputs.record))
#let serif = (name: "Liberation Serif", covers: "latin-in-cjk")
#let sans = (name: "Liberation Sans", covers: "latin-in-cjk")
#let fam = (song: (serif, "FandolSong"), hei: (sans, "FandolHei"), kai: (serif, "FandolKai"),
  fang: (serif, "FandolFang R"))
#let styled(name, body) = {
  let s = t.styles.at(name)
  let lead = (s.lh - 1) * s.size * 1pt
  block(width: 100%, above: lead + s.before * 1pt, below: lead + s.after * 1pt,
        inset: (left: s.side * s.size * 1pt, right: s.right * s.size * 1pt), {
    set text(font: fam.at(s.family), size: s.size * 1pt, fill: rgb(s.color),
             weight: if s.bold { "bold" } else { "regular" })
    set par(leading: lead, spacing: lead, justify: s.align == "justify",
            first-line-indent: (amount: s.indent * 1em, all: true))
    let body = if type(body) == str { par(body) } else { body }
    align(if s.align == "center" { center } else { left }, body)
  })
}
#let furniture(dy, txt, s) = place(top + center, dy: dy * 1pt - 0.88 * s.size * 1pt,
  text(font: fam.at(s.family), size: s.size * 1pt, fill: rgb(s.color), txt))
#set page(width: t.page.w * 1pt, height: t.page.h * 1pt, margin: (top: t.page.mt * 1pt,
  bottom: t.page.mb * 1pt, left: t.page.ml * 1pt, right: t.page.mr * 1pt), background: context {
  if r.header != "" { furniture(t.page.hb, r.header, t.header)
    place(dx: t.page.ml * 1pt, dy: t.page.hb * 1pt + 4pt,
          line(length: 100% - (t.page.ml + t.page.mr) * 1pt, stroke: 0.5pt + gray)) }
  let (n, total) = (counter(page).get().first(), counter(page).final().first())
  furniture(t.page.h - t.page.fb, r.footer.replace("{page}", str(n)).replace("{pages}", str(total)), t.footer)
})
#set text(lang: r.lang, region: r.region, top-edge: 0.88em, bottom-edge: -0.12em)
#for (k, v) in (breadcrumb: r.breadcrumb, title: r.title, subtitle: r.subtitle, meta: r.meta) {
  if v != "" { styled(k, v) }
}
#for b in r.blocks {
  if b.type == "heading" { styled("heading" + str(calc.min(b.level, 3)), b.text) }
  else if b.type == "quote" { styled("quote", b.text) }
  else if b.type == "list" { for it in b.items { styled("list", par(hanging-indent: 2em, it)) } }
  else if b.type == "table" { styled("table", table(columns: b.ncols, ..b.cells.map(c =>
    table.cell(rowspan: c.rowspan, colspan: c.colspan, c.text)))) }
  else if b.type == "image" { block(width: 100%, image(b.path, width: 100%)) }
  else { styled("body", b.at("text", default: "")) }
  if b.at("caption", default: "") != "" { styled("caption", b.caption) }
}
#for it in r.attachments { styled("list", it) }
"""


def pt(v):
    return SIZES.get(v) or float(v[:-2]) * (72 / 25.4 if v.endswith("mm") else 1)


def load_template(name):
    """The numbers of templates/NAME.toml, lengths in pt, as the Typst source reads them."""
    t = tomllib.loads((ROOT / f"templates/{name}.toml").read_text(encoding="utf-8"))
    page = {k: pt(t["page"][f]) for k, f in [("w", "width"), ("h", "height"), ("mt", "margin_top"),
            ("mb", "margin_bottom"), ("ml", "margin_left"), ("mr", "margin_right")]}
    page.update(hb=pt(t["header"]["baseline_from_edge"]), fb=pt(t["footer"]["baseline_from_edge"]))
    styles = {k: {"family": s["family"], "bold": s.get("bold", False), "size": pt(s["size"]),
                  "lh": s.get("line_height", 1.5), "align": s.get("align", "justify"),
                  "color": s.get("color", "#000000"), "before": pt(s.get("space_before", "0pt")),
                  "after": pt(s.get("space_after", "0pt")), "indent": s.get("first_line_indent", 0),
                  "side": s.get("side_indent", 0), "right": s.get("side_indent", 0) if k == "quote" else 0}
              for k, s in t["styles"].items()}
    fur = lambda s: {"family": s["family"], "size": pt(s["size"]), "color": s.get("color", "#000000")}
    return {"name": name, "page": page, "styles": styles, "labels": t["labels"],
            "header": fur(t["header"]["style"]), "footer": fur(t["footer"]["style"]),
            "header_text": t["header"]["text"], "footer_text": t["footer"]["text"]}


def typst_record(rec, base, tpl):
    """The record as the Typst source reads it: labels applied, tables flattened, paths absolute."""
    lang = rec.get("language", "zh-Hans")
    lab = tpl["labels"].get(lang, tpl["labels"]["zh-Hans"])
    rec = dict(rec, published=str(rec.get("published", "")).replace("T", " ")[:16])
    meta = [lab[k] + rec[k] for k in ("published", "source", "author") if rec.get(k)]
    blocks = []
    for b in map(dict, rec["body"]):
        if b["type"] == "list":
            b["items"] = [(f"{i}." if b.get("ordered") else "•") + it for i, it in enumerate(b["items"], 1)]
        elif b["type"] == "table":
            rows = [[c if isinstance(c, dict) else {"text": c} for c in row] for row in b["rows"]]
            b["ncols"] = sum(c.get("colspan", 1) for c in rows[0])
            b["cells"] = [{"rowspan": 1, "colspan": 1, **c, "text": str(c.get("text", ""))}
                          for row in rows for c in row]
        elif b["type"] == "image":
            b["path"] = str((base / b["path"]).resolve())
        blocks.append(b)
    att = [f"{i}.{a['name']}" for i, a in enumerate(rec.get("attachments", []), 1)]
    channel = lab["breadcrumb_separator"].join(rec.get("channel", []))
    return {"lang": lang.split("-")[0], "region": {"zh-Hans": "cn", "zh-Hant": "tw"}.get(lang),
            "title": rec["title"], "subtitle": rec.get("subtitle", ""), "meta": "\u3000\u3000".join(meta),
            "breadcrumb": lab["breadcrumb"] + channel if channel else "", "blocks": blocks,
            "header": tpl["header_text"].replace("{issuer}", rec.get("issuer", "")),
            "footer": lab.get("footer", tpl["footer_text"]), "attachments": [lab["attachments"]] + att if att else []}


def corpus(out):
    """[(record path, record, template name)]: the examples, then the generated articles."""
    recs = []
    for path in sorted((ROOT / "examples").glob("*.json")) + sorted((ROOT / "examples").glob("*.yaml")):
        text = path.read_text("utf-8")
        recs.append((path, json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)))
    sample = json.loads(SAMPLE.read_text("utf-8"))
    sentences = [s for b in sample["body"] for s in re.findall(r"[^。]+。?", b["text"])]
    rng = random.Random(2025)
    para = lambda pool, k, sep: {"type": "paragraph", "text": sep.join(rng.sample(pool, k))}
    gen = [dict(sample, id=f"gen-{i:02d}", title=f"生态环境工作动态（第{i}期）", url=f"{sample['url']}?{i}",
                body=[para(sentences, rng.randint(2, 6), "") for _ in range(rng.randint(6, 12))])
           for i in range(1, 21)]
    gen.append({"id": "en-generated", "title": "Grassland Monitoring: What Changes This Year", "language": "en",
                "channel": ["Home", "News"], "published": "2025-05-06 09:00", "source": "Department of Ecology",
                "url": "https://example.gov.cn/en/news/2025-05-06.html",
                "body": [para(ENGLISH, rng.randint(3, 5), " ") for _ in range(6)]})
    (out / "records").mkdir(parents=True, exist_ok=True)
    for rec in gen:
        recs.append((out / "records" / f"{rec['id']}.json", rec))
        recs[-1][0].write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
    return [(p, r, "leaflet" if r.get("language", "").startswith("en") else "bulletin") for p, r in recs]


def lines_of(pdf, tpl):
    """Lines inside the text area in reading order: chars (x order, no spaces), x0, x1, text, page, body?"""
    pg, size = tpl["page"], tpl["styles"]["body"]["size"]
    out = []
    for pno, page in enumerate(pdf.pages):
        rows = []
        for c in sorted(page.chars, key=lambda c: (-c["matrix"][5], c["x0"])):
            c["base"] = float(page.height) - c["matrix"][5]
            if rows and abs(c["base"] - rows[-1][0]["base"]) < 1:
                rows[-1].append(c)
            else:
                rows.append([c])
        for row in rows:
            row.sort(key=lambda c: c["x0"])
            ink = [c for c in row if not c["text"].isspace()]
            if not ink or not pg["mt"] < row[0]["base"] < pg["h"] - pg["mb"] + 1:
                continue  # running header or footer
            for a, b in zip(row, row[1:]):
                b["after_space"] = a["text"].isspace()
            font = collections.Counter(c["fontname"].split("+")[-1] for c in ink).most_common(1)[0][0]
            body = all(abs(c["size"] - size) < 0.1 for c in ink) and ("Song" in font or "LiberationSerif" in font) and "Bold" not in font
            out.append({"chars": ink, "x0": ink[0]["x0"], "x1": ink[-1]["x1"], "page": pno, "body": body,
                        "text": "".join(c["text"] for c in ink)})
    return out


def measure(pdf_path, tpl, qr_caption, m):
    """Adds the measures of one PDF to the totals m (see the docstring)."""
    pg, em = tpl["page"], tpl["styles"]["body"]["size"]
    left, right, qr_caption = pg["ml"], pg["w"] - pg["mr"], "".join(qr_caption.split())
    with pdfplumber.open(pdf_path) as pdf:
        lines, pages = lines_of(pdf, tpl), len(pdf.pages)
    last = [ln["text"] for ln in lines if ln["page"] == pages - 1]
    m["articles"], m["pages"] = m["articles"] + 1, m["pages"] + pages
    m["qr"] += qr_caption in last
    m["qr_only"] += qr_caption in last and all(t == qr_caption for t in last)
    paras, cur = [], None
    for ln in lines:
        start = ln["body"] and abs(ln["x0"] - left - 2 * em) <= 0.6 * em and not MARKER.match(ln["text"])
        cont = ln["body"] and abs(ln["x0"] - left) <= 0.6 * em
        if start or (cont and cur is None):
            paras.append(cur := [ln])
        elif cont:
            cur.append(ln)
        else:
            cur = None
    for p in paras:
        letters = sum(not unicodedata.category(ch).startswith("P") for ch in p[-1]["text"])
        m["paras"] += 1
        m["orphans"] += len(p) > 1 and len(p[-1]["chars"]) == 1
        m["orphans_p"] += len(p) > 1 and letters == 1
        for ln in p[:-1]:
            m["justified"] += 1
            # A closing mark's ink lies in the left half of its em (Mainland faces): a
            # full-width mark ending a line leaves half an em of blank before the margin.
            last = ln["chars"][-1]
            end = last["x0"] + em / 2 if last["text"] in CLOSING else ln["x1"]
            m["short"] += right - end > 3
            pairs = list(zip(ln["chars"], ln["chars"][1:]))
            gaps = [(b["x0"] - a["x1"]) / em for a, b in pairs if HAN.match(a["text"]) and HAN.match(b["text"])]
            m["gaps"] += gaps
            m["wide"] += bool(gaps) and max(gaps) > 0.1
            m["spaces"] += [(b["x0"] - a["x1"]) / em for a, b in pairs if not HAN.match(a["text"] + b["text"])
                            and (b.get("after_space") or b["x0"] - a["x1"] > 0.1 * em)]


ROWS = [("Pages (Chinese A4 + English A5)", lambda z, e: f"{z['pages']} + {e['pages']}"),
        ("孤字: paragraphs whose last line is one character", lambda z, e: f"{z['orphans']} / {z['paras']}"),
        ("... one character and its punctuation (\"障。\")", lambda z, e: f"{z['orphans_p']} / {z['paras']}"),
        ("Justified lines ending > 3 pt short of the margin", lambda z, e: f"{z['short']} / {z['justified']}"),
        ("Widest gap between adjacent Han in a justified line", lambda z, e: f"{max(z['gaps'] or [0]):.3f} em"),
        ("Justified lines with a Han gap > 0.1 em", lambda z, e: f"{z['wide']} / {z['justified']}"),
        ("English on A5: widest word space in a justified line", lambda z, e:
         f"{max(e['spaces'] or [0]):.3f} em (median {statistics.median(e['spaces'] or [0]):.3f})"),
        ("Articles whose last page holds only the QR code", lambda z, e:
         f"{z['qr_only'] + e['qr_only']} / {z['qr'] + e['qr']} with one")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=pathlib.Path)
    ap.add_argument("--bulletin", type=pathlib.Path, default=ROOT / "target/release/bulletin")
    args = ap.parse_args()
    if not args.bulletin.is_file():
        ap.error(f"no bulletin binary at {args.bulletin}: cargo build --release, or pass --bulletin PATH")
    started, out, skipped = time.time(), args.outdir, []
    tpls = {n: load_template(n) for n in ("bulletin", "leaflet")}
    engines = ["bulletin"] + (["typst"] if typst else [])
    keys = "articles pages qr qr_only paras orphans orphans_p justified short wide".split()
    acc = {e: {k: {**dict.fromkeys(keys, 0), "gaps": [], "spaces": []} for k in ("zh", "en")} for e in engines}
    compiler = typst and typst.Compiler(root="/", font_paths=[str(ROOT / "fonts")], ignore_system_fonts=True)
    for path, rec, tname in corpus(out):
        tpl, kind = tpls[tname], "en" if tname == "leaflet" else "zh"
        pdfs = {e: out / e / tname / f"{rec['id']}.pdf" for e in ("bulletin", "typst")}
        run = subprocess.run([str(args.bulletin), "convert", str(path), "--out", str(pdfs["bulletin"].parent),
                              "--formats", "pdf", "--template", tname, "--font-dir", str(ROOT / "fonts"), "-q"],
                             capture_output=True, text=True)
        if run.returncode:
            skipped.append(f"{path.name} (bulletin: {run.stderr.strip()[-200:]})")
            continue
        if typst:
            pdfs["typst"].parent.mkdir(parents=True, exist_ok=True)
            inputs = {"template": json.dumps(tpl), "record": json.dumps(typst_record(rec, path.parent, tpl))}
            try:
                compiler.compile(input=TYPST.encode(), output=str(pdfs["typst"]), sys_inputs=inputs)
            except typst.TypstError as err:
                skipped.append(f"{path.name} (Typst: {err.message})")
                continue
        caption = tpl["labels"].get(rec.get("language", "zh-Hans"), tpl["labels"]["zh-Hans"])["qr_caption"]
        for e in engines:
            measure(pdfs[e], tpl, caption, acc[e][kind])
    if typst:  # page 1 of the sample article, side by side
        for e in engines:
            subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-singlefile", "-png",
                            str(out / e / "bulletin" / f"{SAMPLE.stem}.pdf"), str(out / f"page1-{e}")], check=True)
        a, b = (Image.open(out / f"page1-{e}.png") for e in engines)
        canvas = Image.new("RGB", (a.width + b.width + 10, max(a.height, b.height)), "white")
        for x, img in ((0, a), (a.width + 10, b)):
            canvas.paste(img, (x, 0))
        canvas.save(out / "compare.png")
    z, e = acc["bulletin"]["zh"], acc["bulletin"]["en"]
    print(f"Corpus: {z['articles']} Chinese articles on A4 (bulletin.toml), {e['articles']} English on A5 "
          "(leaflet.toml)" + "".join(f"\nSkipped: {s}" for s in skipped))
    print("\n| Measure | bulletin | Typst |\n|---|---|---|")
    for label, fmt in ROWS:
        theirs = "not installed" if not typst else "n/a" if "QR" in label else fmt(*acc["typst"].values())
        print(f"| {label} | {fmt(z, e)} | {theirs} |")
    print(f"\n{time.time() - started:.1f} s; PDFs in {out}/bulletin" + f", {out}/typst, compare.png" * bool(typst))


if __name__ == "__main__":
    main()
