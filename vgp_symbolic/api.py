"""The Python API: ``from vgp_symbolic import Network, derive, prove, lab``.

Each call returns a result that prints as text (``print(r)``), converts to LaTeX
(``r.to_latex()``, a :class:`~vgp_symbolic.latex.Latex` fragment with ``.document()``) and JSON
(``r.to_dict()``), and displays as typeset mathematics in Jupyter. ``vgp derive`` and
``vgp prove`` are thin wrappers around these functions.

>>> r = derive("relu", "w1_11")            # a built-in example, a spec path, or a Network
>>> r.gradient
Fraction(-29, 40)
>>> net = Network.build(2, [(3, "tanh"), (1, "sigmoid")], "bce")
>>> print(derive(net, "w2_11").to_text().splitlines()[0])
Network    2 → 3 (tanh) → 1 (sigmoid), loss bce: L = −y·log(ŷ) − (1 − y)·log(1 − ŷ)
>>> prove("sigmoid").verified
True
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .core.network import (Network, SpecError, Values, is_architecture, read_spec,
                           spec_from_data)

__all__ = ["Network", "derive", "chain", "prove", "DerivationResult", "ChainResult",
           "ProofResult", "ArchResult", "BatchResult"]


class _Shown:
    """Text for ``print``, Markdown with MathJax and LaTeX for Jupyter."""

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return self.to_markdown_math()

    def to_markdown_math(self) -> str:
        """What Jupyter's LaTeX display shows: the Markdown (its math is MathJax already)."""
        return self.to_markdown()

    def _repr_pretty_(self, p, cycle):  # IPython's plain-text display
        p.text(self.to_text())


@dataclass(frozen=True)
class DerivationResult(_Shown):
    """A derivation, evaluated when the network has numbers (``evaluation`` is then set)."""

    derivation: object
    evaluation: object = None

    @property
    def _x(self):
        return self.evaluation if self.evaluation is not None else self.derivation

    @property
    def gradient(self):
        """∂L/∂w as a number (Fraction when exact), or the SymPy expression without numbers."""
        return self.evaluation.gradient if self.evaluation else self.derivation.expression

    @property
    def expression(self):
        return self.derivation.expression

    @property
    def check(self):
        """The independent finite-difference check (None without numbers or with check=False)."""
        return self.evaluation.check if self.evaluation else None

    def to_text(self) -> str:
        from .report import derivation_text
        return derivation_text(self._x)

    def to_latex(self):
        from .report import derivation_tex
        return derivation_tex(self._x)

    def to_dict(self, full_symbols: bool | None = None) -> dict:
        """What ``--format json`` prints; ``full_symbols=True`` lists every symbol the
        definitions reach even above 10 000 named quantities (see ``symbols_note``)."""
        from .report import derivation_dict
        return derivation_dict(self._x, full_symbols)

    def to_markdown(self) -> str:
        from .report import derivation_markdown
        return derivation_markdown(self._x)


@dataclass(frozen=True)
class ChainResult(_Shown):
    """A hand-made chain of factors (the seeds' 0.20 × 0.5 × 0.02) and its update."""

    chain: object
    seed: dict | None = None

    @property
    def gradient(self):
        return self.chain.product

    def to_text(self) -> str:
        from .report import chain_text
        return chain_text(self.chain, self.seed)

    def to_latex(self):
        from .report import chain_tex
        return chain_tex(self.chain)

    def to_dict(self) -> dict:
        from .report import chain_dict
        return chain_dict(self.chain, self.seed)

    def to_markdown(self) -> str:
        from .report import chain_markdown
        return chain_markdown(self.chain)


@dataclass(frozen=True)
class ProofResult(_Shown):
    """Checked proofs (activation bounds, the depth bound); ``verified`` when every step is."""

    results: tuple

    @property
    def verified(self) -> bool:
        return all(r.verified for r in self.results)

    def to_text(self) -> str:
        return "\n\n".join(r.to_text() for r in self.results)

    def to_latex(self):
        from .latex import Latex
        # ragged right: a justified line cannot stretch around a long unbreakable formula
        return Latex("{\\raggedright\n" + "\n\n".join(r.to_latex() for r in self.results)
                     + "\n\\par}\n")

    def to_dict(self):
        objs = [r.to_json() for r in self.results]
        return objs[0] if len(objs) == 1 else objs

    def to_markdown(self) -> str:
        from .proof_display import proofs_markdown
        return proofs_markdown(self.results)


@dataclass(frozen=True)
class _Evaluated(_Shown):
    """A result whose evaluation, if any, is ``result`` (an architecture's or a batch's)."""

    result: object

    @property
    def gradient(self):
        """The evaluated gradient, or None for a symbolic derivation."""
        return getattr(self.result, "gradient", None)

    @property
    def check(self):
        """The independent check of the gradient (None when symbolic or not checked)."""
        return getattr(self.result, "check", None)


@dataclass(frozen=True)
class ArchResult(_Evaluated):
    """A residual or recurrent network's derivation (:mod:`vgp_symbolic.arch_report`)."""

    def to_text(self) -> str:
        from .arch_report import arch_text
        return arch_text(self.result)

    def to_latex(self):
        from .arch_report import arch_tex
        return arch_tex(self.result)

    def to_dict(self) -> dict:
        from .arch_report import arch_dict
        return arch_dict(self.result)

    def to_markdown(self) -> str:
        return "```\n" + self.to_text() + "\n```"

    def to_markdown_math(self) -> str:
        from .arch_report import arch_math
        return arch_math(self.result)


