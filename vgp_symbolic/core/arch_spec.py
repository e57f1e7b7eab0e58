"""Spec files for residual and recurrent networks (dense ones stay with :mod:`.network`).

A **residual** network is a dense spec whose layers may say ``residual = true`` (and
``projection = true`` when the widths differ, with ``P<k>`` in [values])::

    [network]
    inputs = 2
    layers = [ { units = 2, activation = "tanh", residual = true },
               { units = 1, activation = "sigmoid" } ]

A **recurrent** network (see ``examples/rnn.toml``)::

    [network]
    kind = "recurrent"        # or "rnn"
    cell = "lstm"             # "rnn" (vanilla, the default), "lstm" or "gru"
    inputs = 1                # width of xₜ
    hidden = 2                # width of hₜ
    steps = 4                 # T
    activation = "tanh"       # vanilla cell only
    loss = "mse"              # or "half_mse"; on the hidden state
    output = "last"           # the loss on h_T, or "every" step

    [values]
    x = [[1.0], [0.5], [-1.0], [0.2]]      # T rows of `inputs` numbers (a flat list if inputs = 1)
    y = [0.5, -0.5]                        # `hidden` numbers (T rows of them for output = "every")
    Wf = [[0.5, -0.1], [0.2, 0.4]]         # W<gate>[i][j]: unit j of hₜ₋₁ → unit i
    ...                                    # U<gate> (hidden × inputs), b<gate>, h0, c0, lr

Every problem is a :class:`~.network.SpecError` naming the file, line and key.

>>> spec = parse_arch_spec('[network]\\nkind = "rnn"\\ninputs = 1\\nhidden = 1\\nsteps = 2')
>>> spec.model.describe(), spec.complete
('vanilla RNN (tanh), 1 input → 1 hidden unit, T = 2 steps, loss mse on h_T', False)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from .activations import UnknownActivation, get_activation
from .graph import Graph
from .losses import get_vector_loss
from .network import (SpecError, _is_softmax, _line_of, is_architecture, parse_toml,
                      spec_from_data, to_number)
from .recurrent import CELLS, OUTPUTS, RECURRENT_LOSSES, RecurrentNet, build_recurrent
from .residual import ResidualNet, build_residual

__all__ = ["ArchSpec", "load_architecture", "arch_from_data", "parse_arch_spec", "is_architecture"]

_KINDS = {"dense": "dense", "recurrent": "recurrent", "rnn": "recurrent"}
_CELL_ALIASES = {"vanilla": "rnn", "elman": "rnn", "simple": "rnn"}
_RNN_KEYS = {"kind", "cell", "inputs", "hidden", "steps", "activation", "loss", "output"}
MAX_STEPS = 2000  # the symbolic graph grows with T; beyond this use the lab
# words without which a spec is a plain dense one (kind, residual, projection, softmax, a vector loss)
_MARKERS = re.compile(r"\b(kind|residual|projection|softmax|ce|cross\w*|categorical\w*)\b", re.I)


@dataclass
class ArchSpec:
    """A residual or recurrent model, its numbers by leaf name, and the learning rate."""

    model: ResidualNet | RecurrentNet
    numbers: dict = field(default_factory=dict)  # leaf name → Fraction
    lr: Fraction | None = None
    _graph: Graph | None = None

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            build = build_recurrent if isinstance(self.model, RecurrentNet) else build_residual
            self._graph = build(self.model)
        return self._graph

    @property
    def complete(self) -> bool:
        """True when every leaf (input, target, parameter, initial state) has a number."""
        return all(s.name in self.numbers for s, n in self.graph.nodes.items() if n.expr is None)

    def leaves(self) -> dict:
        """{leaf symbol: number} for :meth:`Graph.forward`."""
        return {s: self.numbers[s.name] for s, n in self.graph.nodes.items() if n.expr is None}


def load_architecture(path) -> ArchSpec | None:
    """Read a spec file: an :class:`ArchSpec`, or None when it is a plain dense network (or
    unreadable -- :func:`~.network.load_spec` then reports that)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        # a cheap look first: a wide dense spec takes seconds in tomllib, and names none of these
        if not _MARKERS.search(text):
            return None
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return arch_from_data(data, text, str(path))


