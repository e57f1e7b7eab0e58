"""The network spec: exact numbers, parameter names, and errors that name file, line and key."""
from fractions import Fraction

import pytest

from vgp_symbolic.core.network import Network, SpecError, load_spec, parse_spec, random_values, to_number

GOOD = """
[network]
inputs = 3
layers = [
  { units = 2, activation = "sigmoid" },
  { units = 1, activation = "sigmoid" },
]
loss = "mse"

[values]
x  = [1.0, 0.5, -1.0]
y  = 1.0
W1 = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]
W2 = [[2.5], [-1.0]]
lr = "1/3"
"""


def test_parse_good_spec_exactly():
    net, v = parse_spec(GOOD)
    assert net.widths == (3, 2, 1) and net.loss == "mse"
    assert v.W[1][0][0] == Fraction(1, 10) and v.W[2][0][0] == Fraction(5, 2)
    assert v.y == [1] and v.lr == Fraction(1, 3)
    assert v.bias(1, 2) == [0, 0]  # omitted biases are zero
    assert v.all_exact() and v.complete(net)


@pytest.mark.parametrize("text", ["0.1", "1e-3", "-2.5", "7/8"])
def test_to_number_is_exact(text):
    assert to_number(text) == Fraction(text)
    assert to_number(float(text) if "/" not in text else text) == Fraction(text)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), True, "1+1", "abc", [1], "9" * 80])
def test_to_number_rejects(bad):
    with pytest.raises(ValueError):
        to_number(bad)


@pytest.mark.parametrize("name,expect", [
    ("w2_11", ("w", 2, 1, 1)), ("w1_32", ("w", 1, 3, 2)), ("b1_2", ("b", 1, None, 2)),
    ("w^1_{21}", ("w", 1, 2, 1)), ("W1_3_2", ("w", 1, 3, 2)),
])
def test_parse_param(name, expect):
    net, _ = parse_spec(GOOD)
    p = net.parse_param(name)
    assert (p.kind, p.layer, p.i, p.j) == expect


def test_two_digit_indices():
    net = Network.build(12, [(11, "relu"), (1, "linear")])
    assert net.parse_param("w1_12_11").name == "w1_12_11"
    with pytest.raises(SpecError, match="separated"):
        net.parse_param("w1_1211")


@pytest.mark.parametrize("name,msg", [
    ("w3_11", "layers 1..2"), ("w1_41", "layer 0 has units 1..3"), ("w1_13", "layer 1 has units 1..2"),
    ("b1_1_1", "one index"), ("q1_11", "not a parameter name"), ("", "not a parameter name"),
])
def test_bad_param(name, msg):
    net, _ = parse_spec(GOOD)
    with pytest.raises(SpecError, match=msg):
        net.parse_param(name)


@pytest.mark.parametrize("edit,msg,line", [
    (('activation = "sigmoid" },\n  { units = 1', 'activation = "softmax" },\n  { units = 1'),
     "a residual, recurrent or softmax network: `vgp derive` reads it", 5),
    (('loss = "mse"', 'loss = "cross_entropy"'), "softmax network: `vgp derive` reads it", 8),
    (('loss = "mse"', 'loss = "hinge"'), "unknown loss 'hinge'", 8),
    (("W2 = [[2.5], [-1.0]]", "W2 = [[2.5, 1.0]]"), "W2 must be 2×1", 14),
    (("x  = [1.0, 0.5, -1.0]", "x  = [1.0, 0.5]"), "x must have 3 entries", 11),
    (("inputs = 3", "inputs = 0"), "inputs must be a positive integer", 3),
    (("lr = \"1/3\"", "lr = \"one third\""), "not a number", 15),
    (("lr = \"1/3\"", "W9 = 1"), "unknown key 'W9'", 15),
])
def test_spec_errors_name_file_line_and_key(edit, msg, line):
    with pytest.raises(SpecError) as e:
        parse_spec(GOOD.replace(*edit), "net.toml")
    assert msg in str(e.value)
    assert str(e.value).startswith(f"net.toml, line {line}")


def test_malformed_toml_names_line(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[network]\ninputs = 3\nlayers = [ {units = 2 \n")
    with pytest.raises(SpecError) as e:
        load_spec(p)
    assert "bad.toml, line" in str(e.value) and "malformed TOML" in str(e.value)


def test_missing_file():
    with pytest.raises(SpecError, match="cannot read"):
        load_spec("/nonexistent/net.toml")


def test_params_enumeration_and_with_param():
    net, v = parse_spec(GOOD)
    names = [p.name for p in net.params()]
    assert len(names) == 3 * 2 + 2 + 2 * 1 + 1 and names[0] == "w1_11" and names[-1] == "b2_1"
    p = net.parse_param("w1_11")
    v2 = v.with_param(p, Fraction(7))
    assert v2.get(p) == 7 and v.get(p) == Fraction(1, 10)  # the original is untouched
    b = net.parse_param("b2_1")
    assert v.with_param(b, Fraction(3)).get(b) == 3


def test_random_values_deterministic_and_exact():
    net = Network.build(2, [(4, "tanh"), (1, "sigmoid")], "bce")
    a, b = random_values(net, seed=5), random_values(net, seed=5)
    assert a.W == b.W and a.all_exact()
    assert random_values(net, seed=6).W != a.W


def test_describe_deep():
    net = Network.build(2, [(10, "sigmoid")] * 8 + [(1, "sigmoid")], "bce")
    assert net.describe() == "2 → 8 × [10 (sigmoid)] → 1 (sigmoid), loss bce"


def test_repeated_layer_tables_are_read_once_and_errors_keep_their_layer():
    layers = ", ".join(['{units = 2, activation = "tanh"}'] * 5 + ['{units = 1}'])
    net, _ = parse_spec(f"[network]\ninputs = 1\nlayers = [{layers}]\n")
    assert len({id(l) for l in net.layers[:5]}) == 1 and net.layers[5].units == 1
    bad = ", ".join(['{units = 2, activation = "tanh"}'] * 3 + ['{units = true}'])
    with pytest.raises(SpecError, match=r"layer 4: units must be a positive integer"):
        parse_spec(f"[network]\ninputs = 1\nlayers = [{bad}]\n")
