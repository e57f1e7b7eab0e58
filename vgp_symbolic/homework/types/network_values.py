"""What each ``ask`` of a network problem computes, and its catalogue of mistakes.

For every kind of question :func:`value_fn` returns ``fn(state) -> number`` -- evaluated on the
core's pass for the answer, and on a replayed pass for error carried forward -- and
``mistakes(net) -> [(id, label, value)]``, each value the same ``fn`` on a pass with one
ingredient wrong (see :mod:`~vgp_symbolic.homework.replay`). The mistake ids are the grader's:

``sigma_for_sigma_prime``  f(z) used where f′(z) belongs (per layer, and at every layer)
``factor_left_out``        one factor of the chain (a slope, a weight, ∂L/∂ŷ, the input) left out
``loss_derivative_factor`` the 2 of ∂(ŷ − y)²/∂ŷ = 2(ŷ − y) dropped (or added for ½(ŷ − y)²)
``loss_not_averaged``      the outputs' losses summed instead of averaged
``one_route_not_sum``      one route's product given for the sum over every route
``bias_for_weight``        ∂L/∂b = δ given for ∂L/∂w = input·δ
``wrong_activation``       another layer's (or the compared network's) activation derivative
``activation_forgotten``   z given where o = f(z) belongs
``bias_left_out``          z computed without the bias
``index_swapped``          wᵏ_ji read for wᵏ_ij
``norm_not_rooted``, ``norm_l1``, ``ratio_inverted``, ``ratio_of_deltas`` for norms and ratios
"""
from __future__ import annotations

import itertools
from fractions import Fraction

from ...mathtext import sub as _sub
from ...proofs.depth import gradient_bound
from ..replay import Over, fprime_of, norm

__all__ = ["value_fn"]

MAX_ROUTES = 4   # "one route for the sum" is catalogued when there are 2..4 routes


def value_fn(q, n, nets):
    """(fn, mistakes, extra) for question ``q`` on network ``n`` (see the module doc)."""
    a, net = q.ask, n.net
    K = net.depth
    if a.kind in ("z", "o", "yhat", "loss"):
        return _forward(a, net)
    if a.kind == "dL":
        return (lambda s: s.dL[a.j - 1]), _loss_mistakes(n, lambda s: s.dL[a.j - 1]), {}
    if a.kind == "fprime":
        def fn(s):
            return s.fp[a.layer][a.j - 1]
        return fn, _slope_mistakes(n, fn, [a.layer], q.compare and nets[q.compare]), {}
    if a.kind == "weight":
        return (lambda s: s.W[a.layer][a.i - 1][a.j - 1]), _swapped(n, a), {}
    if a.kind == "local":
        return _local(a, n)
    if a.kind == "input":
        p = net.parse_param(a.param)
        return (lambda s: s.o[p.layer - 1][p.i - 1] if p.kind == "w" else 1), \
            (lambda n: [("activation_forgotten", "you gave the weight, not the input it "
                         "multiplies", n.state.W[p.layer][p.i - 1][p.j - 1])]
             if p.kind == "w" else []), {}
    if a.kind in ("grad", "delta", "update", "bound"):
        p = net.parse_param(a.param) if a.param else net.parse_param(f"b{a.layer}_{a.j}")
        if a.kind == "bound":
            return (lambda s: gradient_bound(net, n.run, p)), (lambda n: []), {}
        if a.kind == "update":
            return (lambda s: n.values.get(p) - n.values.lr * s.grad(p)), (lambda n: []), {}
        return _gradient(q, n, p, nets)
    if a.kind == "norm":
        return _norm(a.layer, K)
    return _ratio(K)


# -- forward quantities ----------------------------------------------------------------------
def _forward(a, net):
    K = net.depth
    if a.kind == "loss":
        def fn(s):
            return _loss_of(net, s)

        def mistakes(n):
            L = _loss_of(net, n.state)
            out = []
            if net.outputs > 1:
                out.append(("loss_not_averaged", "you summed the outputs' losses instead of "
                            "averaging them", L * net.outputs))
            if net.loss == "mse":
                out.append(("loss_derivative_factor", "you took ½(ŷ − y)², but L = (ŷ − y)²",
                            L / 2))
            elif net.loss == "half_mse":
                out.append(("loss_derivative_factor", "you left out the ½ of L = ½(ŷ − y)²",
                            L * 2))
            return out
        return fn, mistakes, {}
    k = K if a.kind == "yhat" else a.layer

    def fn(s):
        return (s.z if a.kind == "z" else s.o)[k][a.j - 1]

    def mistakes(n):
        s, out = n.state, []
        if a.kind == "z":
            b = n.values.bias(k, net.widths[k])[a.j - 1]
            if b != 0:
                out.append(("bias_left_out", f"you left out the bias b⁽{k}⁾ = {b}", s.z[k][a.j - 1] - b))
            out.append(("activation_forgotten", "you gave o = f(z), the unit's output, not z",
                        s.o[k][a.j - 1]))
        else:
            out.append(("activation_forgotten", "you gave z, the unit's input, not its output "
                        f"{net.activation(k).symbol}(z)", s.z[k][a.j - 1]))
        return out
    return fn, mistakes, {}