def arch_from_data(data: dict, text: str, source: str = "<spec>") -> ArchSpec | None:
    """An :class:`ArchSpec` from parsed TOML, or None for a plain dense network (the caller then
    reads it with :func:`~.network.spec_from_data`: the file is parsed once)."""
    return _from_data(data, text, source) if is_architecture(data) else None


def parse_arch_spec(text: str, source: str = "<spec>") -> ArchSpec:
    """Parse residual or recurrent spec text (dense specs are an error here)."""
    data = parse_toml(text, source)      # malformed TOML: a SpecError with its line
    if not is_architecture(data):
        raise SpecError("neither residual layers nor kind = \"recurrent\": a dense network",
                        source)
    return _from_data(data, text, source)


def _from_data(data, text, source) -> ArchSpec:
    def err(msg, key):
        return SpecError(msg, source, _line_of(text, key.split(".")[-1]), key)

    nd = data["network"]
    kind = nd.get("kind", "dense")
    if not isinstance(kind, str) or kind.strip().lower() not in _KINDS:
        raise err(f"unknown kind {kind!r}; choose dense or recurrent (alias rnn)", "network.kind")
    if _KINDS[kind.strip().lower()] == "recurrent":
        return _recurrent(nd, data, err, source)
    return _residual(data, text, source, err)


def _int(nd, key, err, default=None):
    v = nd.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool):
        raise err(f"{key} must be a whole number, got {v!r}", f"network.{key}")
    return v


def _recurrent(nd, data, err, source) -> ArchSpec:
    extra = set(nd) - _RNN_KEYS
    if extra:
        name = sorted(extra)[0]
        raise err(f"unknown key {name!r} for a recurrent network; expected "
                  f"{', '.join(sorted(_RNN_KEYS))}", f"network.{name}")
    cell = str(nd.get("cell", "rnn")).strip().lower()
    cell = _CELL_ALIASES.get(cell, cell)
    if cell not in CELLS:
        raise err(f"unknown cell {nd.get('cell')!r}; choose one of {', '.join(CELLS)} "
                  "(vanilla, LSTM, GRU)", "network.cell")
    sizes = {}
    for key in ("inputs", "hidden", "steps"):
        if key not in nd:
            raise err(f"a recurrent network needs {key} = N", "network.kind")
        sizes[key] = _int(nd, key, err)
    if sizes["steps"] < 1:
        raise err(f"steps must be at least 1, got {sizes['steps']}: a sequence of length "
                  f"{sizes['steps']} has no step to backpropagate through", "network.steps")
    if sizes["steps"] > MAX_STEPS:
        raise err(f"steps is at most {MAX_STEPS} for a symbolic derivation (the lab trains "
                  "longer sequences), got {sizes['steps']}", "network.steps")
    for key in ("inputs", "hidden"):
        if sizes[key] < 1:
            raise err(f"{key} must be at least 1, got {sizes[key]}", f"network.{key}")
    if "activation" in nd and cell != "rnn":
        raise err(f"activation applies to the vanilla cell only; the {CELLS[cell]}'s gates use "
                  "σ and tanh", "network.activation")
    try:
        act = get_activation(nd.get("activation", "tanh"))
    except UnknownActivation as e:
        raise err(str(e), "network.activation") from None
    loss = str(nd.get("loss", "mse")).strip().lower()
    if loss not in RECURRENT_LOSSES:
        raise err(f"loss {nd.get('loss')!r} is not available for a recurrent network (the "
                  f"hidden state is not a probability); choose {' or '.join(RECURRENT_LOSSES)}",
                  "network.loss")
    output = str(nd.get("output", "last")).strip().lower()
    if output not in OUTPUTS:
        raise err(f"output must be one of {', '.join(OUTPUTS)}, got {nd.get('output')!r}",
                  "network.output")
    model = RecurrentNet(cell, sizes["inputs"], sizes["hidden"], sizes["steps"], act, loss, output)
    _no_extra_tables(data, source)
    return _recurrent_values(model, data.get("values", {}), err)


def _no_extra_tables(data, source):
    extra = set(data) - {"network", "values", "meta"}
    if extra:
        raise SpecError(f"unknown table(s) {sorted(extra)}; expected [network], [values]", source)


def _numbers(v, key, err):
    try:
        return [to_number(e, key) for e in v]
    except ValueError as e:
        raise err(str(e), f"values.{key}") from None


