"""Types 2 and 5: ∂L/∂w₁₁ in the seeds' 3 → 2 → 1 network, with sigmoid and with ReLU.

Everything numeric comes from :func:`~vgp_symbolic.core.derive.derive` +
:func:`~vgp_symbolic.core.evaluate.evaluate` (the same derivation ``vgp derive`` prints, checked
against a finite difference); the worked solution embeds
:func:`~vgp_symbolic.report.derivation_latex` of that evaluation.

>>> from fractions import Fraction as F
>>> p = {"x": [F(1, 2), F(-3, 10), F(4, 5)], "y": F(1), "lr": F(1, 2),
...      "W1": [[F(2, 10), F(-4, 10)], [F(3, 10), F(1, 10)], [F(-5, 10), F(6, 10)]],
...      "W2": [[F(7, 10)], [F(-2, 10)]]}
>>> round(SigmoidNetwork().solve(p).answers["gradient"].value, 6)
-0.019137
"""
from __future__ import annotations

from fractions import Fraction

from ...core.evaluate import Evaluation, evaluate
from ...core.network import Values
from ...report import derivation_latex, expr_latex, number_latex
from ..latex import TeX
from ..model import Mistake
from .base import (Answer, ProblemType, Reject, Solved, as_number, cached_derivation,
                   left_out, sigmoid, update_answer)

LAYERS_SIG = ((2, "sigmoid"), (1, "sigmoid"))
LAYERS_RELU = ((2, "relu"), (1, "relu"))
LAYERS_RELU2 = ((2, "relu"), (2, "relu"))


def _evaluate(layers, values: Values, route=None, check=True) -> Evaluation:
    d = cached_derivation(3, layers, "mse", "w1_11", route)
    ev = evaluate(d, values, check=False)
    if ev.gradient == 0:
        # e.g. two routes that cancel: nothing to compute by hand, and a relative
        # finite-difference check cannot judge an exact 0 -- draw again
        raise Reject("∂L/∂w₁₁ = 0 for this draw")
    if check:
        ev = evaluate(d, values, check=True)
    if any(l[1] == "relu" for l in layers) and any(
            z == 0 for k in range(1, len(ev.run.z)) for z in ev.run.z[k]):
        raise Reject("a ReLU unit sits exactly at its kink z = 0, where relu′ is undefined")
    if ev.check is not None and not ev.check.agrees:  # the core disagrees with itself: stop
        raise RuntimeError(f"gradient check failed: {ev.check}")
    return ev


def _values(p: dict, columns: int) -> Values:
    W2 = [row[:columns] for row in p["W2"]]
    y = p["y"] if isinstance(p["y"], list) else [p["y"]]
    return Values(list(p["x"]), list(y[:columns]), {1: [r[:] for r in p["W1"]], 2: W2},
                  {1: [Fraction(0)] * 2, 2: [Fraction(0)] * columns}, p["lr"])


def _route_parts(ev: Evaluation, x1) -> list[tuple[str, object]]:
    """The five elementary factors of the single route: ∂L/∂ŷ, f′(z₂), w⁽²⁾₁₁, f′(z₁), x₁."""
    dL, f2, w, _local = ev.factor_values
    return [("∂L/∂ŷ", dL), ("∂ŷ/∂z₂ = f′(z₂)", f2), ("w⁽²⁾₁₁", w),
            ("∂o₁/∂z₁ = f′(z₁)", ev.run.fprime[1][0]), ("x₁", x1)]


