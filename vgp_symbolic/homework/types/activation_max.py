"""Type 3: how large can the slope of *your* activation be -- and what does that allow?

Each student draws an activation (sigmoid, tanh, swish, GELU, softplus, ELU with its α, leaky
ReLU with its slope), a weight w, a point z₀ and a depth n. The maximum of |f′| is not solved
here: it is the certified result of :func:`vgp_symbolic.proofs.prove_activation` (what
``vgp prove`` prints), whose checked steps the worked solution shows. The questions:

* ``max_slope`` -- sup |f′| (a property of f alone: the same for everyone who has f),
* ``unit_max`` -- the most a unit h = f(w·x) passes back to x: |w|·sup |f′|,
* ``prime_at`` -- f′(z₀),
* ``depth_factor`` -- the most n such units in a row pass back: (|w|·sup |f′|)ⁿ.

>>> from fractions import Fraction as F
>>> s = ActivationMax().solve({"activation": "sigmoid", "alpha": F(2), "slope": F(1, 10),
...                            "w": F(2), "z0": F(0), "n": F(3)})
>>> [s.answers[k].value for k in ("max_slope", "unit_max", "prime_at", "depth_factor")]
[Fraction(1, 4), Fraction(1, 2), 0.25, Fraction(1, 8)]
"""
from __future__ import annotations

from fractions import Fraction
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import mpmath
import sympy as sp

from ...core.activations import get_activation
from ...fileio import atomic_write_text
from ...numbers import fmt, to_mpf
from ...proofs import prove_activation
from ..latex import TeX, exact_tex
from ..model import Mistake
from .base import Answer, ProblemType, Reject, Solved, as_number, to_fraction

# How each activation is written for a student (data: definitions, not derivations).
_DEFINITIONS = {
    "sigmoid": (r"the sigmoid", r"\sigma(z) = \frac{1}{1 + e^{-z}}"),
    "tanh": (r"$\tanh$", r"\tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}"),
    "swish": (r"swish (SiLU)", r"\operatorname{swish}(z) = z\,\sigma(z) = \frac{z}{1 + e^{-z}}"),
    "gelu": (r"GELU", r"\operatorname{gelu}(z) = z\,\Phi(z)\text{, with }\Phi\text{ the standard "
                      r"normal distribution function}"),
    "softplus": (r"softplus", r"\operatorname{softplus}(z) = \ln\bigl(1 + e^{z}\bigr)"),
    "elu": (r"ELU with $\alpha = {a}$",
            r"\operatorname{elu}(z) = \begin{cases} z & z > 0 \\ {a}\,\bigl(e^{z} - 1\bigr) "
            r"& z \le 0 \end{cases}"),
    "leaky_relu": (r"leaky ReLU with slope ${s}$",
                   r"\operatorname{lrelu}(z) = \begin{cases} z & z > 0 \\ {s}\,z & z \le 0 "
                   r"\end{cases}"),
}


def _options(p: dict) -> tuple[str, dict]:
    name = p["activation"]
    if name not in _DEFINITIONS:
        raise Reject(f"activation {name!r} is not one this problem can set "
                     f"({', '.join(_DEFINITIONS)})")
    if name == "elu":
        return name, {"alpha": Fraction(p["alpha"])}
    if name == "leaky_relu":
        return name, {"slope": Fraction(p["slope"])}
    return name, {}


