"""Reading the answers CSV: layouts, encodings, line numbers, every row accounted for."""
import pytest

from vgp_symbolic.grade.answers import AnswersError, read_answers, read_answers_text

Q = ["q1a", "q1b", "q2"]
S = ["s1", "s2", "s3"]


def read(text, **kw):
    return read_answers_text(text, Q, S, **kw)


def triples(sheet):
    return [(a.line, a.student_id, a.question, a.text) for a in sheet.answers]


def reasons(sheet):
    return [(p.line, p.reason) for p in sheet.problems]


def test_long_layout():
    s = read("student_id,question,answer\ns1,q1a,0.002\ns1,Q1B, 2.498 \n\ns2,q2,1/500\n")
    assert s.layout == "long"
    assert triples(s) == [(2, "s1", "q1a", "0.002"), (3, "s1", "q1b", " 2.498 "),
                          (5, "s2", "q2", "1/500")]
    assert s.data_lines == [2, 3, 5] and s.problems == []


def test_wide_layout_and_extra_columns():
    s = read("name,student_id,q1a,q2,email\nAda,s1,0.002,,a@x\nBob,s2,1e-3,5,b@x\n")
    assert s.layout == "wide"
    assert triples(s) == [(2, "s1", "q1a", "0.002"), (2, "s1", "q2", ""),
                          (3, "s2", "q1a", "1e-3"), (3, "s2", "q2", "5")]
    assert s.warnings == []          # name/email are known non-answer columns


def test_wide_unknown_and_repeated_columns_are_reported():
    s = read("student_id,q1a,q9,Q1A\ns1,1,2,3\n")
    assert triples(s) == [(2, "s1", "q1a", "1")]
    assert "column 'q9' is not a question" in s.warnings[0]
    assert "repeats question q1a" in s.warnings[1]


@pytest.mark.parametrize("text,line,reason", [
    ("student_id,question,answer\ns9,q1a,1\n", 2, "unknown student 's9'"),
    ("student_id,question,answer\ns1,q7,1\n", 2, "unknown question 'q7'"),
    ("student_id,question,answer\ns1,,1\n", 2, "empty question"),
    ("student_id,question,answer\n,q1a,1\n", 2, "empty student_id"),
    ("student_id,question,answer\ns1,q1a\n", 2, "2 field(s) where 3 were expected"),
    ("student_id,question,answer\ns1,q1a,2,498\n", 2, "4 fields where 3 were expected — quote"),
    ("student_id,question,answer\ns1,q1a,1\ns1,q1a,2\n", 3,
     "duplicate answer for s1 q1a (first given on line 2, which is the one graded)"),
    ("student_id,q1a\ns1,1\n\ns1,2\n", 4, "duplicate row for s1 (first given on line 2"),
    ("student_id,q1a\ns1,1,,7\n", 2, "4 fields but the header has 2 — quote answers"),
    ("student_id;q1a\ns1;1;;7\n", 2, "4 fields but the header has 2 — quote answers that "
     "contain ';'"),
    ("student_id,question,answer,when\ns1,q1a,2,498,today\n", 2, "5 fields where 4"),
])
def test_bad_rows_are_reported_with_line_numbers(text, line, reason):
    s = read(text)
    assert any(ln == line and reason in r for ln, r in reasons(s)), reasons(s)


def test_valid_rows_survive_bad_ones():
    s = read("student_id,question,answer\ns1,q1a,1\nzz,q1a,1\ns1,q9,1\ns2,q1a,=cmd|' /C calc'!A0\n"
             "s1,q1a,3\ns3\n")
    assert [a.line for a in s.answers] == [2, 5]
    assert [p.line for p in s.problems] == [3, 4, 6, 7]
    assert s.data_lines == [2, 3, 4, 5, 6, 7]
    # the problems of a known student are attached to that student
    assert [p.student_id for p in s.problems] == [None, "s1", "s1", "s3"]


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"), ("\n\n  \n", "the file is empty"),
    ("name,answer\nAda,1\n", "line 1: no student_id column (found: 'name', 'answer')"),
    ("student_id,foo,bar\ns1,1,2\n", "line 1: no answer column"),
    ("sep=;\n", "no header line"),
])
def test_unusable_files(text, message):
    with pytest.raises(AnswersError) as e:
        read(text)
    assert message in str(e.value)


def test_separators_bom_and_sep_line(tmp_path):
    s = read("student_id;question;answer\ns1;q1a;2,498\n", decimal_comma=True)
    assert triples(s) == [(2, "s1", "q1a", "2,498")]
    s = read("sep=;\nstudent_id;q1a\ns1;1\n")
    assert triples(s) == [(3, "s1", "q1a", "1")]
    s = read("student_id\tq1a\ns1\t1\n")
    assert triples(s) == [(2, "s1", "q1a", "1")]
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffstudent_id,question,answer\r\ns1,q1a,\u22120.002\r\n".encode())
    assert triples(read_answers(p, Q, S)) == [(2, "s1", "q1a", "\u22120.002")]
    p.write_bytes("student_id,q1a\ns1,0.5\n".encode("utf-16"))
    assert triples(read_answers(p, Q, S)) == [(2, "s1", "q1a", "0.5")]


def test_decimal_comma_rejoins_an_unquoted_answer():
    s = read("student_id,question,answer\ns1,q1a,2,498\n", decimal_comma=True)
    assert triples(s) == [(2, "s1", "q1a", "2,498")]


def test_not_utf8_and_nul_bytes(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"student_id,question,answer\ns1,q1a,\xff\xfe1\ns2,q1a,0\x001\ns3,q1a,1\n")
    s = read_answers(p, Q, S)
    assert "not valid UTF-8" in s.warnings[0]
    assert [a.line for a in s.answers] == [2, 3, 4]
    assert "\x00" not in s.answers[1].text


def test_unclosed_quote_does_not_swallow_later_rows():
    s = read('student_id,question,answer\ns1,q1a,"oops\ns2,q1a,1\ns3,q1a,"2"\n')
    assert [(a.line, a.student_id) for a in s.answers] == [(3, "s2"), (4, "s3")]
    assert [(p.line, p.student_id) for p in s.problems] == [(2, "s1")]
    assert "unbalanced quote" in s.problems[0].reason


def test_huge_fields_are_read_not_fatal():
    big = "9" * 2_000_000
    s = read(f"student_id,question,answer\ns1,q1a,{big}\ns2,q1a,1\n")
    assert len(s.answers) == 2


def test_missing_file(tmp_path):
    with pytest.raises(AnswersError, match="no such file"):
        read_answers(tmp_path / "nope.csv", Q, S)


def test_duplicated_long_layout_columns_are_named():
    """student_id,question,answer,answer was graded silently from the first column (issue 11)."""
    sheet = read_answers_text("student_id,question,answer,Answer\ns1,q1,1,2\n", ["q1"], ["s1"])
    assert sheet.answers[0].text == "1"
    assert sheet.warnings == ["answers.csv, line 1: 2 columns named answer ('answer' in column 3, "
                              "'Answer' in column 4); only the first, column 3, is read"]
