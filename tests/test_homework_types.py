"""Every problem type's answers against an independent computation (not the derivation core).

Networks: SymPy differentiates the loss written as ONE composed expression
(``derive.composed_loss``), the naive approach the core avoids. Everything else: hand formulas.
"""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from vgp_symbolic.core.derive import Names, composed_loss
from vgp_symbolic.homework import Student, load_assignment, student_set
from vgp_symbolic.core.network import Network

ROOT = Path(__file__).resolve().parents[1]
N_STUDENTS = 12


@pytest.fixture(scope="module")
def sets():
    a = load_assignment(ROOT / "vgp_symbolic" / "problems" / "hw1.toml")
    return [student_set(a, Student(f"t{i}", "T", 2), class_seed=11) for i in range(N_STUDENTS)]


def problem(s, kind):
    return next(p for p in s.problems if p.type == kind or p.questions[0].problem == kind)


def answers(p):
    return {q.key: q for q in p.questions}


def _rat(v):
    return sp.Rational(v.numerator, v.denominator)


def composed(acts, outputs, P):
    """Loss, gradient wrt w1_11 and outputs from SymPy on the composed expression."""
    net = Network.build(3, [(2, acts[0]), (outputs, acts[1])], "mse")
    n = Names(net)
    L = composed_loss(net, n)
    ys = P["y"] if isinstance(P["y"], list) else [P["y"]]
    subs = {n.x(i + 1): _rat(P["x"][i]) for i in range(3)}
    subs.update({n.w(1, i + 1, j + 1): _rat(P["W1"][i][j]) for i in range(3) for j in range(2)})
    subs.update({n.w(2, i + 1, j + 1): _rat(P["W2"][i][j]) for i in range(2)
                 for j in range(outputs)})
    subs.update({n.b(k, j + 1): 0 for k, w in ((1, 2), (2, outputs)) for j in range(w)})
    subs.update({n.y(j + 1): _rat(ys[j]) for j in range(outputs)})
    g = sp.diff(L, n.w(1, 1, 1)).subs(subs)
    return (g if acts[0] == "relu" else sp.N(g, 30)), subs, n, net


def test_chain_route_by_hand(sets):
    for s in sets:
        p = problem(s, "chain_route")
        P, A = p.params, answers(p)
        g = P["dL"] * P["out"] * P["local"]
        assert A["product"].answer == g
        assert A["new_weight"].answer == P["w"] - P["lr"] * g
        assert A["min_weight"].answer == P["out"] * 4
        left = sorted(m.value for m in A["product"].mistakes if m.id == "factor_left_out")
        assert left == sorted([P["out"] * P["local"], P["dL"] * P["local"], P["dL"] * P["out"]])
        flipped = [m.value for m in A["new_weight"].mistakes if m.id == "sign_flipped"]
        assert flipped == [P["w"] + P["lr"] * g]


def test_sigmoid_network_against_sympy(sets):
    for s in sets:
        p = problem(s, "sigmoid_network")
        P, A = p.params, answers(p)
        g, subs, n, net = composed(("sigmoid", "sigmoid"), 1, P)
        assert A["gradient"].answer == pytest.approx(float(g), rel=1e-12)
        x, W1, W2 = [float(v) for v in P["x"]], P["W1"], P["W2"]
        sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
        h = [sig(sum(x[i] * float(W1[i][j]) for i in range(3))) for j in range(2)]
        yhat = sig(sum(h[j] * float(W2[j][0]) for j in range(2)))
        assert A["hidden"].answer == pytest.approx(h[0], rel=1e-12)
        assert A["output"].answer == pytest.approx(yhat, rel=1e-12)
        assert A["update"].answer == pytest.approx(float(P["W1"][0][0]) - float(P["lr"]) * float(g),
                                                   rel=1e-12)
        # σ for σ′ at the output: the gradient with ŷ(1 − ŷ) replaced by ŷ
        wrong = float(g) / (yhat * (1 - yhat)) * yhat
        assert any(m.id == "sigma_for_sigma_prime" and m.value == pytest.approx(wrong, rel=1e-9)
                   for m in A["gradient"].mistakes)
        dropped_x1 = float(g) / x[0]
        assert any(m.id == "factor_left_out" and m.value == pytest.approx(dropped_x1, rel=1e-9)
                   for m in A["gradient"].mistakes)


def test_relu_network_against_sympy_exactly(sets):
    for s in sets:
        p = problem(s, "relu_network")
        P, A = p.params, answers(p)
        g, *_ = composed(("relu", "relu"), 1, P)
        assert A["gradient"].answer == Fraction(int(g.p), int(g.q))
        g2, *_ = composed(("relu", "relu"), 2, P)
        assert A["two_outputs"].answer == Fraction(int(g2.p), int(g2.q))
        routes = [m.value for m in A["two_outputs"].mistakes if m.id == "one_route_not_sum"]
        assert len(routes) == 2 and sum(routes) == A["two_outputs"].answer
        assert A["update"].answer == P["W1"][0][0] - P["lr"] * A["gradient"].answer
        # the route's factors ∂L/∂ŷ, f′(z₂), w₂₁₁, f′(z₁), x₁ beside the sigmoid network's
        dL, f2, w, f1, x = p.context["compare"]["gradient"]
        assert f1["this"] == 1 and f2["this"] == 1 and f1["changes"]
        assert not w["changes"] and not x["changes"]


