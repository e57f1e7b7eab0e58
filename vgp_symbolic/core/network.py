"""The network specification: architecture, parameter names and the numbers to evaluate at.

A network is read from TOML (see ``examples/seed_net.toml``)::

    [network]
    inputs = 3
    layers = [ { units = 2, activation = "sigmoid" }, { units = 1, activation = "sigmoid" } ]
    loss = "mse"

    [values]                      # optional; omitted entries stay symbolic
    x = [1.0, 0.5, -1.0]
    W1 = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]   # W1[i][j]: unit i of layer 0 -> unit j of layer 1

Decimals are taken exactly (``0.1`` is 1/10) because TOML floats are read back through their
shortest decimal representation; a string such as ``"1/3"`` gives any other rational.

Parameter names follow the seeds, 1-based: ``w2_11`` is w^2_{11}, the weight from unit 1 of layer 1
to unit 1 of layer 2; ``b1_2`` is the bias of unit 2 of layer 1. Where an index has two digits the
indices are separated: ``w1_3_12``.

>>> net = Network.build(3, [(2, "sigmoid"), (1, "sigmoid")], "mse")
>>> net.widths
(3, 2, 1)
>>> net.parse_param("w2_11")
Param(kind='w', layer=2, i=1, j=1)
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Union

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from .._lazy import lazy_import
from ..errors import UserError
from ..numbers import exact
from ..tomlpos import item_line, key_line
from .activations import Activation, UnknownActivation, get_activation
from .losses import Loss, UnknownLoss, get_loss, get_vector_loss

__all__ = ["Network", "Layer", "Param", "Values", "SpecError", "load_spec",
           "parse_spec", "parse_toml", "read_spec", "spec_from_data", "to_number", "random_values"]

Number = Union[Fraction, float]
np = lazy_import("numpy")

# Numbers from a spec or a homework draw; bounded so that exact arithmetic stays cheap.
_MAX_DIGITS = 60


class SpecError(UserError):
    """A problem with a network spec; ``str()`` names the file, line and key when known."""

    def __init__(self, message: str, source: str | None = None, line: int | None = None,
                 key: str | None = None):
        self.message, self.source, self.line, self.key = message, source, line, key
        where = source or "<spec>"
        if line:
            where += f", line {line}"
        if key:
            where += f", {key}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Layer:
    units: int
    activation: Activation


@dataclass(frozen=True)
class Param:
    """A weight ``w^layer_ij`` or a bias ``b^layer_j`` (1-based; i indexes layer-1)."""

    kind: str
    layer: int
    i: int | None
    j: int

    @property
    def name(self) -> str:
        if self.kind == "b":
            return f"b{self.layer}_{self.j}"
        sep = "" if self.i < 10 and self.j < 10 else "_"
        return f"w{self.layer}_{self.i}{sep}{self.j}"


_PARAM_RE = re.compile(r"^\s*([wWbB])\s*\^?\s*\{?(\d+)\}?\s*_\s*\{?(\d+)(?:[_,](\d+))?\}?\s*$")


@dataclass(frozen=True)
class Network:
    """A dense feed-forward network: ``inputs`` units, then ``layers``; the last is the output."""

    inputs: int
    layers: tuple[Layer, ...]
    loss: str  # the name; the record is :attr:`loss_fn`
    # derived once: widths is read per layer by every pass, and rebuilding it made depth quadratic
    widths: tuple[int, ...] = field(init=False, repr=False, compare=False)
    loss_fn: Loss = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "widths",
                           (self.inputs,) + tuple(layer.units for layer in self.layers))
        object.__setattr__(self, "loss_fn", get_loss(self.loss))

    @classmethod
    def build(cls, inputs: int, layers, loss: str = "mse") -> "Network":
        """Build from ``[(units, activation_name_or_Activation), ...]``.

        >>> Network.build(2, [(10, "sigmoid")] * 8 + [(1, "sigmoid")], "bce").depth
        9
        """
        built = tuple(
            Layer(int(u), a if isinstance(a, Activation) else get_activation(a))
            for u, a in layers)
        net = cls(int(inputs), built, _normalise_loss(loss))
        net._check()
        return net

    def _check(self):
        if self.inputs < 1:
            raise SpecError(f"inputs must be at least 1, got {self.inputs}", key="inputs")
        if not self.layers:
            raise SpecError("a network needs at least one layer (the output)", key="layers")
        for k, layer in enumerate(self.layers, 1):
            if layer.units < 1:
                raise SpecError(f"layer {k} must have at least 1 unit, got {layer.units}",
                                key=f"layers[{k}]")

    @property
    def depth(self) -> int:
        """Number of layers with weights (hidden layers + output layer)."""
        return len(self.layers)

    @property
    def outputs(self) -> int:
        return self.layers[-1].units

    def activation(self, k: int) -> Activation:
        """Activation of layer ``k`` (1-based)."""
        return self.layers[k - 1].activation

    def describe(self) -> str:
        """One line: ``3 → 2 (sigmoid) → 1 (sigmoid), loss mse``."""
        if self.depth > 6 and len({(l.units, l.activation.label) for l in self.layers[:-1]}) == 1:
            h = self.layers[0]
            mid = f"{self.depth - 1} × [{h.units} ({h.activation.label})]"
        else:
            mid = " → ".join(f"{l.units} ({l.activation.label})" for l in self.layers[:-1])
        out = self.layers[-1]
        parts = [str(self.inputs)] + ([mid] if mid else []) + [f"{out.units} ({out.activation.label})"]
        return " → ".join(parts) + f", loss {self.loss}"

    def parse_param(self, name: str) -> Param:
        """Parse ``w2_11``, ``w1_3_12``, ``b1_2`` (also ``w^2_{11}``) and check it exists.

        >>> Network.build(3, [(2, "relu"), (1, "linear")]).parse_param("w3_11")
        Traceback (most recent call last):
        ...
        vgp_symbolic.core.network.SpecError: <spec>, --wrt: w3_11 names layer 3, but the network has layers 1..2
        """
        m = _PARAM_RE.match(name or "")
        if not m:
            raise SpecError(f"{name!r} is not a parameter name; write w<layer>_<i><j> "
                            "(e.g. w1_11, or w1_3_12 for two-digit indices) or b<layer>_<j>",
                            key="--wrt")
        kind, k, a, b = m.group(1).lower(), int(m.group(2)), m.group(3), m.group(4)
        if not 1 <= k <= self.depth:
            raise SpecError(f"{name} names layer {k}, but the network has layers 1..{self.depth}",
                            key="--wrt")
        n_in, n_out = self.widths[k - 1], self.widths[k]
        if kind == "b":
            if b is not None:
                raise SpecError(f"a bias has one index: b{k}_<j>, not {name}", key="--wrt")
            p = Param("b", k, None, int(a))
        elif b is not None:
            p = Param("w", k, int(a), int(b))
        elif len(a) == 2:
            p = Param("w", k, int(a[0]), int(a[1]))
        else:
            raise SpecError(f"{name}: write the two indices of w^{k}_ij separated "
                            f"(w{k}_i_j) when either has more than one digit", key="--wrt")
        if p.kind == "w" and not 1 <= p.i <= n_in:
            raise SpecError(f"{name}: i = {p.i}, but layer {k - 1} has units 1..{n_in}", key="--wrt")
        if not 1 <= p.j <= n_out:
            raise SpecError(f"{name}: j = {p.j}, but layer {k} has units 1..{n_out}", key="--wrt")
        return p

    def params(self):
        """Every parameter, layer by layer: weights then biases."""
        for k in range(1, self.depth + 1):
            for i in range(1, self.widths[k - 1] + 1):
                for j in range(1, self.widths[k] + 1):
                    yield Param("w", k, i, j)
            for j in range(1, self.widths[k] + 1):
                yield Param("b", k, None, j)


def _normalise_loss(loss: str) -> str:
    try:
        return get_loss(loss).name
    except UnknownLoss as e:
        raise SpecError(str(e), key="loss") from None


@dataclass
class Values:
    """Numbers to evaluate at. Missing entries stay symbolic.

    ``W[k]`` is a list of rows (``W[k][i-1][j-1]`` = w^k_ij), ``b[k]`` a list, ``x``/``y`` lists.
    Entries are :class:`~fractions.Fraction` when exact, ``float`` otherwise.
    """

    x: list | None = None
    y: list | None = None
    W: dict = field(default_factory=dict)
    b: dict = field(default_factory=dict)
    lr: Number | None = None
    # the numbers as arrays, per number system: converted once, not on every pass
    _arrays: dict = field(default_factory=dict, repr=False, compare=False)
    # float64 copies of W[k] made while reading the spec, equal to float() of every entry
    _float_W: dict = field(default_factory=dict, repr=False, compare=False)

    def complete(self, net: Network) -> bool:
        """True when every number needed for a numeric gradient is given."""
        return (self.x is not None and self.y is not None
                and all(k in self.W for k in range(1, net.depth + 1)))

    def bias(self, k: int, width: int) -> list:
        """Biases of layer k; zeros when not given (the usual initial value)."""
        return self.b.get(k, [Fraction(0)] * width)

    def get(self, p: Param):
        """The value of parameter ``p`` or None."""
        if p.kind == "w":
            return self.W[p.layer][p.i - 1][p.j - 1] if p.layer in self.W else None
        return self.bias(p.layer, p.j)[p.j - 1] if (p.layer in self.W or p.layer in self.b) else None

    def with_param(self, p: Param, value) -> "Values":
        """A copy with parameter ``p`` replaced (used by finite differences)."""
        W = {k: [row[:] for row in m] for k, m in self.W.items()}
        b = {k: v[:] for k, v in self.b.items()}
        if p.kind == "w":
            W[p.layer][p.i - 1][p.j - 1] = value
        else:
            b.setdefault(p.layer, [Fraction(0)] * len(W[p.layer][0]))[p.j - 1] = value
        return Values(self.x, self.y, W, b, self.lr)

    def all_exact(self) -> bool:
        nums = list(self.x or []) + list(self.y or [])
        for m in self.W.values():
            for row in m:
                nums += row
        for v in self.b.values():
            nums += v
        if self.lr is not None:
            nums.append(self.lr)
        return all(isinstance(v, Fraction) for v in nums)


def to_number(v, where: str = "value") -> Number:
    """Read a spec number exactly: ints and decimals become Fractions, ``"a/b"`` strings too.

    >>> to_number(0.1), to_number("1/3"), to_number(2)
    (Fraction(1, 10), Fraction(1, 3), Fraction(2, 1))
    """
    if isinstance(v, str):
        s = v.strip()
        if len(s) > _MAX_DIGITS or not re.fullmatch(r"[+-]?\d+(\.\d*)?([eE][+-]?\d{1,3})?(/\d+)?", s):
            raise ValueError(f"{where}: {v!r} is not a number (write 0.25, 1e-3 or 1/4)")
    elif not isinstance(v, (int, float, Fraction)):
        raise ValueError(f"{where}: expected a number, got {type(v).__name__} {v!r}")
    return exact(v, where)


def _line_of(text: str, key: str) -> int | None:
    """Line number of ``key =`` in the spec text, or of the k-th layer's table for ``layers[k]``."""
    m = re.fullmatch(r"layers\[(\d+)\]", key)
    lines = text.splitlines()
    return item_line(lines, "layers", int(m.group(1)), "units") if m else key_line(lines, key)