@dataclass(frozen=True)
class BatchResult(_Evaluated):
    """A batch of samples (``[[samples]]``): the mean gradient (:mod:`vgp_symbolic.batch_report`)."""

    def to_text(self) -> str:
        from .batch_report import batch_text
        return batch_text(self.result)

    def to_latex(self):
        from .batch_report import batch_tex
        return batch_tex(self.result)

    def to_dict(self) -> dict:
        from .batch_report import batch_dict
        return batch_dict(self.result)

    def to_markdown(self) -> str:
        from .batch_report import batch_markdown
        return batch_markdown(self.result)


def _batch(batch, wrt, route, lr, precision, symbolic, check) -> BatchResult:
    """A spec with ``[[samples]]`` (any architecture)."""
    from .core.batch import derive_batch, evaluate_batch
    bd = derive_batch(batch, wrt, route)
    return BatchResult(bd if symbolic or not batch.complete else
                       evaluate_batch(bd, lr=lr, precision=precision, check=check))


def _arch(arch, wrt, lr, precision, symbolic, check) -> ArchResult:
    """A residual or recurrent spec (``kind = "recurrent"``, ``residual = true``)."""
    from .core.arch_derive import derive_arch, evaluate_arch
    d = derive_arch(arch, wrt)
    return ArchResult(d if symbolic or not arch.complete else
                      evaluate_arch(d, lr=lr, precision=precision, check=check))


def _load(network, values):
    """(net, values, source, special) from a Network, a spec path or a built-in example's name;
    a spec file is read and parsed once: dense, or special = ("batch" | "arch", its spec)."""
    from .examples import EXAMPLES, load_example
    if isinstance(network, Network):
        return network, values, None, None
    if isinstance(network, str) and network in EXAMPLES and network != "seed":
        net, vals, _ = load_example(network)
        return net, values or vals, f"<example {network}>", None
    if isinstance(network, (str, Path)):
        text, data = read_spec(network)
        if Path(network).suffix == ".toml" and ("samples" in data or is_architecture(data)):
            from .core.arch_spec import arch_from_data
            from .core.batch import batch_from_data
            batch = batch_from_data(data, text, str(network))
            if batch is not None:
                return None, None, str(network), ("batch", batch)
            arch = arch_from_data(data, text, str(network))
            if arch is not None:
                return None, None, str(network), ("arch", arch)
        net, vals = spec_from_data(data, text, str(network))
        return net, values or vals, str(network), None
    raise TypeError(f"derive() takes a Network, a spec path or an example name "
                    f"({', '.join(EXAMPLES)}), not {type(network).__name__}")


def derive(network, wrt: str | None = None, *, values: Values | None = None, route=None, lr=None,
           precision: int | None = None, symbolic: bool = False,
           check: bool = True) -> DerivationResult | ChainResult | ArchResult:
    """The chain rule for ∂L/∂``wrt``: symbolic, and evaluated when there are numbers.

    ``network`` is a :class:`Network` (with ``values``, or symbolic), the path of a TOML spec,
    or a built-in example (``"net"``, ``"relu"``, ``"deep"``; ``"seed"`` is the seeds' chain of
    factors). ``wrt`` defaults to w1_11 (W_11 for a recurrent spec). ``route`` picks one route ("1,1,1"); ``lr`` overrides the spec's learning rate;
    ``precision`` evaluates in mpmath with that many digits. Errors name the spec file.

    >>> derive("net", "w9_11")
    Traceback (most recent call last):
    vgp_symbolic.core.network.SpecError: <example net>, --wrt: w9_11 names layer 9, but the network has layers 1..2
    """
    if network == "seed":
        return chain()
    net, vals, source, special = _load(network, values)
    if special is not None:
        kind, spec = special
        if kind == "batch":
            return _batch(spec, wrt, route, lr, precision, symbolic, check)
        return _arch(spec, wrt, lr, precision, symbolic, check)
    wrt = wrt or "w1_11"
    from .core.derive import derive as build
    from .core.evaluate import evaluate
    try:
        d = build(net, wrt, route)
    except SpecError as e:
        if e.source is not None or source is None:
            raise
        raise SpecError(e.message, source, e.line, e.key) from None
    if symbolic or vals is None or not vals.complete(net):
        return DerivationResult(d)
    return DerivationResult(d, evaluate(d, vals, lr=lr, precision=precision, check=check))


def chain(factors=None, *, old=None, lr=None, names=None) -> ChainResult:
    """Multiply a chain of factors exactly and update a weight (seed 004's example by default).

    >>> print(chain("0.20,0.5,0.02", old="2.5", lr="1").chain.new)
    1249/500
    """
    from .core.chain import SEED_EXAMPLE, factor_chain
    if factors is None:
        s = SEED_EXAMPLE
        return ChainResult(factor_chain(s["factors"], s["old"], s["lr"], s["names"]), s)
    return ChainResult(factor_chain(factors, old, lr, names))


def prove(*targets: str, slope=None, alpha=None, **depth) -> ProofResult:
    """Checked proofs: activations by name, ``"all"``, or ``"depth"`` (with the depth options
    ``activation``, ``weight_norm``, ``layers``, ``below``, ``above``, ``factor``).

    >>> prove("depth", factor="0.1", layers=4).results[0].table[-1].text
    '1/10000 = 0.0001'
    """
    from .core.activations import ACTIVATIONS
    from .proofs import depth_report, prove_activation
    names = [n for t in targets for n in (ACTIVATIONS if t == "all" else [t])]
    own = {"leaky_relu": {"slope": slope}, "elu": {"alpha": alpha}}

    def params(name):
        return {k: v for k, v in own.get(name, {}).items() if v is not None}

    out = []
    for name in names:
        if name == "depth":
            act = depth.pop("activation", "sigmoid")
            out.append(depth_report(act, **depth, **params(act)))
        else:
            out.append(prove_activation(name, **params(name)))
    return ProofResult(tuple(out))
