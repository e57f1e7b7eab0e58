"""vgp_symbolic.tomlpos: one TOML line lookup, used by network specs and homework files alike."""
from __future__ import annotations

import pytest

from vgp_symbolic.core.network import SpecError, parse_spec
from vgp_symbolic.tomlpos import header_line, item_line, key_line

TEXT = '''# a spec
[network]
inputs = 2
"loss" = "mse"
layers = [
  {units = 3, activation = "tanh"},
  {units = 1, activation = "sigmoid"},
]
[values]
x = [1, 2]
W1.rows = 1
[[problems]]
type = "a"
[[problems]]
type = "b"
'''
LINES = TEXT.splitlines()


def test_every_spelling_of_a_key():
    assert key_line(LINES, "inputs") == 3
    assert key_line(LINES, "loss") == 4            # quoted
    assert key_line(LINES, "W1") == 11             # dotted
    assert key_line(LINES, "activation") == 6      # inside an inline table
    assert key_line(LINES, "nothing") is None


def test_after_a_line_stays_in_its_table():
    assert key_line(LINES, "x", after=9) == 10
    assert key_line(LINES, "x", after=2) is None   # x is in [values], not [network]
    assert key_line(LINES, "type", after=header_line(LINES, "[[problems]]", 1)) == 15


def test_headers_and_array_items():
    assert header_line(LINES, "[[problems]]") == 12
    assert header_line(LINES, "[[problems]]", 1) == 14
    assert header_line(LINES, "[[problems]]", 2) is None
    assert item_line(LINES, "layers", 1, "units") == 6
    assert item_line(LINES, "layers", 2, "units") == 7
    assert item_line(LINES, "layers", 5, "units") == 5   # fewer items: the array's line


def test_network_spec_errors_name_the_line_however_the_key_is_written():
    # a quoted key was not found by the network's own lookup: the error had no line
    with pytest.raises(SpecError) as e:
        parse_spec('[network]\ninputs = 1\nlayers = [{units = 1}]\n"loss" = "nope"\n', "n.toml")
    assert "n.toml, line 4" in str(e.value)
    with pytest.raises(SpecError) as e:
        parse_spec('[network]\ninputs = 1\nlayers = [\n  {units = 1},\n  {units = 0},\n]\n',
                   "n.toml")
    assert "n.toml, line 5" in str(e.value)


def test_homework_key_after_its_table_header(tmp_path):
    # the homework reader looks a key up from its table's header on, not from the top
    from test_homework_api import _write, copy_library
    from vgp_symbolic.homework.assignment import load_assignment
    from vgp_symbolic.homework.model import HomeworkError
    pdir = copy_library(tmp_path)
    p = _write(pdir, '[assignment]\nid = "x"\n\n[[problems]]\ntype = "chain_route"\n\n'
                     '[[problems]]\ntype = "chain_route"\ncolour = "red"\n')
    with pytest.raises(HomeworkError) as e:
        load_assignment(p)
    assert "bad.toml, line 9" in str(e.value) and "colour" in str(e.value)
