"""Reads an OFD file with easyofd (an independent reader from PyPI) and prints JSON: the page
count, the text of each page in reading order, and, with --render DIR, renders the pages to
PDF with easyofd and to PNG with PyMuPDF for looking at.

    python3 read_ofd.py FILE.ofd [--render DIR]

easyofd draws every text object in the font it registers as 宋体 from a file simsun.ttc (on
Windows, SimSun), whatever font the OFD names. For rendering, this script gives it the OFD's
own largest embedded font under that name, so the picture shows the OFD's text at the OFD's
positions in the OFD's body face.
"""
import base64
import json
import os
import sys
import tempfile
import warnings
import zipfile


def give_easyofd_a_songti(path):
    with zipfile.ZipFile(path) as z:
        fonts = [i for i in z.infolist() if i.filename.lower().endswith(".ttf")]
        if not fonts:
            return
        body = max(fonts, key=lambda i: i.file_size)
        where = tempfile.mkdtemp(prefix="read-ofd-")
        with open(os.path.join(where, "simsun.ttc"), "wb") as f:
            f.write(z.read(body.filename))
    os.chdir(where)


if len(sys.argv) > 3 and sys.argv[2] == "--render":
    sys.argv[3] = os.path.abspath(sys.argv[3])
    sys.argv[1] = os.path.abspath(sys.argv[1])
    give_easyofd_a_songti(sys.argv[1])

warnings.filterwarnings("ignore")
from loguru import logger  # noqa: E402  (easyofd logs through loguru)

logger.remove()
from easyofd.ofd import OFD  # noqa: E402


def main():
    path = sys.argv[1]
    render = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--render" else None
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    # easyofd prints progress on stdout; keep stdout for the JSON answer.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        ofd = OFD()
        ofd.read(data, fmt="b64")
        doc = ofd.data[0]
        pages = []
        body = []
        for number in sorted(doc["page_info"]):
            texts = doc["page_info"][number].get("text_list") or []
            pages.append("".join(t.get("text", "") for t in texts))
            # The text area of an A4 page (running headers and footers left out), as read
            # from each text object's boundary (x, y, w, h in mm).
            body.append("".join(t.get("text", "") for t in texts if 21.2 < t["pos"][1] < 275.0))
        fonts = {k: v.get("FontFile") for k, v in (doc.get("fonts") or {}).items()}
        answer = {"pages": len(pages), "text": pages, "body": body, "fonts": fonts}
        if render:
            os.makedirs(render, exist_ok=True)
            pdf = ofd.to_pdf()
            with open(os.path.join(render, "easyofd.pdf"), "wb") as f:
                f.write(pdf)
            images = ofd.pdf2img(pdf)
            for i, image in enumerate(images):
                image.save(os.path.join(render, f"page-{i + 1}.png"))
            answer["rendered"] = len(images)
    finally:
        sys.stdout = real_stdout
    print(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
