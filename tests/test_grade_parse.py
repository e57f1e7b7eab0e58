"""The whitelist answer parser: what students write is read exactly; nothing else is."""
import doctest
import importlib
import time
from fractions import Fraction as F

import pytest

from vgp_symbolic.grade.parse import MAX_LENGTH, ParseError, parse, parse_answer

GRADE_MODULES = ["vgp_symbolic.grade", "vgp_symbolic.grade.parse", "vgp_symbolic.grade.compare",
                 "vgp_symbolic.grade.diagnose", "vgp_symbolic.grade.answers",
                 "vgp_symbolic.grade.key", "vgp_symbolic.grade.engine",
                 "vgp_symbolic.grade.gradebook"]


@pytest.mark.parametrize("name", GRADE_MODULES)
def test_docstring_examples(name):
    r = doctest.testmod(importlib.import_module(name),
                        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert r.failed == 0


@pytest.mark.parametrize("text,value", [
    ("0.002", F(1, 500)), ("2e-3", F(1, 500)), ("2.0E-03", F(1, 500)), ("1/500", F(1, 500)),
    ("0.25^4", F(1, 256)), ("0.25**4", F(1, 256)), ("(1/4)^10", F(1, 4 ** 10)),
    ("\u22120.002", F(-1, 500)), ("  0.002  ", F(1, 500)), ("\t2.498\u00a0", F(1249, 500)),
    ("+3", F(3)), ("-2^2", F(-4)), ("(-2)^2", F(4)), ("2^-3", F(1, 8)), ("2^3^2", F(512)),
    ("2**3**2", F(512)), ("2 × 3 ÷ 4", F(3, 2)), ("2·3", F(6)), ("1 - 2 - 3", F(-4)),
    ("8/4/2", F(1)), ("1 + 2*3", F(7)), (".5", F(1, 2)), ("5.", F(5)), ("0.2%", F(1, 500)),
    ("2.498e0", F(1249, 500)), ("1e400", F(10) ** 400), ("0^0", F(1)), ("--1", F(1)),
    ("(1/4)**-2", F(16)), ("2 – 1", F(1)),
])
def test_accepted(text, value):
    assert parse(text) == value


@pytest.mark.parametrize("text,value", [("2,498", F(1249, 500)), ("0,002", F(1, 500)),
                                        ("2.498", F(1249, 500)), ("1/2,5", F(2, 5))])
def test_decimal_comma(text, value):
    assert parse(text, decimal_comma=True) == value


@pytest.mark.parametrize("text,reason", [
    ("", "empty"), ("   ", "empty"), ("2,498", "a point as the decimal mark"), ("nan", "finite"),
    ("inf", "finite"), ("-Infinity", "finite"), ("1/0", "division by zero"),
    ("0^-1", "division by zero"), ("2^0.5", "whole-number"), ("9**9**9**9", "too large"),
    ("10**10**10", "too large"), ("2**1001", "too large"), ("(2/3)**1000*(2/3)**1000*7**999", "bits"),
    ("1e401", "scientific"), ("1" * 61, "digits"), ("1" * (MAX_LENGTH + 1), "too long"),
    ("(" * 30 + "1" + ")" * 30, "nested"), ("-" * 50 + "1", "nested"), ("2 3", "unexpected number"),
    ("2e", "unexpected"), ("0x10", "unexpected"), ("1_000", "unexpected"), ("²", "unexpected"),
    ("٣", "unexpected"), ("2(3)", "unexpected"), ("(1", "parenthesis"), ("1)", "unexpected"),
    ("1 +", "ends"), ("*2", "unexpected"), ("%", "unexpected"), ("√2", "unexpected"),
    ("1.2.3", "unexpected"), ("2,4.9", "','"),
])
def test_rejected(text, reason):
    with pytest.raises(ParseError) as e:
        parse(text, decimal_comma=(reason == "','"))
    assert reason in str(e.value)


def test_both_separators_with_decimal_comma():
    with pytest.raises(ParseError, match="both"):
        parse("1.234,5", decimal_comma=True)


def test_written_precision():
    assert parse_answer("2.50").sig_figs == 3
    assert parse_answer("0.0020").sig_figs == 2
    assert parse_answer("2500").sig_figs == 4
    assert parse_answer("2.5e-3").sig_figs == 2
    assert parse_answer("-0.002").sig_figs == 1
    assert parse_answer("1/500").sig_figs == 1             # whole numbers: its value's decimal
    assert parse_answer("1/3").sig_figs is None            # exact to every figure
    p = parse_answer("2.49")
    assert (p.decimals, p.text) == (2, "2.49")


def test_not_a_string():
    with pytest.raises(ParseError):
        parse_answer(None)
    with pytest.raises(ParseError):
        parse_answer(b"1")


@pytest.mark.parametrize("text", ["9**9**9**9", "9^9^9^9^9^9", "1" * 1_000_000,
                                  "(" * 100_000, "2**1000*" * 24 + "2", "((((10^400)^400)^400)^400)",
                                  "1e999999999", "(1/3)^1000 * (1/7)^1000"])
def test_hostile_sizes_are_rejected_fast(text):
    t = time.perf_counter()
    with pytest.raises(ParseError):
        parse(text)
    assert time.perf_counter() - t < 0.05


def test_power_size_is_bounded_before_computing():
    # 10^400 has 1329 bits; squaring it four times would be 21264 bits: refused up front
    with pytest.raises(ParseError, match="bits"):
        parse("(10^400)^4")
    assert parse("(10^40)^4") == F(10) ** 160
