"""vgp export: Moodle XML, Canvas QTI 1.2 and QTI 2.1 — valid, like R/exams, deterministic."""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from lms_shared import HW1, REPO, SHARED, needs_shared, validate
from vgp_symbolic.cli import main
from vgp_symbolic.homework import load_assignment
from vgp_symbolic.lms import LmsError
from vgp_symbolic.lms.export import export_assignment

GOLD = SHARED / "golden"
QTI = {"q": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
Q12 = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


@pytest.fixture(scope="module")
def exports():
    return {f: export_assignment(f, HW1, 3)[0] for f in ("moodle", "canvas", "qti21")}


@pytest.fixture(scope="module")
def one_part(tmp_path_factory):
    """An assignment with a one-answer problem (a Moodle numerical question) and a cloze one."""
    a = tmp_path_factory.mktemp("one") / "one.toml"
    a.write_text(f'[assignment]\nid = "one"\nproblems_dir = "{REPO / "vgp_symbolic/problems"}"\n'
                 '[[problems]]\ntype = "chain_route"\nanswers = ["product"]\n'
                 '[[problems]]\ntype = "depth_decay"\n', encoding="utf-8")
    return a


def _unzip(data: bytes, where: Path) -> list[Path]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(where)
        return [where / n for n in z.namelist() if not n.endswith("/")]


def _paths(root) -> set[str]:
    """Every element path, tags without namespaces (structure, not content)."""
    out = set()
    for e in root.iter():
        if isinstance(e.tag, str):
            out.add("/".join(etree.QName(a).localname for a in
                             reversed([e] + list(e.iterancestors()))))
    return out


@needs_shared
def test_moodle_export_is_valid_and_shaped_like_r_exams(exports, one_part, tmp_path):
    f = tmp_path / "hw1.xml"
    f.write_bytes(exports["moodle"])
    code, out = validate("moodle", f)
    assert code == 0, out
    data = export_assignment("moodle", one_part, 3)[0]
    (tmp_path / "one.xml").write_bytes(data)
    code, out = validate("moodle", tmp_path / "one.xml")
    assert code == 0, out
    ours, gold = etree.fromstring(data), etree.parse(str(GOLD / "moodle/vgp_moodle.xml"))
    # what R/exams writes for a numerical and a cloze question, we write too
    for kind in ("numerical", "cloze"):
        g = gold.xpath(f"//question[@type='{kind}']")[0]
        o = ours.xpath(f"//question[@type='{kind}']")[0]
        assert {c.tag for c in g} <= {c.tag for c in o}, kind
        assert o.find("questiontext").get("format") == o.find("generalfeedback").get("format") == "html"
    # a category per problem, then its variants; each variant traceable by name and idnumber
    hw1 = etree.fromstring(exports["moodle"])
    cats = hw1.xpath("//question[@type='category']/category/text/text()")
    assert cats[0] == "$course$/hw1/Problem 1: One route of the chain rule" and len(cats) == 6
    assert hw1.xpath("//question[@type='cloze']/idnumber/text()")[:2] == ["hw1-p1-v001",
                                                                         "hw1-p1-v002"]
    num = ours.xpath("//question[@type='numerical']")[0]
    assert num.findtext("name/text") == "one q1a v001"
    assert num.findtext("idnumber") == "one-q1a-v001"
    # beyond R/exams: catalogued mistakes as partial-credit answers with their diagnosis
    fr = [a.get("fraction") for a in num.findall("answer")]
    assert fr[0] == "100" and "50" in fr[1:]
    assert "Variant v001 of q" in num.findtext("questiontext/text")
    cloze = hw1.xpath("//question[@type='cloze']")[0].findtext("questiontext/text")
    assert re.search(r"\{2:NUMERICAL:=0\.\d+:[0-9.e-]+#Correct\.~%50%", cloze)
    assert "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">" in \
        hw1.xpath("//question[@type='cloze']")[0].findtext("generalfeedback/text")


@needs_shared
def test_qti21_package_is_schema_valid_and_shaped_like_r_exams(exports, tmp_path):
    files = _unzip(exports["qti21"], tmp_path)
    # the package also carries the network diagrams as PNG: the schemas judge the XML
    code, out = validate("qti21", *[f for f in files if f.suffix == ".xml"])
    assert code == 0, out
    assert all(f.suffix in (".xml", ".png") for f in files)
    gold_item = etree.parse(str(GOLD / "qti21/vgp_qti21_165950238_section_2_item_1_cloze.xml"))
    ours = etree.parse(str(tmp_path / "hw1_p1_v002.xml"))
    for xp in ("/q:assessmentItem/q:responseDeclaration[@baseType='float']/q:correctResponse/q:value",
               "/q:assessmentItem/q:outcomeDeclaration[@identifier='SCORE']",
               "/q:assessmentItem/q:outcomeDeclaration[@identifier='MAXSCORE']",
               "//q:itemBody//q:textEntryInteraction",
               "//q:responseProcessing//q:equal[@toleranceMode='absolute']",
               "/q:assessmentItem/q:modalFeedback"):
        assert gold_item.xpath(xp, namespaces=QTI) and ours.xpath(xp, namespaces=QTI), xp
    # one interaction per part, each scored against its own response
    assert len(ours.xpath("//q:textEntryInteraction", namespaces=QTI)) == 3
    test = etree.parse(str(tmp_path / "hw1.xml"))
    gold_test = etree.parse(str(GOLD / "qti21/vgp_qti21_165950238.xml"))
    for t in (test, gold_test):
        secs = t.xpath("//q:assessmentSection", namespaces=QTI)
        assert all(s.xpath("q:selection/@select", namespaces=QTI) == ["1"] for s in secs)
    assert len(test.xpath("//q:assessmentSection", namespaces=QTI)) == 6
    assert len(test.xpath("//q:assessmentItemRef", namespaces=QTI)) == 18
    man = etree.parse(str(tmp_path / "imsmanifest.xml"))
    types = man.xpath("//*[local-name()='resource']/@type")
    assert types.count("imsqti_test_xmlv2p1") == 1 and types.count("imsqti_item_xmlv2p1") == 18


@needs_shared
def test_canvas_zip_is_shaped_like_r_exams(exports, tmp_path):
    files = _unzip(exports["canvas"], tmp_path)
    names = sorted(str(f.relative_to(tmp_path)) for f in files if f.suffix != ".png")
    assert names == ["hw1_quiz/assessment_meta.xml", "hw1_quiz/hw1_quiz.xml", "imsmanifest.xml"]
    quiz = tmp_path / "hw1_quiz/hw1_quiz.xml"
    # every other file is a network diagram the quiz shows
    quiz_text = quiz.read_text(encoding="utf-8")
    images = [f for f in files if f.suffix == ".png"]
    assert images and all(f.name in quiz_text for f in images)
    code, out = validate("qti12", quiz)
    # Canvas's flavour is not DTD-valid (R/exams' reference neither): only Canvas's own
    # points_per_item extension may be undeclared
    problems = [l for l in out.splitlines()[1:] if "points_per_item" not in l]
    assert problems == [], out
    gdir = next((GOLD / "canvas").glob("vgp_canvas_unzipped_*"))
    gold = etree.parse(str(next(gdir.glob("vgp_canvas_unzipped_*.xml"))))
    ours = etree.parse(str(quiz))
    for xp in ("//q:fieldentry[text()='numerical_question']",
               "//q:response_num[@numtype='Decimal']/q:render_fib[@fibtype='Decimal']",
               "//q:respcondition/q:conditionvar/q:or/q:varequal",
               "//q:respcondition/q:conditionvar/q:or/q:and/q:vargte",
               "//q:respcondition/q:conditionvar/q:or/q:and/q:varlte",
               "//q:selection/q:selection_number[text()='1']",
               "//q:selection_extension/q:points_per_item"):
        assert gold.xpath(xp, namespaces=Q12) and ours.xpath(xp, namespaces=Q12), xp
    # one question group per question of hw1, each drawing 1 of the 3 variants
    groups = ours.xpath("//q:section[q:selection_ordering]", namespaces=Q12)
    assert len(groups) == len(load_assignment(HW1).questions) and all(len(g.findall("q:item", Q12)) == 3 for g in groups)
    gm = etree.parse(str(GOLD / "canvas/imsmanifest.xml"))
    om = etree.parse(str(tmp_path / "imsmanifest.xml"))
    t = "//*[local-name()='resource']/@type"
    # ours adds the diagrams as IMS CP "webcontent" resources (R/exams' exercise has no images)
    assert set(om.xpath(t)) - set(gm.xpath(t)) <= {"webcontent"}
    assert set(gm.xpath(t)) <= set(om.xpath(t))


@pytest.mark.slow   # ~8 s of CPU: nine exports
def test_exports_are_deterministic_for_a_seed():
    for f in ("moodle", "canvas", "qti21"):
        a, _ = export_assignment(f, HW1, 2, class_seed=5)
        b, _ = export_assignment(f, HW1, 2, class_seed=5)
        c, _ = export_assignment(f, HW1, 2, class_seed=6)
        assert a == b and a != c, f


HOSTILE = 'A <b>bold</b> & "quoted" ]]> <![CDATA[x]]> \x01'


@pytest.fixture
def hostile_assignment(tmp_path):
    """An assignment whose titles and prompts hold <, &, ]]> and a control character."""
    src = (REPO / "vgp_symbolic/problems/chain_route.toml").read_text(encoding="utf-8")
    src = src.replace('title = "One route of the chain rule"', f'title = "{_toml(HOSTILE)}"')
    src = src.replace('prompt = "the gradient', f'prompt = "{_toml(HOSTILE)} the gradient')
    (tmp_path / "chain_route.toml").write_text(src, encoding="utf-8")
    shutil.copytree(REPO / "vgp_symbolic/templates", tmp_path.parent / "templates",
                    dirs_exist_ok=True)
    a = tmp_path / "hw.toml"
    a.write_text(f'[assignment]\nid = "x1"\ntitle = "{_toml(HOSTILE)}"\n\n'
                 '[[problems]]\ntype = "chain_route"\n', encoding="utf-8")
    return a


def _toml(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\x01", "\\u0001")


@needs_shared
def test_xml_escapes_names_and_texts(hostile_assignment, tmp_path):
    shown = HOSTILE.replace("\x01", "\ufffd")
    data, _ = export_assignment("moodle", hostile_assignment, 2)
    f = tmp_path / "m.xml"
    f.write_bytes(data)
    assert validate("moodle", f)[0] == 0
    root = etree.fromstring(data)
    assert root.xpath("//question[@type='category']/category/text/text()")[0].endswith(
        shown.replace("/", "//"))        # Moodle's escape for a slash inside a category name
    text = root.xpath("//question[@type='cloze']/questiontext/text/text()")[0]
    # the HTML inside is itself escaped: the student sees the characters, never markup
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\" ]]&gt; &lt;![CDATA[x]]&gt;" in text
    for fmt in ("qti21", "canvas"):
        data, _ = export_assignment(fmt, hostile_assignment, 1)
        files = _unzip(data, tmp_path / fmt)
        for p in files:
            etree.parse(str(p))                       # well-formed
        if fmt == "qti21":
            assert validate("qti21", *files)[0] == 0
            item = etree.parse(str(tmp_path / fmt / "x1_p1_v001.xml"))
            assert shown in "".join(item.xpath("//q:itemBody//text()", namespaces=QTI))


def test_cli_export_writes_the_file_and_says_what_was_scaled(tmp_path):
    out = tmp_path / "hw1.zip"
    r = CliRunner().invoke(main, ["export", "qti21", str(HW1), "--variants", "4", "--out",
                                  str(out)])
    assert r.exit_code == 0, r.output
    assert "6 problems × 4 variants (v001 … v004)" in r.output
    assert zipfile.ZipFile(out).testzip() is None


@pytest.mark.parametrize("args, message", [
    (["moodle", "nope.toml"], "nope.toml"),
    (["moodle", str(HW1), "--variants", "0"], "--variants 0"),
])
def test_cli_export_bad_input_exits_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "x.xml"
    r = CliRunner().invoke(main, ["export", *args, "--out", str(out)])
    assert r.exit_code == 2 and message in r.output and not out.exists()


def test_mistake_credit_moodle_cannot_grade_is_refused(tmp_path):
    a = tmp_path / "hw.toml"
    a.write_text(f'[assignment]\nid = "x1"\nproblems_dir = "{REPO / "vgp_symbolic/problems"}"\n'
                 '[grading]\nmistake_credit = 0.45\n[[problems]]\ntype = "chain_route"\n',
                 encoding="utf-8")
    with pytest.raises(LmsError, match=r"credit 0.45 cannot be given in Moodle"):
        export_assignment("moodle", a, 1)
    export_assignment("qti21", a, 1)        # QTI states any credit


def test_a_question_no_lms_can_state_is_refused_naming_it(tmp_path):
    """An exact answer without a finite decimal (10/13, asked with abs = 0) cannot be typed
    into any LMS's number field: the export stops and names the assignment and question."""
    a = tmp_path / "hw.toml"
    a.write_text(f'[assignment]\nid = "x1"\nproblems_dir = "{REPO / "vgp_symbolic/problems"}"\n'
                 '[[problems]]\ntype = "exploding"\ntolerance = {clipped = {abs = 0}}\n',
                 encoding="utf-8")
    r = CliRunner().invoke(main, ["export", "qti21", str(a), "--variants", "2", "--out",
                                  str(tmp_path / "x.zip")])
    assert r.exit_code == 2, r.output
    assert f"{a}: question q1c (variant v00" in r.output and "no finite decimal" in r.output
    assert not (tmp_path / "x.zip").exists()
