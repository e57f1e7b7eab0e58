"""Seed 004's hand chain: 0.20 × 0.5 × 0.02 = 0.002 and 2.5 → 2.498, exactly."""
from fractions import Fraction

import pytest

from vgp_symbolic.core.chain import SEED_EXAMPLE, factor_chain, rounding_note


def test_seed_example_exact():
    c = factor_chain(SEED_EXAMPLE["factors"], SEED_EXAMPLE["old"], SEED_EXAMPLE["lr"])
    assert c.product == Fraction(1, 500)
    assert c.new == Fraction(1249, 500)


def test_seed_001_four_tenths():
    assert factor_chain("0.1, 0.1, 0.1, 0.1").product == Fraction(1, 10000)


def test_factor_notes():
    c = factor_chain("0.2,0.5,0.02")
    assert len(c.notes) == 1 and "factor 2 = 0.5 exceeds 1/4" in c.notes[0] and "|w| ≥ 2" in c.notes[0]
    big = factor_chain("3,0.1")
    assert "exceeds 1" in big.notes[0] and "exploding" in big.notes[0]
    assert factor_chain("0.25,-0.25").notes == ()  # exactly the bound is a possible σ′(0)


def test_update_defaults_and_lr():
    assert factor_chain("0.5", old="1").new == Fraction(1, 2)  # η defaults to 1
    assert factor_chain("0.5", old="1", lr="0.1").new == Fraction(19, 20)
    assert factor_chain("0.5").new is None


@pytest.mark.parametrize("claimed,words", [
    ("2.49", "truncated to 2 decimals (rounded it is 2.50)"),
    ("2.50", "rounded to 2 decimals"),
    ("2.4", "truncated"),
    ("2.7", "neither"),
])
def test_rounding_note(claimed, words):
    assert words in rounding_note(Fraction(1249, 500), claimed)


def test_rounding_note_exact():
    assert rounding_note(Fraction(1249, 500), "2.498") is None


@pytest.mark.parametrize("bad", ["", "0.2,abc", "1e999999", "0.2;0.5"])
def test_bad_factors(bad):
    with pytest.raises(ValueError):
        factor_chain(bad)


def test_rounding_note_rounds_halves_away_from_zero_like_the_grader():
    # 2.485 to 2 decimals: 2.49 (Python's round would give 2.48, half to even)
    assert "rounded to 2 decimals" in rounding_note(Fraction(2485, 1000), "2.49")
    assert "truncated" in rounding_note(Fraction(2485, 1000), "2.48")