def _loss_of(net, s):
    return sum(net.loss_fn.value(a, t) for a, t in zip(s.o[net.depth], s.y)) / net.outputs


# -- gradients ---------------------------------------------------------------------------------
def _gradient(q, n, p, nets):
    """∂L/∂p in total, or along ``q.route`` (a product of factors); δ for ``dL/dz``."""
    net = n.net
    route = q.route
    if route is None and _n_routes(net, p) == 1:
        route = tuple([p.j] + [1] * (net.depth - p.layer))
    if route is not None:
        def fn(s):
            prod = 1
            for _, v in _route_factors(net, s, p, route):
                prod = prod * v
            return prod
    else:
        def fn(s):
            return s.grad(p)
    compare = nets[q.compare] if q.compare else None

    def mistakes(n):
        g = fn(n.state)
        # along a route, leaving the input out is one of the route's factors (below)
        out = _one_route(n, p) if route is None else []     # the headline mistake first
        if route is None and p.kind == "w" and n.state.o[p.layer - 1][p.i - 1] != 0:
            out.append(("bias_for_weight", "you gave ∂L/∂b = δ, without the input the weight "
                        "multiplies", g / n.state.o[p.layer - 1][p.i - 1]))
        out += _slope_mistakes(n, fn, range(p.layer, net.depth + 1), compare)(n)
        out += _loss_mistakes(n, fn)(n)
        if route is not None:
            out += [(m.id, m.label, m.value) for m in _left_out(g, _route_factors(
                net, n.state, p, route))]
        else:
            out += [("factor_left_out", f"you left out the slopes f′(z⁽{m}⁾) of layer {m}",
                     fn(n.again(Over(slope={m: lambda act, z, o: 1}))))
                    for m in range(p.layer, net.depth + 1)]
        return out
    extra = {"route": route, "param": p}
    return fn, mistakes, extra


def _left_out(total, factors):
    from .base import left_out
    return left_out(total, factors)


def _n_routes(net, p) -> int:
    r = 1
    for w in net.widths[p.layer + 1:]:
        r *= w
    return r


def _route_factors(net, s, p, route) -> list[tuple[str, object]]:
    """The elementary factors of one route: ∂L/∂ŷ, then f′ and w layer by layer, the input."""
    K, k = net.depth, p.layer
    out = [("∂L/∂ŷ", s.dL[route[-1] - 1])]
    for m in range(K, k, -1):
        jm, jprev = route[m - k], route[m - k - 1]
        out.append((f"f′(z⁽{m}⁾{_sub(jm)})", s.fp[m][jm - 1]))
        out.append((f"w⁽{m}⁾{_sub(jprev)}{_sub(jm)}", s.W[m][jprev - 1][jm - 1]))
    out.append((f"f′(z⁽{k}⁾{_sub(p.j)})", s.fp[k][p.j - 1]))
    if p.kind == "w":
        out.append((f"the input o⁽{k - 1}⁾{_sub(p.i)}" if k > 1 else f"x{_sub(p.i)}",
                    s.o[k - 1][p.i - 1]))
    return out


def _one_route(n, p):
    net = n.net
    count = _n_routes(net, p)
    if not 2 <= count <= MAX_ROUTES:
        return []
    out = []
    for tail in itertools.product(*[range(1, w + 1) for w in net.widths[p.layer + 1:]]):
        route = (p.j,) + tail
        v = 1
        for _, f in _route_factors(net, n.state, p, route):
            v = v * f
        out.append(("one_route_not_sum", f"you took only the route through units "
                    f"{', '.join(map(str, tail))}; the parameter reaches L through every route, "
                    "and the routes add", v))
    return out


