"""vgp import: LMS response exports graded by vgp, grades and feedback written back."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from lms_shared import HW1, REPO
from vgp_symbolic.cli import main
from vgp_symbolic.grade import feedback_text, grade_sheet, read_answers_text
from vgp_symbolic.lms import LmsError
from vgp_symbolic.lms.feedback import feedback_zip
from vgp_symbolic.lms.grades import grade_rows
from vgp_symbolic.lms.imports import import_responses
from vgp_symbolic.lms.responses import read_responses_text

DATA = REPO / "tests" / "data" / "lms"
CANVAS, MOODLE, ROSTER = (DATA / f for f in ("canvas_student_analysis.csv",
                                             "moodle_responses.csv", "roster.csv"))


@pytest.fixture(scope="module")
def canvas():
    return import_responses(CANVAS, HW1, 3, roster_path=ROSTER)


@pytest.fixture(scope="module")
def moodle():
    return import_responses(MOODLE, HW1, 3, roster_path=ROSTER)


def _res(g, sid, qid):
    s = next(s for s in g.result.students if s.student_id == sid)
    return s.results[qid]


def test_canvas_responses_graded_against_each_students_variant(canvas):
    r = canvas.result
    assert [s.student_id for s in r.students] == ["s001", "s002", "s003", "s004"]
    assert (_res(canvas, "s001", "q1a").diagnosis.id, canvas.variant_of[("s001", "q1a")]) == \
        ("correct", "v001")
    d = _res(canvas, "s001", "q1b").diagnosis          # which step went wrong, with its credit
    assert (d.id, _res(canvas, "s001", "q1b").points) == ("lr_forgotten", 1.0)
    # asked "in units of 10⁻⁶": 64.00 is graded as 64.00e-6, the figures kept
    assert (_res(canvas, "s001", "q4a").text, _res(canvas, "s001", "q4a").diagnosis.id) == \
        ("64.00e-6", "correct")
    assert canvas.variant_of[("s001", "q4a")] == "v001"
    # the unscaled value typed into a scaled field is not the answer
    assert _res(canvas, "s004", "q4a").diagnosis.status == "wrong"
    # the latest attempt is graded; the earlier one is reported on its line
    assert _res(canvas, "s002", "q1a").diagnosis.id == "factor_left_out"
    s2 = r.students[1]
    assert [p.line for p in s2.problems] == [3] and "attempt on line 7" in s2.problems[0].reason
    # Alan's blank answer came in (the points cell names the variant) and is graded as blank
    assert _res(canvas, "s003", "q1a").diagnosis.id == "no_answer"
    assert _res(canvas, "s003", "q1a").line == 4


def test_every_row_is_accounted_for(canvas, moodle):
    for g in (canvas, moodle):
        out = g.result.line_outcomes()
        assert sorted(out) == sorted(g.result.sheet.data_lines)
    c = canvas.result.line_outcomes()
    assert c[5].startswith("invalid: 4 fields but the header has 29")
    assert "unknown student" in c[8] and "not in the roster" in c[8]
    m = moodle.result.line_outcomes()
    assert "In progress" in m[4] and "unknown student" in m[5] and m[6] == "graded"
    eve = next(s for s in moodle.result.students if s.student_id == "s004")
    assert any("variant v007 does not exist" in p.reason for p in eve.problems)
    turing = next(s for s in moodle.result.students if s.student_id == "s003")
    assert not turing.submitted and "In progress" in turing.problems[0].reason


def test_moodle_cloze_responses_are_split_into_parts(moodle):
    assert [(_res(moodle, "s001", q).text, _res(moodle, "s001", q).diagnosis.id)
            for q in ("q1a", "q1b", "q1c")] == [("0.00078", "correct"),
                                                ("2.99922", "lr_forgotten"), ("1.56", "correct")]
    assert (_res(moodle, "s002", "q4b").text, _res(moodle, "s002", "q4c").diagnosis.id) == \
        ("8", "no_answer")


def test_error_carried_forward_only_within_one_variant(canvas, moodle):
    # Canvas drew q1a and q1b of Grace from different variants: q1b is graded on its own
    assert canvas.variant_of[("s002", "q1a")] != canvas.variant_of[("s002", "q1b")]
    assert canvas.sets["s002"].question("q1b").depends_on == ()
    assert canvas.sets["s001"].question("q1b").depends_on == ("q1a",)
    assert moodle.sets["s002"].question("q1b").depends_on == ("q1a",)    # one cloze variant


def test_same_grading_and_feedback_as_vgp_grade(canvas):
    """The import is vgp grade on the students' own question sets: an answers CSV with the
    same (unscaled) answers, graded as `vgp grade` grades it, gives identical results."""
    rows = [["student_id", "question", "answer"]]
    rows += [[a.student_id, a.question, a.text] for a in canvas.result.sheet.answers]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    sheet = read_answers_text(buf.getvalue(), [q.id for q in canvas.sets["s001"].questions],
                              list(canvas.sets))
    from vgp_symbolic.grade import Policy
    direct = grade_sheet(canvas.sets, sheet, Policy.from_grading(canvas.assignment.grading))
    for a, b in zip(canvas.result.students, direct.students):
        assert [(r.diagnosis, r.points) for r in a.results.values()] == \
            [(r.diagnosis, r.points) for r in b.results.values()]
        # the same text (the import adds only the export's own rejected rows at the end)
        assert feedback_text(a).startswith(feedback_text(b).rstrip())


def test_gradebook_import_formats(canvas):
    c = grade_rows(canvas, "canvas")
    assert c[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                    "Homework 1: The Vanishing Gradient Problem"]
    assert c[1][0] == "Points Possible" and c[1][-1] == "30"
    assert c[2] == ["Ada Lovelace", "1001", "s001", "alovelace", "A", "4"]
    m = grade_rows(canvas, "moodle")
    assert m[0] == ["Email address", "Username", "ID number",
                    "Assignment: Homework 1: The Vanishing Gradient Problem",
                    "Feedback: Homework 1: The Vanishing Gradient Problem"]
    assert m[1][:4] == ["ada@uni.edu", "alovelace", "s001", "4"]
    assert m[1][4].startswith("Total 4/30. q1b 1/2: you left out the learning rate")
    assert all(len(r) == len(m[0]) for r in m)          # Moodle rejects ragged rows
    b = grade_rows(canvas, "brightspace")
    assert b[0] == ["OrgDefinedId", "Username",
                    "Homework 1: The Vanishing Gradient Problem Points Grade",
                    "End-of-Line Indicator"]
    assert b[1] == ["s001", "alovelace", "4", "#"]


def test_html_feedback_is_self_contained_and_escaped(canvas):
    z = zipfile.ZipFile(io.BytesIO(feedback_zip(canvas)))
    assert sorted(z.namelist()) == ["s001.html", "s002.html", "s003.html", "s004.html"]
    page = z.read("s004.html").decode()
    root = etree.fromstring(page.split("\n", 1)[1].encode())      # well-formed XHTML
    assert root.xpath("//title/text()")[0].endswith("Eve =cmd <script> (s004)")
    assert not root.xpath("//script | //link | //img | //*[@src] | //*[@href]")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert root.xpath("//*[local-name()='math']//*[local-name()='mn']")   # MathML values
    assert "variant v001" in page and "<code>=1+1</code>" in page


def test_cli_import_writes_everything_and_guards_formulas(tmp_path):
    out = tmp_path / "graded"
    r = CliRunner().invoke(main, ["import", str(CANVAS), str(HW1), "--variants", "3",
                                  "--out", f"{out}/"])   # as the README writes it: graded/
    assert r.exit_code == 0, r.output
    assert "line 5: 4 fields but the header has 29" in r.output
    assert f"files in {out}/: gradebook.csv" in r.output   # not graded//
    names = sorted(p.name for p in out.iterdir())
    assert names == ["brightspace_grades.csv", "canvas_grades.csv", "feedback",
                     "feedback_html.zip", "gradebook.csv", "moodle_grades.csv", "rejected.csv"]
    # without a roster the students are the export's: Eve's hostile name is guarded
    canvas_csv = (out / "canvas_grades.csv").read_text(encoding="utf-8")
    assert "\n'=cmd|' /C calc'!A0,1004,s004" in canvas_csv
    assert (out / "feedback" / "s001.md").read_text(encoding="utf-8").startswith("# ")


def _canvas_text(extra_header="", row="Ada,1001,s001,A,1,,x,1,0.0112,2.0,1,0,2.0"):
    return ("name,id,sis_id,section,section_id,section_sis_id,submitted,attempt,"
            f"\"11: Variant v001 of q1a (hw1) x\",2.0,{extra_header}n correct,n incorrect,score\n"
            f"{row}\n")


@pytest.mark.parametrize("text, message", [
    (_canvas_text("favourite colour,"), "line 1: unknown column(s) 11 ('favourite colour')"),
    ("name,id,sis_id,section,submitted,n correct,n incorrect,score\n", "no question column"),
    ("Last name,First name,Email address,State,Response 1\nA,B,a@b.c,Finished,1\n",
     "'Response 1' has no 'Question 1' column"),
    ("a,b\n1,2\n", "line 1: not a Canvas Student Analysis export"),
    ("name,id,sis_id\n\"unclosed,1\n", "malformed CSV"),
])
def test_unreadable_exports_name_the_file_and_line(text, message):
    with pytest.raises(LmsError, match=None) as e:
        read_responses_text(text, "resp.csv")
    assert str(e.value).startswith("resp.csv") and message in str(e.value)


def test_cli_import_exit_2_when_nothing_can_be_graded(tmp_path):
    f = tmp_path / "sa.csv"
    f.write_text(_canvas_text(row="Ada,1001,s001,A,1,,x,1,0.0112,2.0,1,0,2.0").replace(
        "Variant v001", "Variant v009"), encoding="utf-8")
    out = tmp_path / "graded"
    r = CliRunner().invoke(main, ["import", str(f), str(HW1), "--variants", "3", "--out",
                                  str(out)])
    assert r.exit_code == 2 and "nothing could be graded" in r.output
    assert "variant v009 does not exist" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["import", str(tmp_path / "missing.csv"), str(HW1),
                                  "--variants", "3", "--out", str(out)])
    assert r.exit_code == 2 and "missing.csv" in r.output
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(_canvas_text().replace("Ada", "Ad\xe9").encode("latin-1"))
    r = CliRunner().invoke(main, ["import", str(bad), str(HW1), "--variants", "3", "--out",
                                  str(out)])
    assert r.exit_code == 2 and "line 2: not UTF-8" in r.output


def _plain(html_text: str) -> str:
    """Question text as the LMSs' reports show it: tags stripped, whitespace collapsed."""
    import re
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())