def read_spec(path) -> tuple[str, dict]:
    """A spec file's text and its parsed TOML (see :func:`parse_toml`); errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(f"cannot read: {e.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise SpecError("not UTF-8 text", str(path)) from None
    return text, parse_toml(text, str(path))


def load_spec(path) -> tuple[Network, Values]:
    """Read a network spec file; raises :class:`SpecError` naming the file and line."""
    text, data = read_spec(path)
    return spec_from_data(data, text, str(path))


def parse_toml(text: str, source: str = "<spec>") -> dict:
    """TOML text as a dict; a large ``[values]`` table's plain numeric arrays are read by the C
    JSON reader (see :func:`_lift_arrays`), a long ``layers`` array one distinct table at a time
    (:func:`_lift_layers`). Malformed TOML is a :class:`SpecError` with its line.

    >>> parse_toml('[values]\\nx = [0.5, 1]')
    {'values': {'x': [0.5, 1]}}
    """
    light, lifted = _lift_arrays(text, source)
    lighter, layers = _lift_layers(light)
    data = _toml_loads(lighter, source)
    if layers is not None:
        nd = data.get("network")
        if isinstance(nd, dict) and nd.get("layers") == []:
            nd["layers"] = layers
        else:  # the array was not [network]'s after all: tomllib reads it
            data = _toml_loads(light, source)
    if lifted:
        vd = data.get("values")
        for key, (value, line) in lifted.items():
            if not isinstance(vd, dict) or key in vd:
                raise SpecError(f"{key} is given twice in [values]", source, line, f"values.{key}")
            vd[key] = value
    return data


def _toml_loads(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+)", str(e))
        raise SpecError(f"malformed TOML: {e}", source, int(m.group(1)) if m else None) from None


def parse_spec(text: str, source: str = "<spec>") -> tuple[Network, Values]:
    """Parse spec TOML text into a :class:`Network` and its :class:`Values`.

    >>> net, vals = parse_spec('[network]\\ninputs = 1\\nlayers = [{units=1, activation="relu"}]')
    >>> net.describe()
    '1 → 1 (relu), loss mse'
    """
    return spec_from_data(parse_toml(text, source), text, source)


# A [values] entry that is a plain array of numbers: `W3 = [[0.1, -0.2], [0.3, 0.4]]`.
_PLAIN_ARRAY = re.compile(r"^([ \t]*(W\d+|b\d+|x|y)[ \t]*=[ \t]*)(\[[-0-9.eE,\s\[\]]*\])[ \t]*$",
                          re.M)


_LIFT_FROM = 20000  # characters: tomllib reads a smaller spec fast enough, nothing to gain
_LAYERS = re.compile(r"^[ \t]*layers[ \t]*=[ \t]*\[", re.M)
_HEADER = re.compile(r"^[ \t]*\[([^\[\]\n]*)\][ \t]*(?:#.*)?$", re.M)
_PART_LEAD = re.compile(r"\s*,?\s*")


def _lift_layers(text: str) -> tuple[str, list | None]:
    """Read a long ``layers = [{…}, {…}, …]`` of [network] one distinct table at a time.

    tomllib takes 0.8 s for the 10⁵ inline tables of a 10⁵-layer spec that repeats one or two
    tables. The array is split at each "}"; every distinct piece is read by tomllib as an inline
    table of its own, so a piece cut inside a string, a nested table or a comment is malformed
    and the whole array is left to tomllib (which then reports any error with its line). The
    array's text is replaced by ``[]`` with its line breaks kept, so line numbers do not move.
    Returns the text and the list of tables (None when the array was left to tomllib).
    """
    m = _LAYERS.search(text) if len(text) >= _LIFT_FROM else None
    if m is None:
        return text, None
    head = None
    for head in _HEADER.finditer(text, 0, m.start()):
        pass
    if head is None or head.group(1).strip() != "network":
        return text, None
    end = text.find("]", m.end())
    body = text[m.end():end]
    if end < 0 or "[" in body:
        return text, None
    *pieces, tail = body.split("}")
    if tail.strip(" \t\n,"):
        return text, None
    read = {}
    for piece in set(pieces):
        table = piece[_PART_LEAD.match(piece).end():] + "}"
        try:
            read[piece] = tomllib.loads(f"t = {table}")["t"]
        except tomllib.TOMLDecodeError:
            return text, None
        if not table.startswith("{") or not isinstance(read[piece], dict):
            return text, None
    layers = [dict(read[p]) for p in pieces]
    return text[:m.end()] + "\n" * body.count("\n") + text[end:], layers


class _JsonNumbers(list):
    """An array :func:`_lift_arrays` read: its text held only brackets, commas and JSON numbers,
    so its entries are ints, floats and lists (:func:`_matrix` need not check each type)."""


def _lift_arrays(text: str, source: str) -> tuple[str, dict]:
    """Read the [values] section's plain numeric arrays with the C JSON reader.

    tomllib is pure Python: a 50 × 200-wide spec (2 million weights) took 17 s to read, and a
    10⁵-layer one spends seconds on 10⁵ short keys. Such an array is valid JSON too (TOML's +1,
    1_000, inf and comments are left to tomllib, as is anything JSON refuses); its whole line is
    blanked, its line breaks kept, so tomllib still checks the rest and reports the same line
    numbers. Returns the lightened text and {key: (value, line)}.
    """
    head = re.search(r"^[ \t]*\[values\][ \t]*(#.*)?$", text, re.M)
    if not head or len(text) < _LIFT_FROM:
        return text, {}
    # the next table's header: a line starting with "["; "^" in MULTILINE mode is tried at each
    # of the 12 million characters of a wide spec (0.06 s), a newline is found by a fast scan
    end = re.compile(r"\n[ \t]*\[").search(text, head.end())
    stop = end.start() + 1 if end else len(text)
    body = text[head.end():stop]
    lifted = {}
    at = [0, text.count("\n", 0, head.end()) + 1]  # a position in body and its line: counted on

    def lift(m):
        try:
            value = json.loads(m.group(3))
        except ValueError:
            return m.group(0)
        at[1] += body.count("\n", at[0], m.start())
        at[0] = m.start()
        line = at[1]
        if m.group(2) in lifted:
            raise SpecError(f"{m.group(2)} is given twice in [values] (first on line "
                            f"{lifted[m.group(2)][1]})", source, line, f"values.{m.group(2)}")
        lifted[m.group(2)] = (_JsonNumbers(value) if isinstance(value, list) else value, line)
        return "\n" * m.group(0).count("\n")

    light = _PLAIN_ARRAY.sub(lift, body)
    return text[:head.end()] + light + text[stop:], lifted


def is_architecture(data: dict) -> bool:
    """True for parsed spec TOML that :mod:`.arch_spec` reads, not :func:`spec_from_data`: a
    residual, recurrent or softmax network.

    >>> is_architecture({"network": {"layers": [{"units": 3, "activation": "softmax"}]}})
    True
    """
    nd = data.get("network")
    if not isinstance(nd, dict):
        return False
    layers = nd.get("layers")
    return nd.get("kind", "dense") != "dense" or (isinstance(layers, list) and any(
        isinstance(l, dict) and ({"residual", "projection"} & set(l) or _is_softmax(l))
        for l in layers)) or get_vector_loss(nd.get("loss", "mse")) is not None


def _architecture_key(nd: dict) -> str:
    """The key that makes a network (see :func:`is_architecture`) not dense, for its line."""
    for k, l in enumerate(nd.get("layers") if isinstance(nd.get("layers"), list) else [], 1):
        if isinstance(l, dict) and ({"residual", "projection"} & set(l) or _is_softmax(l)):
            return f"network.layers[{k}]"
    return "network.kind" if nd.get("kind", "dense") != "dense" else "network.loss"


def _is_softmax(layer: dict) -> bool:
    a = layer.get("activation")
    return isinstance(a, str) and a.strip().lower() == "softmax"


def spec_from_data(data: dict, text: str, source: str = "<spec>") -> tuple[Network, Values]:
    """:func:`parse_spec` after the TOML is read (residual specs reuse it, :mod:`.arch_spec`)."""

    def err(msg, key):
        return SpecError(msg, source, _line_of(text, key.split(".")[-1]), key)

    nd = data.get("network")
    if not isinstance(nd, dict):
        raise SpecError("missing [network] table", source)
    if is_architecture(data):
        raise err("a residual, recurrent or softmax network: `vgp derive` reads it "
                  "(vgp_symbolic.core.arch_spec); this command takes dense networks",
                  _architecture_key(nd))
    unknown = set(nd) - {"inputs", "layers", "loss", "kind"}
    if unknown:
        raise err(f"unknown key(s) {sorted(unknown)}; expected inputs, layers, loss",
                  f"network.{sorted(unknown)[0]}")
    inputs = nd.get("inputs")
    if not isinstance(inputs, int) or isinstance(inputs, bool) or inputs < 1:
        raise err(f"inputs must be a positive integer, got {inputs!r}", "network.inputs")
    layers_raw = nd.get("layers")
    if not isinstance(layers_raw, list) or not layers_raw:
        raise err("layers must be a non-empty list of {units = N, activation = \"...\"}",
                  "network.layers")
    layers, read = [], {}
    for k, ld in enumerate(layers_raw, 1):
        try:  # a deep spec repeats one layer table: check and build each distinct one once
            same = read.get(tuple((n, type(v), v) for n, v in ld.items()))
        except (AttributeError, TypeError):  # not a table, or an unhashable value
            same = None
        if same is not None:
            layers.append(same)
            continue
        key = f"network.layers[{k}]"
        if not isinstance(ld, dict):
            raise err(f"layer {k} must be a table {{units = N, activation = \"...\"}}", key)
        extra = set(ld) - {"units", "activation", "slope", "alpha"}
        if extra:
            raise err(f"layer {k}: unknown key(s) {sorted(extra)}", key)
        units = ld.get("units")
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise err(f"layer {k}: units must be a positive integer, got {units!r}", key)
        try:
            kw = {p: to_number(ld[p], f"layer {k} {p}") for p in ("slope", "alpha") if p in ld}
            act = get_activation(ld.get("activation", "sigmoid"), **kw)
        except (UnknownActivation, ValueError) as e:
            raise err(f"layer {k}: {e}", key) from None
        layers.append(Layer(units, act))
        try:
            read[tuple((n, type(v), v) for n, v in ld.items())] = layers[-1]
        except TypeError:
            pass
    try:
        loss = _normalise_loss(nd.get("loss", "mse"))
    except SpecError as e:
        raise err(e.message, "network.loss") from None
    net = Network(inputs, tuple(layers), loss)
    values = _parse_values(data.get("values", {}), net, err)
    extra = set(data) - {"network", "values", "meta"}
    if extra:
        raise SpecError(f"unknown table(s) {sorted(extra)}; expected [network], [values]", source)
    return net, values


def _parse_values(vd, net: Network, err) -> Values:
    if not isinstance(vd, dict):
        raise err("[values] must be a table", "values")
    widths = net.widths
    allowed = {"x", "y", "lr"} | {f"W{k}" for k in range(1, net.depth + 1)} \
        | {f"b{k}" for k in range(1, net.depth + 1)}
    extra = set(vd) - allowed
    if extra:
        name = sorted(extra)[0]
        raise err(f"unknown key {name!r}; this network takes x, y, lr, W1..W{net.depth}, "
                  f"b1..b{net.depth}", f"values.{name}")

    seen = {}

    def number(e, key):
        # a wide spec repeats its decimals: read each distinct one once (2M weights, ~100 values)
        k = (type(e), e)
        try:
            r = seen.get(k)
        except TypeError:  # a list where a number belongs: to_number says so
            return to_number(e, key)
        if r is None:
            r = seen[k] = to_number(e, key)
        return r

    def vec(key, n):
        v = vd[key]
        if not isinstance(v, list):
            v = [v]
        if len(v) != n:
            raise err(f"{key} must have {n} entr{'y' if n == 1 else 'ies'}, got {len(v)}",
                      f"values.{key}")
        try:
            return [number(e, key) for e in v]
        except ValueError as e:
            raise err(str(e), f"values.{key}") from None

    vals = Values()
    if "x" in vd:
        vals.x = vec("x", net.inputs)
    if "y" in vd:
        vals.y = vec("y", net.outputs)
    if "lr" in vd:
        vals.lr = vec("lr", 1)[0]
    for k in range(1, net.depth + 1):
        key = f"W{k}"
        if key in vd:
            m = vd[key]
            rows, cols = widths[k - 1], widths[k]
            shape_msg = (f"W{k} must be {rows}×{cols} (rows: units of layer {k - 1}, "
                         f"columns: units of layer {k})")
            if not isinstance(m, list) or len(m) != rows or not all(
                    isinstance(r, list) and len(r) == cols for r in m):
                got = (f"{len(m)}×{len(m[0]) if m and isinstance(m[0], list) else '?'}"
                       if isinstance(m, list) else type(m).__name__)
                raise err(f"{shape_msg}, got {got}", f"values.{key}")
            try:
                vals.W[k], a = _matrix(m, key, number)
            except ValueError as e:
                raise err(str(e), f"values.{key}") from None
            if a is not None:
                vals._float_W[k] = a
        if f"b{k}" in vd:
            vals.b[k] = vec(f"b{k}", widths[k])
    return vals


def _matrix(m: list, key: str, number) -> tuple[list, object]:
    """Rows of spec numbers as rows of Fractions, with a float64 array of them when every entry
    is a float or a small int. A 200-wide layer has 40 000 weights but few distinct decimals: each
    distinct one is read once, and both the float array and the rows of Fractions are built in C
    (float(exact(v)) == v).

    >>> rows, a = _matrix([[0.25, 1] * 40], "W1", lambda v, key: exact(v))
    >>> rows[0][:2], a.dtype, a.shape
    ([Fraction(1, 4), Fraction(1, 1)], dtype('float64'), (1, 80))
    """
    if sum(map(len, m)) > 64 and (type(m) is _JsonNumbers or _kinds(m) <= {float, int}):
        try:
            a = np.array(m, dtype=float)
        except (OverflowError, ValueError):  # an int beyond float64; rows of rows
            a = None
        if a is not None and a.shape != (len(m), len(m[0])):
            a = None
        # ints below 2⁵³ are exact in float64 (1 and 1.0 are one number)
        if a is not None and np.all(np.isfinite(a)) and (np.max(np.abs(a)) < 2 ** 53
                                                         or int not in _kinds(m)):
            distinct, where = np.unique(a, return_inverse=True)
            exact_of = np.empty(len(distinct), dtype=object)
            exact_of[:] = [number(v, key) for v in distinct.tolist()]
            return exact_of[where.reshape(a.shape)].tolist(), a
    return [[number(e, key) for e in r] for r in m], None


def _kinds(m: list) -> set:
    kinds = set()
    for r in m:
        kinds.update(map(type, r))
    return kinds


def random_values(net: Network, seed: int = 0, decimals: int = 1, scale: float = 1.0,
                  x_range: float = 1.0) -> Values:
    """Exact random values: weights uniform in ±scale rounded to ``decimals`` places.

    Rounded decimals keep hand computation readable and arithmetic exact.

    >>> v = random_values(Network.build(2, [(2, "relu"), (1, "linear")]), seed=1)
    >>> v.W[1][0][0].denominator in (1, 2, 5, 10)
    True
    """
    rng = random.Random(seed)
    q = 10 ** decimals

    def draw(r):
        return Fraction(round(rng.uniform(-r, r) * q), q)

    widths = net.widths
    W = {k: [[draw(scale) for _ in range(widths[k])] for _ in range(widths[k - 1])]
         for k in range(1, net.depth + 1)}
    b = {k: [Fraction(0)] * widths[k] for k in range(1, net.depth + 1)}
    y = [Fraction(rng.randint(0, 1)) for _ in range(net.outputs)]
    return Values([draw(x_range) for _ in range(net.inputs)], y, W, b, Fraction(1, 10))