def _slope_mistakes(n, fn, layers, compare):
    """σ for σ′ per layer and at all of them; another layer's or the compared net's f′."""
    net = n.net
    layers = [m for m in layers]

    def mistakes(n):
        out = []
        for m in layers:
            act = net.activation(m)
            out.append(("sigma_for_sigma_prime", f"you used {act.symbol}(z⁽{m}⁾) where "
                        f"{act.symbol}′(z⁽{m}⁾) belongs (layer {m})",
                        fn(n.again(Over(slope={m: lambda a, z, o: o})))))
        if len(layers) > 1:
            out.append(("sigma_for_sigma_prime", "you used f(z) where f′(z) belongs, at every "
                        "layer", fn(n.again(Over(slope={m: (lambda a, z, o: o)
                                                        for m in layers})))))
        for m in layers:
            for other in {net.activation(l).label: net.activation(l)
                          for l in range(1, net.depth + 1)}.values():
                if other.label == net.activation(m).label:
                    continue
                out.append(("wrong_activation", f"you used {other.symbol}′ at layer {m}, whose "
                            f"units are {net.activation(m).name}", fn(n.again(Over(
                                slope={m: lambda a, z, o, other=other: fprime_of(other, z)})))))
        if compare is not None:
            slopes = {m: (lambda a, z, o, m=m: fprime_of(compare.net.activation(m), z))
                      for m in layers if compare.net.activation(m).label
                      != net.activation(m).label}
            if slopes:
                names = sorted({compare.net.activation(m).name for m in slopes})
                out.append(("wrong_activation", f"you kept the {'/'.join(names)} slopes where "
                            "this network's units have their own", fn(n.again(Over(
                                slope=slopes)))))
        return out
    return mistakes


def _loss_mistakes(n, fn):
    net = n.net

    def mistakes(n):
        out = []
        if net.loss == "mse":
            out.append(("loss_derivative_factor", "you dropped the 2 of ∂L/∂ŷ = 2(ŷ − y) (that is "
                        "the derivative of ½(ŷ − y)², not of (ŷ − y)²)",
                        fn(n.again(Over(dL_scale=Fraction(1, 2))))))
        elif net.loss == "half_mse":
            out.append(("loss_derivative_factor", "you took ∂L/∂ŷ = 2(ŷ − y), but L = ½(ŷ − y)² "
                        "gives ŷ − y", fn(n.again(Over(dL_scale=2)))))
        if net.outputs > 1:
            out.append(("loss_not_averaged", "you summed the outputs' losses instead of "
                        "averaging them (L is their mean)",
                        fn(n.again(Over(dL_scale=net.outputs)))))
        return out
    return mistakes


def _swapped(n, a):
    def mistakes(n):
        W = n.state.W[a.layer]
        if a.j <= len(W) and a.i <= len(W[0]):
            return [("index_swapped", f"you read w⁽{a.layer}⁾{_sub(a.j)}{_sub(a.i)} for "
                     f"w⁽{a.layer}⁾{_sub(a.i)}{_sub(a.j)}", W[a.j - 1][a.i - 1])]
        return []
    return mistakes


def _local(a, n):
    net = n.net
    p = net.parse_param(a.param)
    k = p.layer

    def inp(s):
        return s.o[k - 1][p.i - 1] if p.kind == "w" else 1

    def fn(s):
        return s.fp[k][p.j - 1] * inp(s)

    def mistakes(n):
        s, act = n.state, net.activation(k)
        out = [("sigma_for_sigma_prime", f"you used {act.symbol}(z) where {act.symbol}′(z) "
                "belongs", s.o[k][p.j - 1] * inp(s))]
        if p.kind == "w":
            out.append(("factor_left_out", "you left out the input the weight multiplies",
                        s.fp[k][p.j - 1]))
            out.append(("factor_left_out", f"you left out the slope {act.symbol}′(z)", inp(s)))
        return out
    return fn, mistakes, {}


# -- norms -------------------------------------------------------------------------------------
def _norm(k, K):
    def fn(s):
        return norm(s.delta[k])

    def mistakes(n):
        d = n.state.delta[k]
        return [("norm_not_rooted", "you gave ‖δ‖², the sum of squares, without the square root",
                 sum(v * v for v in d)),
                ("norm_l1", "you added |δ| (the 1-norm) instead of the Euclidean norm",
                 sum(abs(v) for v in d))]
    return fn, mistakes, {}


def _wnorm(s, k):
    """‖∂L/∂Wᵏ‖_F = ‖oᵏ⁻¹‖·‖δᵏ‖ (the gradient is an outer product)."""
    return norm(s.o[k - 1]) * norm(s.delta[k])


def _ratio(K):
    def fn(s):
        return _wnorm(s, 1) / _wnorm(s, K)

    def mistakes(n):
        s = n.state
        return [("ratio_inverted", "you divided the last layer's norm by the first's",
                 _wnorm(s, K) / _wnorm(s, 1)),
                ("ratio_of_deltas", "you compared ‖δ¹‖/‖δᴷ‖, leaving out the inputs' norms "
                 "‖oᵏ⁻¹‖ of ∂L/∂Wᵏ = oᵏ⁻¹ ⊗ δᵏ", norm(s.delta[1]) / norm(s.delta[K]))]
    return fn, mistakes, {}
