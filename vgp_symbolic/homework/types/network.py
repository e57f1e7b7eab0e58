"""The ``network`` problem kind: any dense network and any question about it, from TOML alone.

The file is read by :mod:`~vgp_symbolic.homework.network_problem`; this module solves one draw.
Every answer comes from the derivation core's forward/backward pass
(:func:`~vgp_symbolic.core.backprop.forward_backward`), gradients are checked against the core's
independent finite difference, and the worked solution is the report's
:func:`~vgp_symbolic.report.derivation_latex` of the same evaluation. Mistakes are the same pass
with one ingredient wrong (:mod:`~vgp_symbolic.homework.replay`).

A draw is degenerate -- and drawn again -- when a piecewise-linear unit sits exactly at its kink,
a ReLU on an asked route is dead, an output the gradient flows from equals its target, an answer
is 0 or not finite, or smaller than the question's ``min_abs``. (A dead ReLU is degenerate only
where the asked gradient has at most four routes.)
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache
from types import SimpleNamespace

from ...core.backprop import EvaluationError, forward_backward
from ...core.derive import derive
from ...core.network import Network, Values
from ...mathtext import sub as _sub
from ...numbers import fmt
from ..model import Mistake
from ..replay import Over, State, replay
from .base import Answer, ProblemType, Reject, Solved, as_number, update_answer
from .network_values import MAX_ROUTES, _n_routes

__all__ = ["NetworkProblem", "values_for"]


def _vec(v, n: int) -> list:
    return [v] * 1 if not isinstance(v, list) else list(v[:n])


def values_for(net: Network, p: dict) -> Values:
    """The drawn parameters ``p`` cut to ``net``'s shapes (the leading rows and columns).

    >>> from fractions import Fraction as F
    >>> net = Network.build(1, [(1, "relu")])
    >>> values_for(net, {"x": F(1), "y": [F(2), F(3)], "W1": [[F(1, 2), F(4)]]}).y
    [Fraction(2, 1)]
    """
    w = net.widths
    W = {k: [list(row[:w[k]]) for row in p[f"W{k}"][:w[k - 1]]] for k in range(1, net.depth + 1)}
    b = {k: _vec(p[f"b{k}"], w[k]) for k in range(1, net.depth + 1) if f"b{k}" in p}
    return Values(_vec(p["x"], net.inputs), _vec(p["y"], net.outputs), W, b, p.get("lr"))


@lru_cache(maxsize=256)
def _derivation(net: Network, param: str, route):
    """``derive`` once per network shape and question: the same for every student."""
    return derive(net, param, route)


class _Net:
    """One network of the problem at this draw: the core's pass and its replays."""

    def __init__(self, net: Network, values: Values):
        self.net, self.values = net, values
        try:
            self.run = forward_backward(net, values)
        except EvaluationError as e:
            raise Reject(str(e)) from None
        self.state = replay(net, values, self.run)

    def again(self, over: Over) -> State:
        return replay(self.net, self.values, self.run, over)


class NetworkProblem(ProblemType):
    """A problem type built from one ``type = "network"`` file (one instance per file)."""

    name = "network"

    def __init__(self, spec):
        self.spec = spec
        base = spec.networks[""]
        self.params = {n: "" for n in ["x", "y", "lr"] + [f"W{k}" for k in
                                                           range(1, base.depth + 1)]}
        self.params.update({n: "" for n in spec.params})
        self.answers = {k: q.ask.text for k, q in spec.questions.items()}

    def __reduce__(self):
        # Networks hold activation functions (lambdas): a worker process re-reads the file
        return (_from_file, (str(self.spec.path),))

    def solve(self, p: dict) -> Solved:
        spec = self.spec
        asked = {q.network for q in spec.questions.values()}
        used = {""} | asked | {q.compare for q in spec.questions.values() if q.compare}
        # Most draws are rejected: the cheap checks come first -- an exact forward pass of the
        # piecewise-linear networks, then the core's pass, then every answer's value -- and
        # only a draw that passes them all gets its mistakes and solution built.
        order = sorted(used, key=lambda k: (k not in asked, k))
        values = {name: values_for(spec.networks[name], p) for name in order}
        qs = {name: [q for q in spec.questions.values() if q.network == name] for name in order}
        for name in order:
            early = _exact_forward(spec.networks[name], values[name])
            if early is not None:
                _reject_degenerate(early, qs[name])
            else:
                _reject_rounding_residue(spec.networks[name], values[name])
        nets = {}
        for name in order:
            nets[name] = _Net(spec.networks[name], values[name])
            _reject_degenerate(nets[name], qs[name])
        nets = dict(sorted(nets.items()))
        for q in spec.questions.values():
            n = nets[q.network]
            _check_value(q, as_number(_value_fn(q, n, nets)[0](n.state)))
        answers, extra = {}, {}
        for key, q in spec.questions.items():
            answers[key], extra[key] = _answer(q, nets, spec.questions, answers)
        from ..network_solution import solution_context
        ctx, later = solution_context(spec, nets, answers, extra, p)
        return Solved(answers, ctx, later)

    def answers_for(self, p: dict, keys) -> dict:
        """Answers ``keys`` of a draw accepted before: only the networks they need, no
        mistakes, no degenerate-draw check, no solution -- what error carried forward
        recomputes from (see :meth:`ProblemType.answers_for`)."""
        nets = _Nets(self.spec, p)
        return {key: _answer_only(self.spec.questions[key], nets, self.spec.questions)
                for key in keys}