class SigmoidNetwork(ProblemType):
    name = "sigmoid_network"
    params = {"x": "the 3 inputs", "y": "the target", "W1": "3×2 first-layer weights",
              "W2": "2×1 output weights", "lr": "the learning rate η"}
    answers = {"hidden": "o₁ = σ(z₁), hidden unit 1's output", "output": "ŷ, the network's output",
               "gradient": "∂L/∂w₁₁", "update": "w₁₁ after one gradient-descent step"}

    def solve(self, p: dict) -> Solved:
        vals = _values(p, 1)
        ev = _evaluate(LAYERS_SIG, vals)
        run = ev.run
        g = as_number(ev.gradient)
        if abs(g) < 1e-3:
            raise Reject("gradient too small to compute by hand")
        z1, o1, z2, yhat = (as_number(v) for v in (run.z[1][0], run.o[1][0], run.z[2][0],
                                                   run.o[2][0]))
        s1, s2 = as_number(run.fprime[1][0]), as_number(run.fprime[2][0])
        grad_m = [
            Mistake("sigma_for_sigma_prime", "you used σ(z₁) where σ′(z₁) = σ(z₁)(1 − σ(z₁)) "
                    "belongs (hidden unit)", g / s1 * o1),
            Mistake("sigma_for_sigma_prime", "you used σ(z₂) = ŷ where σ′(z₂) = ŷ(1 − ŷ) belongs "
                    "(output unit)", g / s2 * yhat),
            Mistake("sigma_for_sigma_prime", "you used σ(z) where σ′(z) belongs, at both units",
                    g / s1 * o1 / s2 * yhat),
            *left_out(g, [(n, as_number(v)) for n, v in _route_parts(ev, p["x"][0])]),
            Mistake("loss_derivative_factor", "you dropped the 2 of ∂L/∂ŷ = 2(ŷ − y) (that is "
                    "the derivative of ½(ŷ − y)², not of (ŷ − y)²)", g / 2),
        ]
        answers = {
            "hidden": Answer(o1, [Mistake("activation_forgotten", "you gave z₁, the input of "
                                          "hidden unit 1, not its output σ(z₁)", z1)]),
            "output": Answer(yhat, [Mistake("activation_forgotten", "you gave z₂, not ŷ = σ(z₂)",
                                            z2)]),
            "gradient": Answer(g, grad_m),
            "update": update_answer(p["W1"][0][0], p["lr"], "gradient", g, "w₁₁"),
        }
        ctx = {"ev": ev, "values": vals,
               "z1": z1, "o1": o1, "z2": z2, "yhat": yhat, "s1": s1, "s2": s2}
        return Solved(answers, ctx, {"derivation_tex": lambda: TeX(derivation_latex(ev))})