@lru_cache(maxsize=None)
def certified_facts(name: str, alpha, slope) -> tuple:
    """(sup |f′|, its LaTeX, where it is attained, the proof's steps, f′ in LaTeX): the
    certified facts of ``vgp prove``, shared by every student with the same f.

    Verifying a proof takes SymPy seconds; its result depends only on the activation and on
    the proof code, so it is kept in a cache file keyed by both (:func:`_cache_file`): a class
    of 200 is typeset in about a second once each activation has been proved once."""
    path = _cache_file(name, alpha, slope)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        sup = Fraction(d["sup"]) if d["exact"] else float(d["sup"])
        return sup, TeX(d["sup_tex"]), TeX(d["argmax"]), tuple(map(TeX, d["steps"])), \
            TeX(d["derivative"]), d["attained_at"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    b = prove_activation(name, slope=slope, alpha=alpha)
    if not b.verified:
        raise RuntimeError(f"the proof for {b.activation} did not verify")
    exact = b.sup is not None and b.sup.is_Rational
    sup = to_fraction(b.sup) if exact else float(b.sup_enclosure.mid)
    z = sp.nsimplify(b.argmax_expr) if b.argmax_expr is not None else None
    d = {"exact": exact, "sup": str(sup) if exact else repr(sup), "sup_tex": _sup_tex(b),
         "argmax": _argmax_tex(b), "steps": [r.step.latex for r in b.checked.results],
         "derivative": b.derivative_latex,
         "attained_at": str(to_fraction(z)) if z is not None and z.is_Rational else None}
    try:
        atomic_write_text(path, json.dumps(d))
    except OSError:      # a read-only home: prove again next time
        pass
    return sup, TeX(d["sup_tex"]), TeX(d["argmax"]), tuple(map(TeX, d["steps"])), \
        TeX(d["derivative"]), d["attained_at"]


@lru_cache(maxsize=1)
def _proof_code_hash() -> str:
    """Changes whenever the code that proves the facts (or defines the activations) does."""
    from ... import proofs
    from ...core import activations
    h = hashlib.sha256()
    for f in sorted(Path(proofs.__file__).parent.glob("*.py")) + [Path(activations.__file__)]:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _cache_file(name: str, alpha, slope) -> Path:
    root = Path(os.environ.get("VGP_CACHE_DIR") or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vgp_symbolic")
    key = f"{name}-{alpha}-{slope}".replace("/", "_")
    return root / f"activation-{key}-{_proof_code_hash()}.json"


def _sup_tex(b) -> str:
    if b.sup is not None and b.sup.is_Rational:
        return exact_tex(to_fraction(b.sup))
    if b.sup is not None:
        return rf"{sp.latex(b.sup)} \approx {b.sup_digits}"
    return rf"\approx {b.sup_digits}"


def _argmax_tex(b) -> str:
    if b.argmax_expr is not None:
        return rf"at $z = {sp.latex(b.argmax_expr)}$"
    if b.argmax_enclosure is not None:
        return rf"at $z^* \approx {b.argmax_enclosure.sig_digits(7)}$, the root of $f''$"
    if b.sup_attained:
        return r"for every $z > 0$"
    return r"approached as $z \to +\infty$ but never attained"


@lru_cache(maxsize=4096)
def _at(name: str, alpha, slope, z0: Fraction):
    """(f(z₀), f′(z₀)): exact for piecewise-linear f, else 30-digit mpmath from the SymPy
    definitions (the same functions derive and the grader use)."""
    act = get_activation(name, slope=slope, alpha=alpha)
    if act.piecewise_linear:
        return act.exact_value(z0), act.exact_derivative(z0)
    if name == "elu" and z0 > 0:
        return z0, Fraction(1)
    with mpmath.workdps(30):
        z = to_mpf(z0)
        o = act.mp_f(z)
        return as_number(o), as_number(act.mp_df(z, o))


class ActivationMax(ProblemType):
    name = "activation_max"
    params = {"activation": "the student's activation (sigmoid, tanh, swish, gelu, softplus, "
                            "elu, leaky_relu)",
              "alpha": "ELU's α (used when the activation is elu)",
              "slope": "leaky ReLU's slope (used when the activation is leaky_relu)",
              "w": "the weight into the unit", "z0": "a point at which to evaluate f′",
              "n": "the number of units in a row"}
    answers = {"max_slope": "the largest value of |f′(z)| over all z",
               "unit_max": "the most a unit h = f(w·x) passes back to x: |w|·max |f′|",
               "prime_at": "f′(z₀)",
               "depth_factor": "(|w|·max |f′|)ⁿ, the most n such units in a row pass back"}

    def solve(self, p: dict) -> Solved:
        name, kw = _options(p)
        w, z0, n = Fraction(p["w"]), Fraction(p["z0"]), int(p["n"])
        if n != p["n"] or n < 2 or w == 0:
            raise Reject("n must be an integer ≥ 2 and w ≠ 0")
        sup, sup_tex, argmax_tex, steps, derivative, top_at = certified_facts(
            name, kw.get("alpha"), kw.get("slope"))
        f0, d0 = _at(name, kw.get("alpha"), kw.get("slope"), z0)
        unit = as_number(abs(w) * sup)
        depth = as_number(unit ** n)
        answers = {
            "max_slope": Answer(sup, _max_mistakes(top_at, name, kw)),
            "unit_max": Answer(unit, [Mistake(
                "weight_left_out", f"you gave max |f′| = {fmt(sup, 6)} without the weight: "
                "∂h/∂x = f′(w·x)·w", sup)] if abs(w) != 1 else []),
            "prime_at": Answer(d0, [Mistake(
                "sigma_for_sigma_prime", "you gave f(z₀), the value of the activation, where "
                "its slope f′(z₀) belongs", f0)]),
            "depth_factor": Answer(depth, [
                Mistake("wrong_layer_count", f"you multiplied {n - 1} factors instead of {n}",
                        as_number(unit ** (n - 1))),
                Mistake("wrong_layer_count", f"you multiplied {n + 1} factors instead of {n}",
                        as_number(unit ** (n + 1)))]
                + ([Mistake("weight_left_out", "you left out the weights: each unit passes "
                            "back |w|·f′, not f′ alone", as_number(sup ** n))]
                   if abs(w) != 1 else [])),
        }
        label, definition = _DEFINITIONS[name]
        a, s = (exact_tex(kw[k]) if k in kw else "" for k in ("alpha", "slope"))
        ctx = {"activation": name, "label": TeX(label.replace("{a}", a).replace("{s}", s)),
               "definition": TeX(definition.replace("{a}", a).replace("{s}", s)),
               "derivative": derivative, "sup": sup, "sup_tex": sup_tex,
               "argmax": argmax_tex, "steps": steps, "prove_args": _prove_args(name, kw),
               "w": w, "abs_w": abs(w), "z0": z0, "n": n, "f0": f0, "d0": d0, "unit": unit,
               "depth": depth, "vanishes": unit < 1, "universal": ("max_slope",)}
        return Solved(answers, ctx)



def _max_mistakes(top_at: str | None, name: str, kw: dict) -> list[Mistake]:
    """The value of f itself at the point where f′ is largest (σ(0) = 1/2 for σ′)."""
    if top_at is None:
        return []
    z = Fraction(top_at)
    f_star, _ = _at(name, kw.get("alpha"), kw.get("slope"), z)
    return [Mistake("sigma_for_sigma_prime", f"you gave f({fmt(z)}) = {fmt(f_star, 6)}, the value "
                    "of the activation, where the maximum of its slope belongs", f_star)]


def _prove_args(name: str, kw: dict) -> str:
    """The ``vgp prove`` arguments that print this proof (shown to the student)."""
    extra = "".join(f" --{k} {fmt(v)}" for k, v in kw.items())
    return f"vgp prove {name}{extra}"
