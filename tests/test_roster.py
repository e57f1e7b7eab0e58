"""homework.roster: read like the csv module reads, errors with the file and line."""
import pytest

from vgp_symbolic.homework import HomeworkError, load_roster


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\f", "\x1e", "\x85", "\x1c", "\v"])
def test_unicode_line_separators_inside_a_name_are_not_line_breaks(tmp_path, sep):
    """A name `Jane\\u2028Doe` was reported as a broken line with the wrong number (issue 11)."""
    p = tmp_path / "r.csv"
    p.write_text(f"student_id,name\ns1,Jane{sep}Doe\ns2,Bo\n", encoding="utf-8")
    assert [(s.student_id, s.name, s.line) for s in load_roster(p)] == [
        ("s1", f"Jane{sep}Doe", 2), ("s2", "Bo", 3)]


def test_line_numbers_count_quoted_newlines_and_crlf(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes(b'student_id,name\r\ns1,"A\r\nB"\r\ns2\r\n')
    with pytest.raises(HomeworkError, match=r"line 4: 1 field"):
        load_roster(p)