class _Nets(dict):
    """The problem's networks at one draw, each built on first use."""

    def __init__(self, spec, p: dict):
        super().__init__()
        self.spec, self.p = spec, p

    def __missing__(self, name):
        net = self.spec.networks[name]
        n = self[name] = _Net(net, values_for(net, self.p))
        return n


def _from_file(path: str) -> "NetworkProblem":
    from ..assignment import load_problem_spec
    return load_problem_spec(path).impl


# -- degenerate draws ----------------------------------------------------------------------------
def _reject_degenerate(n: _Net, questions):
    net, s = n.net, n.state
    for k in range(1, net.depth + 1):
        act = net.activation(k)
        if act.piecewise_linear and any(z == 0 for z in s.z[k]):
            raise Reject(f"a {act.name} unit of layer {k} sits exactly at its kink z = 0")
    for q in questions:
        param = _param_of(q, net)
        if param is None:
            continue
        routes = 1 if q.route is not None else _n_routes(net, param)
        for k, units in _route_units(net, param, q.route) if routes <= MAX_ROUTES else ():
            # with few routes a dead ReLU zeroes a route the question is about: draw again;
            # in a wide, deep network dead units are part of the problem
            act = net.activation(k)
            if act.slopes is not None and act.slopes[0] == 0 and any(
                    s.z[k][u - 1] < 0 for u in units):
                raise Reject(f"a dead {act.name} unit of layer {k} on the route of {q.key}")
        outs = _route_units(net, param, q.route)[-1][1]
        if any(s.o[net.depth][u - 1] == n.values.y[u - 1] for u in outs):
            raise Reject(f"an output equals its target, so ∂L/∂ŷ = 0 for {q.key}")


def _exact_forward(net: Network, values: Values):
    """z and o of a piecewise-linear network at rational values, for :func:`_reject_degenerate`
    before the core's pass (an object with ``net``, ``values``, ``state.z``, ``state.o``);
    None for a network it cannot pass exactly."""
    acts = [net.activation(k) for k in range(1, net.depth + 1)]
    z, o = [None], [list(values.x)]
    if not all(a.piecewise_linear for a in acts) or not all(
            isinstance(v, Fraction) for v in o[0]):
        return None
    for k, act in enumerate(acts, 1):
        b, W = values.bias(k, net.widths[k]), values.W[k]
        z.append([sum(W[i][j] * o[k - 1][i] for i in range(net.widths[k - 1])) + b[j]
                  for j in range(net.widths[k])])
        o.append([act.exact_value(v) for v in z[k]])
    return SimpleNamespace(net=net, values=values, state=SimpleNamespace(z=z, o=o))


def _reject_rounding_residue(net: Network, values: Values):
    """A first-layer pre-activation that is exactly 0 (0.04 − 0.24 + 0.2): float64 gives it as
    rounding residue, which the worked solution would print as z = 2.77556 × 10⁻¹⁷."""
    x, W, b = values.x, values.W[1], values.bias(1, net.widths[1])
    if not all(isinstance(v, Fraction) for v in [*x, *b, *(w for row in W for w in row)]):
        return
    for j in range(net.widths[1]):
        if sum(W[i][j] * x[i] for i in range(net.inputs)) + b[j] == 0:
            raise Reject(f"z1_{j + 1} is exactly 0: float64 would show rounding residue")


def _param_of(q, net):
    a = q.ask
    if a.param is not None:
        return net.parse_param(a.param)
    if a.kind == "delta":
        return net.parse_param(f"b{a.layer}_{a.j}")
    return None


def _route_units(net: Network, param, route) -> list[tuple[int, list[int]]]:
    """(layer, units) that the asked gradient passes through, parameter's layer first."""
    k = param.layer
    if route is not None:
        return [(k + m, [u]) for m, u in enumerate(route)]
    return [(k, [param.j])] + [(m, list(range(1, net.widths[m] + 1)))
                               for m in range(k + 1, net.depth + 1)]