def _vector(vd, key, n, err, what):
    v = vd[key]
    v = v if isinstance(v, list) else [v]
    if len(v) != n or any(isinstance(e, list) for e in v):
        raise err(f"{key} must be a list of {n} number{'s' if n != 1 else ''} ({what}), "
                  f"got {_shape(vd[key])}", f"values.{key}")
    return _numbers(v, key, err)


def _matrix(vd, key, rows, cols, err, what):
    m = vd[key]
    if cols == 1 and isinstance(m, list) and all(not isinstance(e, list) for e in m):
        m = [[e] for e in m]  # a flat list for a one-column matrix (x with one input)
    if rows == 1 and isinstance(m, list) and m and all(not isinstance(e, list) for e in m):
        m = [m]
    if not isinstance(m, list) or len(m) != rows or not all(
            isinstance(r, list) and len(r) == cols for r in m):
        raise err(f"{key} must be {rows}×{cols} ({what}), got {_shape(vd[key])}", f"values.{key}")
    return [_numbers(r, key, err) for r in m]


def _shape(v) -> str:
    if not isinstance(v, list):
        return f"a {type(v).__name__}"
    if v and all(isinstance(r, list) for r in v):
        cols = {len(r) for r in v}
        return f"{len(v)}×{cols.pop() if len(cols) == 1 else 'ragged'}"
    return f"a list of {len(v)}"


def _recurrent_values(model: RecurrentNet, vd, err) -> ArchSpec:
    if not isinstance(vd, dict):
        raise err("[values] must be a table", "values")
    H, I, T = model.hidden, model.inputs, model.steps
    shapes = model.shapes()
    allowed = {"x", "y", "h0", "lr"} | set(shapes) | ({"c0"} if model.cell == "lstm" else set())
    extra = set(vd) - allowed
    if extra:
        name = sorted(extra)[0]
        raise err(f"unknown key {name!r}; this {CELLS[model.cell]} takes "
                  f"{', '.join(sorted(allowed, key=str.lower))}", f"values.{name}")
    nums: dict = {}
    if "x" in vd:
        X = _matrix(vd, "x", T, I, err, f"T = {T} steps of {I} input{'s' if I > 1 else ''}")
        nums.update({f"x{t}_{i}": X[t - 1][i - 1] for t in range(1, T + 1) for i in range(1, I + 1)})
    if "y" in vd:
        if model.output == "last":
            Y = _vector(vd, "y", H, err, "a target for each hidden unit of h_T")
            nums.update({f"y_{i}": Y[i - 1] for i in range(1, H + 1)})
        else:
            Y = _matrix(vd, "y", T, H, err, f"a target for every hidden unit at each of T = {T} steps")
            nums.update({f"y{t}_{i}": Y[t - 1][i - 1] for t in range(1, T + 1) for i in range(1, H + 1)})
    for key in ("h0", "c0"):
        if key in allowed:
            v = _vector(vd, key, H, err, "the initial state") if key in vd else [Fraction(0)] * H
            nums.update({f"{key[0]}0_{i}": v[i - 1] for i in range(1, H + 1)})
    for key, shape in shapes.items():
        if key not in vd:
            if len(shape) == 1:  # biases default to zero, as in a dense spec
                nums.update({f"{key}_{i}": Fraction(0) for i in range(1, H + 1)})
            continue
        if len(shape) == 1:
            v = _vector(vd, key, H, err, "one per hidden unit")
            nums.update({f"{key}_{i}": v[i - 1] for i in range(1, H + 1)})
        else:
            src = "hₜ₋₁" if key.startswith("W") else "xₜ"
            M = _matrix(vd, key, *shape, err, f"rows: hidden units, columns: units of {src}")
            for i in range(1, shape[0] + 1):
                for j in range(1, shape[1] + 1):
                    nums[_pname(key, i, j)] = M[i - 1][j - 1]
    lr = _vector(vd, "lr", 1, err, "the learning rate")[0] if "lr" in vd else None
    return ArchSpec(model, nums, lr)


def _pname(key, i, j):
    sep = "" if i < 10 and j < 10 else "_"
    return f"{key}_{i}{sep}{j}"


