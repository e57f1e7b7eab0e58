"""lms.diagrams: network diagrams compiled once and embedded as images in every format."""
from __future__ import annotations

import base64
import shutil

import pytest
from lxml import etree

from lms_shared import HW1, needs_shared, validate
from vgp_symbolic.homework import load_assignment
from vgp_symbolic.lms.canvas import canvas_files
from vgp_symbolic.lms.diagrams import problem_diagrams, tikz_png
from vgp_symbolic.lms.items import build
from vgp_symbolic.lms.moodle import moodle_xml
from vgp_symbolic.lms.qti21 import item_files
from vgp_symbolic.lms.variants import draw_variants

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None or
                                shutil.which("pdftoppm") is None,
                                reason="needs pdflatex and pdftoppm (TeX Live, poppler-utils)")

TIKZ = (r"\colorlet{vgpHi}{red!75!black}%" "\n"
        r"\begin{tikzpicture}[>=stealth]\node[circle,draw] (a) at (0,0) {$x_1$};"
        r"\node[circle,draw=vgpHi] (b) at (3,0) {$\hat{y}$};"
        r"\draw[->] (a) -- node[above] {$W$} (b);\end{tikzpicture}")


@pytest.fixture(scope="module")
def with_diagrams():
    """hw1 with a diagram given to problem 2 of each variant (as network problems list them)."""
    a = load_assignment(HW1)
    vs = draw_variants(a, 2)
    for i, v in enumerate(vs):
        v.set.problems[1].context["networks"] = [{"diagram": TIKZ.replace("W", f"0.{i + 1}")}]
    return a, build(a, vs)


@pytest.mark.slow
def test_one_compile_gives_one_png_per_diagram(with_diagrams):
    _, probs = with_diagrams
    ims = [im for v in probs[1].variants for im in v.images]
    assert [im.name for im in ims] == ["hw1_p2_v001_1.png", "hw1_p2_v002_1.png"]
    assert all(im.data.startswith(b"\x89PNG") for im in ims) and ims[0].data != ims[1].data
    # problem 5 (relu_network) is a network problem too: it has its own diagrams
    assert not any(v.images for p in probs if p.number not in (2, 5) for v in p.variants)
    assert all(v.images for v in probs[4].variants)
    assert problem_diagrams(probs[0].variants[0].problem) == []


@needs_shared
@pytest.mark.slow
def test_diagrams_are_embedded_in_every_format(with_diagrams, tmp_path):
    a, probs = with_diagrams
    m = etree.fromstring(moodle_xml(a, probs))
    q = m.xpath("//question[idnumber='hw1-p2-v002']")[0]
    f = q.find("questiontext/file")
    assert (f.get("name"), f.get("encoding")) == ("hw1_p2_v002_1.png", "base64")
    assert base64.b64decode(f.text) == probs[1].variants[1].images[0].data
    assert '<img src="@@PLUGINFILE@@/hw1_p2_v002_1.png"' in q.findtext("questiontext/text")
    (tmp_path / "m.xml").write_bytes(moodle_xml(a, probs))
    assert validate("moodle", tmp_path / "m.xml")[0] == 0
    files = item_files(a, probs)
    assert "images/hw1_p2_v001_1.png" in files
    for name, data in files.items():
        if name.endswith(".xml"):
            (tmp_path / name).write_bytes(data)
    code, out = validate("qti21", *sorted(tmp_path.glob("hw1*.xml")), tmp_path / "imsmanifest.xml")
    assert code == 0, out
    assert b'src="images/hw1_p2_v001_1.png"' in files["hw1_p2_v001.xml"]
    assert b'<file href="images/hw1_p2_v001_1.png" />' in files["imsmanifest.xml"]
    cf = canvas_files(a, probs)
    assert "web_resources/Quiz Files/hw1_p2_v002_1.png" in cf
    assert b"$IMS-CC-FILEBASE$/Quiz Files/hw1_p2_v002_1.png" in cf["hw1_quiz/hw1_quiz.xml"]


def test_a_diagram_that_does_not_compile_is_a_clear_error():
    from vgp_symbolic.lms import LmsError
    with pytest.raises(LmsError, match="do not compile"):
        tikz_png([r"\begin{tikzpicture}\undefinedmacro\end{tikzpicture}"])