# -- answers -------------------------------------------------------------------------------------
def _answer(q, nets: dict, questions: dict, done: dict):
    """(Answer, extra context) for question ``q``."""
    n = nets[q.network]
    a = q.ask
    fn, mistakes, extra = _value_fn(q, n, nets)
    value = as_number(fn(n.state))
    _check_value(q, value)
    if a.kind == "update":
        return _update(q, n, questions, done, value), extra
    ms = _dedupe(value, [Mistake(i, label, as_number(v)) for i, label, v in mistakes(n)])
    deps = _dependencies(q, questions)
    return Answer(value, ms, deps, _recompute(fn, n, deps, questions)), extra


def _check_value(q, value) -> None:
    if value == 0:  # 0, 0.0 and -0.0 are one reason in `vgp check`'s tally
        raise Reject(f"{q.key} is 0 for this draw")
    if isinstance(value, float) and not math.isfinite(value):
        raise Reject(f"{q.key} is {value} for this draw")
    if q.min_abs is not None and abs(value) < q.min_abs:
        raise Reject(f"{q.key} = {fmt(value, 4)} is below min_abs = {q.min_abs:g}")


def _answer_only(q, nets, questions: dict) -> Answer:
    """:func:`_answer` without mistakes or checks (the draw was accepted when rendered)."""
    n = nets[q.network]
    fn = _value_fn(q, n, nets)[0]
    value = as_number(fn(n.state))
    if q.ask.kind == "update":
        earlier = dict.fromkeys(itertools.takewhile(lambda k: k != q.key, questions))
        grad_key = _grad_key(q, questions, earlier)
        if grad_key is not None:
            earlier[grad_key] = _answer_only(questions[grad_key], nets, questions)
        return _update(q, n, questions, earlier, value)
    deps = _dependencies(q, questions)
    return Answer(value, [], deps, _recompute(fn, n, deps, questions))


def _recompute(fn, n: _Net, deps, questions):
    """The answer again on the student's own values of ``deps`` (None without any)."""
    if not deps:
        return None

    def recompute(d):
        return as_number(fn(n.again(_over_from(deps, questions, d, n))))
    return recompute


def _dedupe(value, mistakes: list[Mistake]) -> list[Mistake]:
    """Drop mistakes that give the answer itself by construction (relu′ = 1 on an active unit
    makes "the slope left out" the right answer). Mistakes that coincide with each other stay:
    the draw is then re-drawn (sets.py), so that every diagnosis is unambiguous."""
    return [m for m in mistakes if m.value != value and not (
        isinstance(m.value, float) and not math.isfinite(m.value))]


def _update(q, n: _Net, questions: dict, done: dict, value):
    p = n.net.parse_param(q.ask.param)
    old, lr = n.values.get(p), n.values.lr
    grad_key = _grad_key(q, questions, done)
    g = n.run.gradient(p)
    g = g if isinstance(g, Fraction) else as_number(g)
    if grad_key is not None:
        return update_answer(old, lr, grad_key, done[grad_key].value, _plain(p))
    a = update_answer(old, lr, "_", g, _plain(p))
    return Answer(a.value, a.mistakes)


def _grad_key(q, questions: dict, done) -> str | None:
    """The gradient question answered before the update ``q`` that its step uses."""
    return next((k for k, o in questions.items() if o.ask.kind == "grad" and
                 o.ask.param == q.ask.param and o.network == q.network and o.route is None
                 and k in done), None)


def _plain(p) -> str:
    return f"w⁽{p.layer}⁾{_sub(p.i)}{_sub(p.j)}" if p.kind == "w" else f"b⁽{p.layer}⁾{_sub(p.j)}"


def _dependencies(q, questions: dict) -> tuple[str, ...]:
    """Explicit ``depends_on``; the forward values (z, o, ŷ) and factors it can replay."""
    return tuple(d for d in q.depends_on if questions[d].ask.kind in _REPLAYABLE)


_REPLAYABLE = {"z", "o", "yhat", "dL", "fprime", "delta"}


def _over_from(deps, questions, d: dict, n: _Net) -> Over:
    """An :class:`Over` with the student's values for the questions ``deps``."""
    over = Over()
    K = n.net.depth
    for key in deps:
        if key not in d:
            continue
        a, v = questions[key].ask, d[key]
        v = v if (n.run.mode == "exact" and isinstance(v, Fraction)) else float(v)
        if a.kind == "z":
            over.z[(a.layer, a.j)] = v
        elif a.kind in ("o", "yhat"):
            over.o[(a.layer or K, a.j)] = v
        elif a.kind == "dL":
            over.dL[a.j] = v
        elif a.kind == "fprime":
            over.fprime[(a.layer, a.j)] = v
        elif a.kind == "delta":
            over.delta[(a.layer, a.j)] = v
    return over


from .network_values import value_fn as _value_fn  # noqa: E402  (the tables of what is asked)
