"""json_text: what every --format json prints reads back as the same data."""
from __future__ import annotations

import json
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from vgp_symbolic.jsontext import json_text

_SCALARS = (st.none() | st.booleans() | st.integers() | st.text()
            | st.floats(allow_nan=False, allow_infinity=False))
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=12)
                     | st.dictionaries(st.text(), inner, max_size=12), max_leaves=60)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_reads_back_as_the_same_data(obj):
    assert json.loads(json_text(obj)) == obj


def test_two_levels_indented_deeper_values_on_one_line():
    obj = {"symbols": {f"w1_{j}": {"value": j / 4, "meaning": "ŵ “quoted”\n"} for j in range(12)},
           "layers": [{"layer": k, "z": [0.5] * 3} for k in range(12)], "route": list(range(50))}
    lines = json_text(obj).splitlines()
    assert lines[0] == "{" and lines[1] == '  "symbols": {'
    assert lines[2] == '    "w1_0": {"value": 0.0, "meaning": "ŵ “quoted”\\n"},'
    assert '    {"layer": 11, "z": [0.5, 0.5, 0.5]}' in lines
    assert f'  "route": {json.dumps(list(range(50)))}' in lines
    assert len(lines) == 1 + 1 + 12 + 1 + 1 + 12 + 1 + 1 + 1


def test_numbers_beyond_json_are_written_as_text():
    assert json.loads(json_text({"exact": Fraction(1, 3), "inf": math.inf})) == {
        "exact": "1/3", "inf": math.inf}


def test_a_list_of_tables_is_one_table_per_line_deeper_down():
    # `vgp prove all` is a list of proofs whose steps came out as one 10 000-character line
    claim = "σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4, with equality at z = 0 only"
    proofs = [{"activation": a, "steps": [{"n": n, "claim": claim} for n in (1, 2)]}
              for a in ("sigmoid", "tanh")]
    lines = json_text(proofs).splitlines()
    assert f'      {{"n": 1, "claim": "{claim}"}},' in lines
    assert json.loads(json_text(proofs)) == proofs


def test_a_table_of_tables_is_one_table_per_line_deeper_down():
    # a batch's derivation (one level down) printed its symbol table as one long line
    symbols = {f"w1_{j}": {"meaning": "weight from unit 1 of layer 0", "definition": None}
               for j in range(1, 4)}
    lines = json_text({"derivation": {"wrt": "w1_11", "symbols": symbols}}).splitlines()
    assert '      "w1_2": {"meaning": "weight from unit 1 of layer 0", "definition": null},' in lines