def _by_hand(name, alpha, slope):
    """f for each activation, written out with math (not the package's definitions)."""
    sig = lambda z: 1 / (1 + math.exp(-z))                           # noqa: E731
    return {
        "sigmoid": sig, "tanh": math.tanh, "swish": lambda z: z * sig(z),
        "gelu": lambda z: z * (1 + math.erf(z / math.sqrt(2))) / 2,
        "softplus": lambda z: math.log1p(math.exp(z)),
        "elu": lambda z: z if z > 0 else float(alpha) * (math.exp(z) - 1),
        "leaky_relu": lambda z: z if z > 0 else float(slope) * z,
    }[name]


def _slope(f, z):
    h = min(1e-6, abs(z) / 4)      # stays on one side of a kink at 0
    return (f(z + h) - f(z - h)) / (2 * h)


def test_activation_max_against_finite_differences(tmp_path):
    """Each student's activation: sup |f′| on a fine grid, f′(z₀) by central differences."""
    hw = tmp_path / "a.toml"
    hw.write_text('[assignment]\nid = "a"\n[[problems]]\ntype = "activation_max"\n')
    a = load_assignment(hw)
    seen = set()
    grid = [i / 200 for i in range(-8000, 8001)] + [-1e-5, 1e-5]
    for i in range(40):
        p = student_set(a, Student(f"a{i}", "A", 2)).problems[0]
        P, A = p.params, answers(p)
        name = P["activation"]
        seen.add(name)
        f = _by_hand(name, P["alpha"], P["slope"])
        top = max(abs(_slope(f, z)) for z in grid if z != 0)
        sup = float(A["max_slope"].answer)
        assert top == pytest.approx(sup, rel=2e-4), (name, top, sup)
        z0 = float(P["z0"])
        assert float(A["prime_at"].answer) == pytest.approx(_slope(f, z0), rel=1e-6, abs=1e-9)
        unit = abs(float(P["w"])) * sup
        assert float(A["unit_max"].answer) == pytest.approx(unit, rel=1e-12)
        assert float(A["depth_factor"].answer) == pytest.approx(unit ** int(P["n"]), rel=1e-12)
        if name == "sigmoid":
            assert A["max_slope"].answer == Fraction(1, 4)
            assert [m.value for m in A["max_slope"].mistakes] == [Fraction(1, 2)]
    assert len(seen) >= 5, seen


def test_depth_decay_by_hand(sets):
    for s in sets:
        p = problem(s, "depth_decay")
        P, A = p.params, answers(p)
        n, t, c, m = int(P["n"]), P["threshold"], P["c"], int(P["m"])
        q = abs(Fraction(P["w"])) / 4                     # |w| · max σ′, drawn per student
        assert A["decay"].answer == q ** n
        N = next(k for k in range(1, 1000) if q ** k < t)          # by brute force
        assert A["layers_below"].answer == N
        assert A["chain_product"].answer == c ** m
        assert sorted(x.value for x in A["decay"].mistakes if x.id == "wrong_layer_count") == \
            sorted([q ** (n + 1), q ** (n - 1)])


def test_exploding_by_hand(sets):
    for s in sets:
        p = problem(s, "exploding")
        P, A = p.params, answers(p)
        a, b = P["triple"][0] * P["scale"], P["triple"][1] * P["scale"]
        assert A["grad"].answer == P["g_out"] * P["w"] ** int(P["n"])
        assert P["clip"] < A["norm"].answer
        assert A["norm"].answer == math.hypot(a, b)
        clipped = a * P["clip"] / A["norm"].answer
        assert A["clipped"].answer == clipped
        clipped_b = b * P["clip"] / A["norm"].answer
        assert math.hypot(clipped, clipped_b) == pytest.approx(float(P["clip"]))
        assert A["update"].answer == P["w_old"] - P["lr"] * clipped
        # error carried forward: with a wrong norm N, g₁·c/N
        q = A["clipped"]
        assert q.recompute({q.depends_on[0]: Fraction(100)}) == a * P["clip"] / 100


def test_activation_facts_cache_is_the_proof(tmp_path, monkeypatch):
    """The cached facts equal what vgp prove establishes; a damaged cache file is re-proved."""
    from vgp_symbolic.homework.types import activation_max as am
    from vgp_symbolic.proofs import prove_activation
    monkeypatch.setenv("VGP_CACHE_DIR", str(tmp_path))
    am.certified_facts.cache_clear()
    first = am.certified_facts("elu", Fraction(5, 2), None)
    files = list(tmp_path.glob("activation-elu-5_2-None-*.json"))
    assert len(files) == 1
    b = prove_activation("elu", alpha=Fraction(5, 2))
    assert first[0] == Fraction(5, 2) == Fraction(str(b.sup))
    assert list(first[3]) == [r.step.latex for r in b.checked.results]
    am.certified_facts.cache_clear()
    assert am.certified_facts("elu", Fraction(5, 2), None) == first          # read back from the file
    files[0].write_text("{not json")
    am.certified_facts.cache_clear()
    assert am.certified_facts("elu", Fraction(5, 2), None) == first          # proved again
    am.certified_facts.cache_clear()