def test_round_trip_moodle_export_responses_import(tmp_path):
    """The variant tag survives into Moodle's report: responses typed into the exported
    questions come back graded against the very variants they were given."""
    from vgp_symbolic.lms.export import export_assignment
    from vgp_symbolic.lms.items import build
    from vgp_symbolic.lms.variants import draw_variants
    from vgp_symbolic.homework import load_assignment
    data, _ = export_assignment("moodle", HW1, 4, class_seed=9)
    root = etree.fromstring(data)
    texts = {q.findtext("idnumber"): _plain(q.findtext("questiontext/text"))
             for q in root.xpath("//question[@type='cloze']")}
    a = load_assignment(HW1)
    probs = build(a, draw_variants(a, 4, 9))
    # slot 1 ← problem 1 of v003, slot 2 ← problem 4 of v002 (asked in scaled units there)
    p1, p4 = probs[0].variants[2], probs[3].variants[1]

    def typed(pv):
        return "; ".join(f"part {k}: {_dec(pt.window.value)}" for k, pt in enumerate(pv.parts, 1))
    rows = [["Last name", "First name", "Email address", "State", "Grade/30.00",
             "Question 1", "Response 1", "Question 2", "Response 2"],
            ["Doe", "Jo", "jo@x.org", "Finished", "-", texts["hw1-p1-v003"], typed(p1),
             texts["hw1-p4-v002"], typed(p4)]]
    f = tmp_path / "responses.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    g = import_responses(f, HW1, 4, class_seed=9)
    s = g.result.students[0]
    graded = {q: r.diagnosis.id for q, r in s.results.items() if r.line}
    assert set(graded) == {"q1a", "q1b", "q1c", "q4a", "q4b", "q4c"}
    assert set(graded.values()) == {"correct"}, graded
    assert g.variant_of[("jo@x.org", "q4a")] == "v002"


