"""Independent checks of a DOCX written by bulletin, used by tests/cli.rs.

Usage: check_docx.py FILE.docx EXPECTED.json
EXPECTED.json holds {"paragraphs": [...], "title": "..."}: every paragraph must appear,
in order, as the text of a document paragraph or table cell.

Checks: python-docx opens it; every expected paragraph is present in order; every paragraph
style resolves to an East Asian font (w:eastAsia) and a size; property elements appear in
WordprocessingML schema order; relationship ids resolve; external relationship targets are
URIs (RFC 3986 characters only); every face a part names in w:rFonts (w:ascii, w:hAnsi,
w:eastAsia, w:cs) is declared in word/fontTable.xml (ECMA-376 Part 1, 17.8.3); core
properties carry the title. Prints "ok" or raises.
"""
import json
import re
import sys
import zipfile

import docx
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# RFC 3986: unreserved and reserved characters, and percent-encoded octets.
URI = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+"

# Child order from the ECMA-376 schema (CT_PPrBase, CT_RPr, CT_SectPr, ...), the subset
# bulletin may write.
ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
            "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
            "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
            "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
            "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
            "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"],
    "trPr": ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
             "tblHeader", "tblCellSpacing", "jc", "hidden"],
    "style": ["name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
              "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
              "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr"],
    "lvl": ["start", "numFmt", "lvlRestart", "pStyle", "isLgl", "suff", "lvlText", "lvlPicBulletId",
            "legacy", "lvlJc", "pPr", "rPr"],
}


def local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def check_order(root, part):
    for parent, order in ORDER.items():
        for el in root.iter("{%s}%s" % (W, parent)):
            names = [local(c.tag) for c in el if isinstance(c.tag, str)]
            unknown = [n for n in names if n not in order]
            assert not unknown, f"{part}: <w:{parent}> has elements the checker does not know: {unknown}"
            idx = [order.index(n) for n in names]
            assert idx == sorted(idx), f"{part}: <w:{parent}> children out of schema order: {names}"


def main():
    path, expected_path = sys.argv[1], sys.argv[2]
    expected = json.load(open(expected_path, encoding="utf-8"))
    d = docx.Document(path)
    texts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    # Every expected paragraph in order (tables are appended after body paragraphs, so
    # check order only among body paragraphs and presence for the rest).
    body_texts = [p.text for p in d.paragraphs]
    pos = 0
    for want in expected["paragraphs"]:
        if want in body_texts[pos:]:
            pos = body_texts.index(want, pos) + 1
        else:
            assert want in texts, f"paragraph missing from the DOCX: {want[:40]}"

    assert d.core_properties.title == expected["title"], d.core_properties.title

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for part in [n for n in names if n.startswith("word/") and n.endswith(".xml")]:
            check_order(etree.fromstring(z.read(part)), part)
        styles = etree.fromstring(z.read("word/styles.xml"))
        style_fonts = {}
        for st in styles.iter("{%s}style" % W):
            fonts = st.find(".//{%s}rFonts" % W)
            size = st.find(".//{%s}sz" % W)
            style_fonts[st.get("{%s}styleId" % W)] = (fonts, size)
        document = etree.fromstring(z.read("word/document.xml"))
        for p in document.iter("{%s}p" % W):
            ps = p.find("{%s}pPr/{%s}pStyle" % (W, W))
            sid = ps.get("{%s}val" % W) if ps is not None else "Normal"
            fonts, size = style_fonts[sid]
            assert fonts is not None and fonts.get("{%s}eastAsia" % W), f"style {sid} has no East Asian font"
            assert size is not None, f"style {sid} has no size"
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        ids = {r.get("Id"): r for r in rels}
        for el in document.iter():
            for attr in ("{%s}id" % R, "{%s}embed" % R):
                rid = el.get(attr)
                if rid is not None:
                    assert rid in ids, f"dangling relationship {rid}"
                    rel = ids[rid]
                    if rel.get("TargetMode") != "External":
                        assert "word/" + rel.get("Target") in names, f"missing part {rel.get('Target')}"
        # ECMA-376 Part 2, 9.3: a target is an xsd:anyURI; Word refuses the file otherwise.
        for rel in rels:
            if rel.get("TargetMode") == "External":
                target = rel.get("Target")
                assert re.fullmatch(URI, target), \
                    f"link target is not a URI: {target!r}"
        # Every face named anywhere is declared in the font table.
        table = etree.fromstring(z.read("word/fontTable.xml"))
        declared = {f.get("{%s}name" % W) for f in table.iter("{%s}font" % W)}
        for part in sorted(n for n in names if n.startswith("word/") and n.endswith(".xml")):
            for fonts in etree.fromstring(z.read(part)).iter("{%s}rFonts" % W):
                for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
                    face = fonts.get("{%s}%s" % (W, slot))
                    assert face is None or face in declared, \
                        f"{part} names the face {face!r}, which word/fontTable.xml does not declare ({sorted(declared)})"
    print("ok")


if __name__ == "__main__":
    main()