class ReluNetwork(ProblemType):
    name = "relu_network"
    params = {"x": "the 3 inputs", "y": "the 2 targets (the single-output network uses the "
              "first)", "W1": "3×2 first-layer weights", "W2": "2×2 output weights (the "
              "single-output network uses the first column)", "lr": "the learning rate η"}
    answers = {"output": "ŷ with ReLU units", "gradient": "∂L/∂w₁₁ with ReLU units",
               "update": "w₁₁ after one gradient-descent step (ReLU network)",
               "two_outputs": "∂L/∂w₁₁ when the network has two ReLU outputs (sum over routes)"}

    def solve(self, p: dict) -> Solved:
        one, two = _values(p, 1), _values(p, 2)
        # Most draws are rejected (an inactive unit, or a unit exactly at the kink): a quick
        # look at the preactivations first. Only a filter -- every number shown comes from the
        # core's evaluation below, which checks the kinks again.
        z1, z2 = _relu_preactivations(p)
        if z1[0] <= 0 or any(z == 0 for z in z1) or any(z <= 0 for z in z2):
            raise Reject("hidden unit 1 and both outputs must be active, no unit at a kink")
        ev = _evaluate(LAYERS_RELU, one)          # exact: ReLU keeps rationals rational
        run = ev.run
        ev2 = _evaluate(LAYERS_RELU2, two)
        if run.o[2][0] == one.y[0] or any(o == y for o, y in zip(ev2.run.o[2], two.y)):
            raise Reject("every output must differ from its target (else ∂L/∂ŷ = 0)")
        ev_sig = _evaluate(LAYERS_SIG, one, check=False)
        routes = [_evaluate(LAYERS_RELU2, two, route=(1, 1, k), check=False) for k in (1, 2)]
        g, g2 = ev.gradient, ev2.gradient
        o1, yhat = run.o[1][0], run.o[2][0]
        sig = sigmoid()
        sp1, sp2 = (as_number(sig.np_df(float(z), sig.np_f(float(z))))
                    for z in (run.z[1][0], run.z[2][0]))
        grad_m = [
            *left_out(g, _route_parts(ev, p["x"][0])),
            Mistake("sigma_for_sigma_prime", "you used relu(z₁) = o₁ where relu′(z₁) = 1 belongs",
                    g * o1),
            Mistake("sigma_for_sigma_prime", "you used relu(z₂) = ŷ where relu′(z₂) = 1 belongs",
                    g * yhat),
            Mistake("sigmoid_derivative_kept", "you kept the sigmoid slopes σ′(z) where ReLU has "
                    "relu′(z) = 1", as_number(g * sp1 * sp2)),
        ]
        two_m = [Mistake("one_route_not_sum", f"you took only the route through output {k}; "
                         "w₁₁ reaches the loss through both "
                         "outputs, so the routes add", r.route_product)
                 for k, r in zip((1, 2), routes)]
        two_m.append(Mistake("loss_not_averaged", "you summed the two outputs' losses instead of "
                             "averaging them (L is their mean)", g2 * 2))
        answers = {
            "output": Answer(yhat, []),
            "gradient": Answer(g, grad_m),
            "update": update_answer(p["W1"][0][0], p["lr"], "gradient", g, "w₁₁"),
            "two_outputs": Answer(g2, two_m),
        }
        rows = _comparison(ev_sig, ev, p["x"][0])
        ctx = {"ev": ev, "values": one, "values2": two, "ev_sigmoid": ev_sig,
               "comparison": rows, "ev2": ev2, "routes": routes}
        later = {"derivation_tex": lambda: TeX(derivation_latex(ev)),
                 "derivation2_tex": lambda: TeX(derivation_latex(ev2)),
                 "route_tex": lambda: [_route_tex(r) for r in routes]}
        return Solved(answers, ctx, later)


def _route_tex(ev: Evaluation) -> TeX:
    """One route's factors, formula and value each, and their product (an ``align*``)."""
    d = ev.derivation
    rows = [rf"{f.latex} &= {expr_latex(d.names, f.expression)} = {number_latex(v)}"
            for f, v in zip(d.factors, ev.factor_values)]
    rows.append(r"\text{product} &= " + r" \times ".join(
        rf"\left({number_latex(v)}\right)" if v < 0 else number_latex(v)
        for v in ev.factor_values) + rf" = {number_latex(ev.route_product)}")
    return TeX("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")


def _relu_preactivations(p: dict):
    """z of the hidden layer and of both outputs for ReLU units, biases 0 (a draw filter)."""
    x, W1, W2 = p["x"], p["W1"], p["W2"]
    z1 = [sum(x[i] * W1[i][j] for i in range(3)) for j in range(2)]
    o1 = [max(z, 0) for z in z1]
    z2 = [sum(o1[i] * W2[i][k] for i in range(2)) for k in range(2)]
    return z1, z2


def _comparison(ev_sig: Evaluation, ev_relu: Evaluation, x1) -> list[dict]:
    """The route's factors with sigmoid and with ReLU, and whether each changes."""
    names = ["dL", "f2", "w", "f1", "x"]
    tex = [TeX(t) for t in (r"\partial L/\partial \hat{y} = 2(\hat{y} - y)", r"f'(z^{(2)}_{1})",
                            r"w^{(2)}_{11}", r"f'(z^{(1)}_{1})", r"x_{1}")]
    out = []
    pairs = zip(_route_parts(ev_sig, x1), _route_parts(ev_relu, x1))
    for n, t, ((_, s), (_, r)) in zip(names, tex, pairs):
        s, r = as_number(s), as_number(r)
        out.append({"name": n, "tex": t, "sigmoid": s, "relu": r,
                    "changes": abs(float(s) - float(r)) > 1e-12})
    return out