def _softmax_head(nd: dict, err):
    """The vector loss of a softmax output (None without one), and ``nd`` with the softmax
    layer's place taken by a linear one for the dense parser: softmax only as the output, with
    cross-entropy, over at least 2 units."""
    layers = nd.get("layers") if isinstance(nd.get("layers"), list) else []
    loss = get_vector_loss(nd.get("loss", "mse"))
    soft = [k for k, l in enumerate(layers, 1) if isinstance(l, dict) and _is_softmax(l)]
    for k in soft:
        if k != len(layers):
            raise err(f"layer {k}: softmax is supported only on the output layer (layer "
                      f"{len(layers)}); a hidden layer needs an elementwise activation",
                      f"network.layers[{k}]")
    if not soft:
        if loss is None:
            return None, nd
        raise err(f"loss {nd.get('loss')!r} needs a softmax output layer (activation = "
                  "\"softmax\" on the last layer); for one sigmoid output use bce", "network.loss")
    K = len(layers)
    last = dict(layers[K - 1])
    if {"residual", "projection", "slope", "alpha"} & set(last):
        bad = sorted({"residual", "projection", "slope", "alpha"} & set(last))[0]
        raise err(f"layer {K}: a softmax output takes no {bad}", f"network.layers[{K}]")
    if isinstance(last.get("units"), int) and last["units"] < 2:
        raise err(f"layer {K}: a softmax over {last['units']} unit is the constant 1; give it "
                  "at least 2 units (one per class)", f"network.layers[{K}]")
    if loss is None:
        raise err(f"a softmax output goes with loss = \"cross_entropy\", got "
                  f"{nd.get('loss', 'mse')!r}",
                  "network.loss" if "loss" in nd else f"network.layers[{K}]")
    last["activation"] = "linear"  # a placeholder: the head replaces the output layer
    return loss, dict(nd, layers=layers[:K - 1] + [last], loss="mse")


def _residual(data, text, source, err) -> ArchSpec:
    nd = dict(data["network"])
    nd.pop("kind", None)
    head, nd = _softmax_head(nd, err)
    layers, res, proj = [], [], []
    for k, ld in enumerate(nd.get("layers") or [], 1):
        if isinstance(ld, dict):
            ld = dict(ld)
            for key, store in (("residual", res), ("projection", proj)):
                v = ld.pop(key, False)
                if not isinstance(v, bool):
                    raise err(f"layer {k}: {key} must be true or false, got {v!r}",
                              f"network.layers[{k}]")
                store.append(v)
        layers.append(ld)
    nd["layers"] = layers
    vd = dict(data.get("values", {})) if isinstance(data.get("values", {}), dict) else data["values"]
    Ps = {k: vd.pop(k) for k in list(vd) if isinstance(vd, dict) and re.fullmatch(r"P\d+", k)}
    net, values = spec_from_data(dict(data, network=nd, values=vd), text, source)
    try:
        model = ResidualNet(net, tuple(res), tuple(proj), head)
    except SpecError as e:
        raise err(e.message, f"network.{e.key}") from None
    if head is not None and values.y is not None:
        problem = head.target_problem(values.y)
        if problem:
            raise err(f"y: {problem}", "values.y")
    nums: dict = {}
    w = net.widths
    for key, m in Ps.items():
        k = int(key[1:])
        if not 1 <= k <= net.depth or not model.projection[k - 1]:
            raise err(f"{key}: layer {k} has no projection (projection = true)", f"values.{key}")
        M = _matrix({key: m}, key, w[k - 1], w[k], err,
                    f"rows: units of layer {k - 1}, columns: units of layer {k}")
        nums.update({f"p{k}_{i}{'' if i < 10 and j < 10 else '_'}{j}": M[i - 1][j - 1]
                     for i in range(1, w[k - 1] + 1) for j in range(1, w[k] + 1)})
    for k in range(1, net.depth + 1):
        if k in values.W:
            for i in range(1, w[k - 1] + 1):
                for j in range(1, w[k] + 1):
                    nums[f"w{k}_{i}{'' if i < 10 and j < 10 else '_'}{j}"] = values.W[k][i - 1][j - 1]
        for j, v in enumerate(values.bias(k, w[k]), 1):
            nums[f"b{k}_{j}"] = v
    if values.x is not None:
        nums.update({f"x_{i}": v for i, v in enumerate(values.x, 1)})
    if values.y is not None:
        nums.update({("y" if net.outputs == 1 else f"y_{j}"): v for j, v in enumerate(values.y, 1)})
    return ArchSpec(model, nums, values.lr)