def _dec(v) -> str:
    from vgp_symbolic.lms.window import decimal_text
    return decimal_text(v)


def test_round_trip_canvas_export_responses_import(tmp_path):
    """Canvas's Student Analysis headers are '<id>: <question text>': the tag survives, and a
    scaled question's response is graded in its units."""
    from vgp_symbolic.lms.export import export_assignment
    data, _ = export_assignment("canvas", HW1, 3)
    z = zipfile.ZipFile(io.BytesIO(data))
    quiz = etree.fromstring(z.read("hw1_quiz/hw1_quiz.xml"))
    ns = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    head = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted",
            "attempt"]
    row = ["Jo Doe", "77", "s77", "A", "1", "", "x", "1"]
    want = {}
    for n, item in enumerate(quiz.xpath("//q:item", namespaces=ns)):
        qid, vid = item.get("title").split()
        head += [f"{900 + n}: " + _plain(item.findtext(".//q:mattext", namespaces=ns)), "1.0"]
        given = vid == "v001" and qid in ("q1a", "q4a", "q4c")
        value = item.xpath(".//q:varequal/text()", namespaces=ns)[0]
        row += [value, "1.0"] if given else ["", ""]
        if given:
            want[qid] = value
    head += ["n correct", "n incorrect", "score"]
    row += ["3", "0", "3"]
    f = tmp_path / "sa.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head, row])
    g = import_responses(f, HW1, 3)
    res = g.result.students[0].results
    assert {q: res[q].diagnosis.id for q in want} == dict.fromkeys(want, "correct")
    assert res["q4a"].text.endswith("e-6")          # asked in units of 10⁻⁶ in v001


def test_outputs_are_one_set_with_every_rejected_line(canvas, tmp_path, monkeypatch):
    """`vgp import` writes like `vgp grade`: rejected.csv lists every line not graded, and the
    files are swapped in as one set, so a run that fails half-way leaves the previous set."""
    from vgp_symbolic.lms import grades, imports
    out = tmp_path / "graded"
    paths = imports.write_outputs(canvas, out)
    assert out / "rejected.csv" in paths
    with open(out / "rejected.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["line", "student_id", "question", "reason"]
    rejected = {int(r[0]) for r in rows[1:]}
    outcomes = canvas.result.line_outcomes()
    assert rejected == {ln for ln, o in outcomes.items() if o != "graded"}
    assert len(rejected) + sum(o == "graded" for o in outcomes.values()) == \
        len(canvas.result.sheet.data_lines)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(grades, "write_grades", broken)
    with pytest.raises(OSError):
        imports.write_outputs(canvas, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graded"]      # no staging left
