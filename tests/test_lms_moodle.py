"""lms.moodle: cloze syntax escaping, Moodle's grade fractions, cloze weights."""
import re
from fractions import Fraction as F

import pytest

from vgp_symbolic.lms import LmsError
from vgp_symbolic.lms.items import ExportMistake, Part
from vgp_symbolic.lms.moodle import _cloze, _weights, moodle_fraction
from vgp_symbolic.lms.window import lms_window
from vgp_symbolic.question import Tolerance

# the validator's reading of a cloze NUMERICAL field (shared/lms/validate)
CLOZE_NUM = re.compile(r"\{(\d*):(?:NUMERICAL|NM):([^{}]*)\}")


def test_cloze_feedback_cannot_break_out_of_its_field():
    label = "w ← w − η·∂L/∂w }{#~\\ \"q\" {1:NUMERICAL:=0:1}"
    pt = Part(object(), lms_window(F(1, 125), Tolerance(rel=1e-3)),
              (ExportMistake("x", label, F(1, 50), F(1, 50000), 0.5),))
    text = _cloze(pt, 2, "")
    fields = CLOZE_NUM.findall(text)
    assert len(fields) == 1 and fields[0][0] == "2"
    alts = re.split(r"(?<!\\)~", fields[0][1])
    assert alts[0] == "=0.008:0.000008#Correct."
    assert alts[1].startswith("%50%0.02:0.00002#")
    fb = alts[1].split("#", 1)[1]
    assert not re.search(r"(?<!\\)[#~/\"]", fb.replace("\\\\", ""))   # every special escaped


def test_moodle_fractions():
    assert moodle_fraction(1) == "100" and moodle_fraction(0.125) == "12.5"
    with pytest.raises(LmsError, match="0.45 cannot be given in Moodle"):
        moodle_fraction(0.45)


def test_cloze_weights_are_integers_in_the_points_ratio():
    assert _weights([2, 2, 1]) == [2, 2, 1]
    assert _weights([0.5, 1.5]) == [1, 3]
    assert _weights([0.25, 1]) == [1, 4]
