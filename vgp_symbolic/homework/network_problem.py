"""A network problem authored in TOML alone: the network, the per-student draws, the questions.

``type = "network"`` in a problem file's ``[problem]`` table makes it one::

    [problem]
    type = "network"
    title = "Backpropagation through a small sigmoid network"
    # template = "network.tex"              (the default; an author may give their own)

    [network]                               # the spec `vgp derive` reads
    inputs = 3
    layers = [{ units = 2, activation = "sigmoid" }, { units = 1, activation = "sigmoid" }]
    loss = "mse"

    [variants.two_outputs]                  # optional: further networks a question may use
    inputs = 3
    layers = [{ units = 2, activation = "relu" }, { units = 2, activation = "relu" }]

    [params]                                # draws (see draw.py): x, y, W1.., b1.., lr
    x = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], size = 3 }
    y = { choices = [0, 1] }
    W1 = { min = -1.0, max = 1.0, step = 0.1, exclude = [0], shape = [3, 2] }
    W2 = { min = -1.5, max = 1.5, step = 0.1, exclude = [0], shape = [2, 1] }
    lr = { choices = [1, 0.5], weights = [1, 2] }   # biases are 0 unless drawn

    [answers.gradient]
    ask = "dL/dw1_11"                       # what is asked (below)
    route = [1, 1]                          # optional: along this route only
    network = "two_outputs"                 # optional: a variant instead of [network]
    compare = "sigmoid"                     # optional: the same factors in that variant
    depends_on = ["hidden"]                 # optional: error carried forward from these
    min_abs = 1e-3                          # optional: re-draw answers smaller than this
    prompt = "..."; tolerance = { rel = 1e-3 }; points = 2

What may be asked (``ask``), with ``∂``/``d`` and ``ŷ``/``yhat`` both accepted:

* forward quantities ``z1_2``, ``o1_2``, ``yhat`` (``yhat_2``), ``L``;
* ``dL/dw1_11``, ``dL/db2_1``: the gradient (total, or along ``route``);
* any factor of the chain: ``dL/dyhat``, ``dyhat/dz2_1``, ``do1_1/dz1_1`` (f′),
  ``dz2_1/do1_1`` (a weight), ``do1_1/dw1_11`` (f′·input), ``dL/dz1_2`` (δ), ``dz1_2/dw1_12``;
* ``update w1_11``: w ← w − η ∂L/∂w;  ``norm delta1``: ‖δ¹‖;
* ``norm ratio``: ‖∂L/∂W¹‖ / ‖∂L/∂Wᴷ‖ (Frobenius norms, first layer over last);
* ``bound dL/dw1_11``: the value of the depth bound (``vgp prove depth``) at this draw.

A draw may be larger than a network (W2 drawn 2×2 for a variant with two outputs): each network
takes the leading rows and columns. Every error names the file, the line and the key.

>>> spec = parse_ask("dyhat/dz2_1")
>>> spec.kind, spec.layer, spec.j
('fprime', 2, 1)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.network import Network, SpecError, parse_spec
from ..mathtext import sub as _sub, sup
from .draw import ParamSpec, parse_param_spec
from .model import HomeworkError

__all__ = ["Ask", "NetworkQuestion", "NetworkProblemSpec", "parse_ask", "load_network_problem",
           "masked_table"]

_QUESTION_KEYS = {"ask", "route", "network", "compare", "depends_on", "min_abs", "prompt",
                  "tolerance", "points", "universal"}
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_][A-Za-z0-9_.\-\" ]*?)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class Ask:
    """One asked quantity, parsed: ``kind`` with the layer/unit indices it needs."""

    kind: str          # z o yhat loss grad dL fprime weight local delta input update norm ratio bound
    text: str          # as the author wrote it
    layer: int | None = None
    i: int | None = None
    j: int | None = None
    param: str | None = None    # "w1_11" / "b2_1" for grad, local, input, update, bound


@dataclass(frozen=True)
class NetworkQuestion:
    key: str
    ask: Ask
    network: str                      # "" for [network], else a variant name
    route: tuple[int, ...] | None
    compare: str | None
    depends_on: tuple[str, ...]
    min_abs: float | None
    line: int | None


@dataclass(frozen=True)
class NetworkProblemSpec:
    """Everything a ``type = "network"`` file says, validated."""

    path: Path
    networks: dict                    # "" -> Network, variant name -> Network
    params: dict                      # name -> ParamSpec (with fixed zero biases added)
    questions: dict                   # key -> NetworkQuestion
    lines: dict = field(default_factory=dict)   # param name -> line, for `vgp check`


_Q = r"(?:∂|d)"
_Y = r"(?:ŷ|yhat)"
_UNIT = r"(\d+)_(\d+)"
_PARAM = r"([wb]\d+_\d+(?:_\d+)?)"


def parse_ask(text: str) -> Ask:
    """Parse an ``ask`` string; raises ValueError with the forms allowed.

    >>> parse_ask("dL/dw1_11").param, parse_ask("do1_2/dw1_32").kind, parse_ask("L").kind
    ('w1_11', 'local', 'loss')
    """
    s = re.sub(r"\s+", " ", str(text).strip())
    t = s.replace(" ", "")
    pats = [
        (rf"^z{_UNIT}$", "z"), (rf"^o{_UNIT}$", "o"), (rf"^{_Y}(?:_(\d+))?$", "yhat"),
        (r"^L$", "loss"), (rf"^{_Q}L/{_Q}{_PARAM}$", "grad"),
        (rf"^{_Q}L/{_Q}{_Y}(?:_(\d+))?$", "dL"), (rf"^{_Q}L/{_Q}z{_UNIT}$", "delta"),
        (rf"^{_Q}{_Y}(?:_(\d+))?/{_Q}z(\d+)_(\d+)$", "fprime_out"),
        (rf"^{_Q}o{_UNIT}/{_Q}z{_UNIT}$", "fprime"),
        (rf"^{_Q}z{_UNIT}/{_Q}(?:o{_UNIT}|x_?(\d+))$", "weight"),
        (rf"^{_Q}z{_UNIT}/{_Q}(?:{_Y}(?:_(\d+))?)$", "weight_out"),
        (rf"^{_Q}(?:o{_UNIT}|{_Y}(?:_(\d+))?)/{_Q}{_PARAM}$", "local"),
        (rf"^{_Q}z{_UNIT}/{_Q}{_PARAM}$", "input"),
        (rf"^update{_PARAM}$", "update"), (r"^normdelta(\d+)$", "norm"),
        (r"^normratio$", "ratio"), (rf"^bound{_Q}L/{_Q}{_PARAM}$", "bound"),
    ]
    for pat, kind in pats:
        m = re.match(pat, t)
        if m:
            return _ask_from(kind, m.groups(), s)
    raise ValueError(
        f"cannot read ask = {text!r}; ask for z1_2, o1_2, yhat, L, dL/dw1_11, dL/db2_1, a factor "
        "of the chain (dL/dyhat, dyhat/dz2_1, do1_1/dz1_1, dz2_1/do1_1, do1_1/dw1_11, dL/dz1_2), "
        "update w1_11, norm delta1, norm ratio or bound dL/dw1_11")


def _ask_from(kind: str, g: tuple, text: str) -> Ask:
    n = [int(v) if v is not None and v.isdigit() else v for v in g]
    if kind in ("z", "o"):
        return Ask(kind, text, layer=n[0], j=n[1])
    if kind == "yhat":
        return Ask("yhat", text, j=n[0] or 1)
    if kind == "loss":
        return Ask("loss", text)
    if kind in ("grad", "update", "bound"):
        return Ask(kind, text, param=g[0])
    if kind == "dL":
        return Ask("dL", text, j=n[0] or 1)
    if kind == "delta":
        return Ask("delta", text, layer=n[0], j=n[1])
    if kind == "fprime_out":   # ∂ŷ_j/∂zK_j: the output unit's slope (K checked later)
        if (n[0] or 1) != n[2]:
            raise ValueError(f"{text}: ŷ_{n[0] or 1} is the output of unit {n[0] or 1}, not of "
                             f"unit {n[2]}")
        return Ask("fprime", text, layer=n[1], j=n[2], i=0)
    if kind == "fprime":
        if (n[0], n[1]) != (n[2], n[3]):
            raise ValueError(f"{text}: ∂o/∂z relates a unit's output to its own input "
                             f"(do{n[2]}_{n[3]}/dz{n[2]}_{n[3]})")
        return Ask("fprime", text, layer=n[0], j=n[1])
    if kind == "weight":       # ∂zᵏ_j/∂oᵏ⁻¹_i = wᵏ_ij
        k, j = n[0], n[1]
        if n[4] is not None:
            lower, i = 0, n[4]
        else:
            lower, i = n[2], n[3]
        if lower != k - 1:
            raise ValueError(f"{text}: z of layer {k} depends on the outputs of layer {k - 1}, "
                             f"not layer {lower}")
        return Ask("weight", text, layer=k, i=i, j=j)
    if kind == "weight_out":
        raise ValueError(f"{text}: write ∂z/∂o downwards, e.g. dz2_1/do1_1")
    if kind == "local":        # ∂oᵏ_j/∂w = f′(zᵏ_j)·input; layer None: the output ŷ_j
        if g[0] is not None:
            return Ask("local", text, layer=n[0], j=n[1], param=g[3])
        return Ask("local", text, layer=None, j=n[2] or 1, param=g[3])
    if kind == "input":
        return Ask("input", text, layer=n[0], j=n[1], param=g[2])
    if kind == "norm":
        return Ask("norm", text, layer=n[0])
    return Ask("ratio", text)


# -- reading the file --------------------------------------------------------------------------
def masked_table(lines: list[str], header: str, as_header: str = "[network]") -> str:
    """The text of one table with every other line blanked, so that a parser's line numbers
    stay those of the whole file.

    >>> masked_table(["[a]", "x = 1", "[network]", "inputs = 2"], "network").splitlines()
    ['', '', '[network]', 'inputs = 2']
    """
    out, inside = [], False
    for ln in lines:
        m = _HEADER.match(ln)
        if m:
            inside = m.group(1).replace('"', "").replace(" ", "") == header
            out.append(as_header if inside else "")
            continue
        out.append(ln if inside else "")
    return "\n".join(out)


def load_network_problem(t, data: dict) -> tuple[NetworkProblemSpec, dict]:
    """Validate a network problem (``t`` is the assignment module's text-with-lines helper).

    Returns the spec and the ``answers`` table the generic loader expects
    (key -> {"prompt", "tolerance", "points"}), so the rest of the pipeline is shared.
    """
    nets = {"": _network(t, "network")}
    variants = data.get("variants", {})
    if not isinstance(variants, dict):
        raise t.error("[variants] must hold tables [variants.<name>]", t.header_line("[variants]"))
    for name in variants:
        nets[name] = _network(t, f"variants.{name}")
    params, plines = _params(t, data.get("params", {}), nets)
    ad = data.get("answers")
    if not isinstance(ad, dict) or not ad:
        raise t.error("missing [answers.<key>] tables: a network problem asks at least one "
                      "question (ask = \"dL/dw1_11\", ...)")
    questions = {}
    for key, raw in ad.items():
        questions[key] = _question(t, key, raw, nets, params, ad)
    return NetworkProblemSpec(t.path, nets, params, questions, plines)


def _network(t, table: str) -> Network:
    text = masked_table(t.lines, table)
    if "[network]" not in text:
        raise t.error(f"missing [{table}] table (inputs, layers, loss: the spec vgp derive "
                      "reads)")
    try:
        net, _values = parse_spec(text, str(t.path))
    except SpecError as e:
        key = e.key or ""
        if table != "network" and key.startswith("network"):
            key = table + key[len("network"):]
        where = f"{t.path}, line {e.line}" if e.line else str(t.path)
        raise HomeworkError(f"{where}, {key or table}: {e.message}") from None
    return net


def _shape_needed(name: str, nets: dict) -> tuple[int, ...] | None:
    """The largest shape any network needs for parameter ``name`` (None: not a parameter)."""
    need = None
    for net in nets.values():
        w = net.widths
        if name == "x":
            s = (net.inputs,)
        elif name == "y":
            s = (net.outputs,)
        elif name == "lr":
            s = ()
        elif re.fullmatch(r"W\d+", name) and 1 <= int(name[1:]) <= net.depth:
            k = int(name[1:])
            s = (w[k - 1], w[k])
        elif re.fullmatch(r"b\d+", name) and 1 <= int(name[1:]) <= net.depth:
            s = (w[int(name[1:])],)
        else:
            continue
        need = s if need is None else tuple(max(a, b) for a, b in zip(need, s))
    return need


def _params(t, raw, nets: dict):
    line0 = t.header_line("[params]")
    if not isinstance(raw, dict):
        raise t.error("[params] must be a table", line0)
    depth = max(n.depth for n in nets.values())
    out, lines = {}, {}
    for name, spec in raw.items():
        line = t.key_line(name, line0) or line0
        need = _shape_needed(name, nets)
        if need is None:
            raise t.error(f"params.{name}: the network has no parameter {name!r}; it takes x, y, "
                          f"lr, W1..W{depth}, b1..b{depth}", line)
        try:
            ps = parse_param_spec(spec, name)
        except ValueError as e:
            raise t.error(f"params.{name}: {e}", line) from None
        _check_shape(t, name, ps, need, line)
        out[name], lines[name] = ps, line
    for name in ["x", "y"] + [f"W{k}" for k in range(1, depth + 1)]:
        if name not in out:
            raise t.error(f"params.{name} is missing: draw it (e.g. {name} = {{ min = -1, max = "
                          f"1, step = 0.1, ... }}) or fix it ({name} = ...)", line0)
    return out, lines


def _check_shape(t, name: str, ps: ParamSpec, need: tuple, line):
    """A draw must be at least as large as every network needs (each takes the leading part)."""
    if ps.kind == "fixed":
        v = ps.value
        got = ((len(v), len(v[0])) if isinstance(v, list) and v and isinstance(v[0], list)
               else (len(v),) if isinstance(v, list) else ())
    elif ps.kind == "choices" and ps.choices and isinstance(ps.choices[0], tuple):
        got = ps.shape + (len(ps.choices[0]),) if not ps.shape else ps.shape
    else:
        got = ps.shape
    if need == () and got != ():
        raise t.error(f"params.{name} is one number, not a list", line)
    if len(need) == 1 and got == () and need[0] == 1:
        return                          # a scalar x or y for one input or output
    if len(got) != len(need) or any(g < n for g, n in zip(got, need)):
        want = "×".join(map(str, need))
        have = "×".join(map(str, got)) or "one number"
        raise t.error(f"params.{name} must be {want} for this network (give "
                      f"{'size' if len(need) == 1 else 'shape'} = "
                      f"{list(need) if len(need) > 1 else need[0]}), got {have}", line)


def _question(t, key: str, raw, nets: dict, params: dict, all_answers: dict) -> NetworkQuestion:
    hl = t.header_line(f"[answers.{key}]")
    if not isinstance(raw, dict):
        raise t.error(f"[answers.{key}] must be a table", hl)

    def err(msg, k):
        return t.error(f"answers.{key}.{k}: {msg}", t.key_line(k, hl) or hl)

    bad = set(raw) - _QUESTION_KEYS
    if bad:
        k = sorted(bad)[0]
        raise err(f"unknown key; a question takes {', '.join(sorted(_QUESTION_KEYS))}", k)
    if "ask" not in raw:
        raise t.error(f"answers.{key}: say what is asked, e.g. ask = \"dL/dw1_11\"", hl)
    try:
        ask = parse_ask(raw["ask"])
    except ValueError as e:
        raise err(str(e), "ask") from None
    vname = raw.get("network", "")
    if vname not in nets:
        raise err(f"no network {vname!r}; define [variants.{vname}] or use one of "
                  f"{', '.join(repr(n) for n in nets if n) or 'none'}", "network")
    net = nets[vname]
    try:
        _check_ask(ask, net)
    except ValueError as e:
        raise err(str(e), "ask") from None
    if ask.kind == "update" and "lr" not in params:
        raise err("an update needs the learning rate: add lr to [params]", "ask")
    route = None
    if "route" in raw:
        route = _route(raw["route"], ask, net, err)
    compare = raw.get("compare")
    if compare is not None and (compare not in nets or not compare):
        raise err(f"no variant {compare!r} to compare with", "compare")
    deps = raw.get("depends_on", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise err("depends_on is a list of answer keys of this problem", "depends_on")
    for d in deps:
        if d not in all_answers or d == key:
            raise err(f"{d!r} is not another answer of this problem", "depends_on")
    min_abs = raw.get("min_abs")
    if min_abs is not None and (isinstance(min_abs, bool) or not isinstance(min_abs, (int, float))
                                or min_abs < 0):
        raise err("min_abs must be a non-negative number", "min_abs")
    return NetworkQuestion(key, ask, vname, route, compare, tuple(deps),
                           None if min_abs is None else float(min_abs), hl)


def _check_ask(a: Ask, net: Network):
    """Raise ValueError when ``a`` names a layer, unit or parameter ``net`` lacks."""
    K, w = net.depth, net.widths
    if a.param is not None:
        try:
            p = net.parse_param(a.param)
        except SpecError as e:
            raise ValueError(e.message) from None
        if a.kind == "local" and (p.layer, p.j) != (a.layer or K, a.j):
            raise ValueError(f"{a.param} does not enter unit {a.j} of layer {a.layer or K}")
        if a.kind == "input" and (p.layer, p.j) != (a.layer, a.j):
            raise ValueError(f"{a.param} does not enter z{a.layer}_{a.j}")
    if a.kind in ("z", "o", "delta", "fprime", "weight"):
        if not 1 <= a.layer <= K:
            raise ValueError(f"layer {a.layer} does not exist (layers 1..{K})")
        if not 1 <= a.j <= w[a.layer]:
            raise ValueError(f"layer {a.layer} has units 1..{w[a.layer]}, not {a.j}")
        if a.kind == "weight" and not 1 <= a.i <= w[a.layer - 1]:
            raise ValueError(f"layer {a.layer - 1} has units 1..{w[a.layer - 1]}, not {a.i}")
        if a.kind == "o" and a.layer == K:
            raise ValueError(f"o{K}_{a.j} is the output: ask for yhat")
    if a.kind in ("yhat", "dL") and not 1 <= a.j <= net.outputs:
        raise ValueError(f"the network has {net.outputs} output(s), not {a.j}")
    if a.kind == "fprime" and a.i == 0 and a.layer != K:
        raise ValueError(f"ŷ is layer {K}: write dyhat/dz{K}_{a.j}")
    if a.kind == "norm" and not 1 <= a.layer <= K:
        raise ValueError(f"layer {a.layer} does not exist (layers 1..{K})")
    if a.kind == "ratio" and K < 2:
        raise ValueError("a ratio of first to last layer needs at least two layers")


def _route(raw, ask: Ask, net: Network, err) -> tuple[int, ...]:
    from ..core.derive import parse_route
    if ask.kind not in ("grad", "local") or ask.param is None:
        raise err("a route goes with ask = \"dL/dw...\" (the gradient along that route)",
                  "route")
    if not isinstance(raw, list) or not all(isinstance(u, int) and not isinstance(u, bool)
                                            for u in raw):
        raise err("route is a list of unit numbers, one per layer from the parameter's up",
                  "route")
    try:
        return parse_route(net, net.parse_param(ask.param), raw)
    except SpecError as e:
        raise err(e.message, "route") from None


_TABLES = {"problem", "network", "variants", "params", "answers"}


def load_network_spec(t, data: dict, path: Path):
    """The :class:`~vgp_symbolic.homework.model.ProblemSpec` of a ``type = "network"`` file."""
    from .assignment import _points, parse_tolerance   # the generic loader's own rules
    from .model import ProblemSpec
    from .types.network import NetworkProblem
    extra = set(data) - _TABLES
    if extra:
        name = sorted(extra)[0]
        raise t.error(f"unknown table [{name}]; a network problem has [problem], [network], "
                      "[variants.<name>], [params], [answers.<key>]", t.header_line(f"[{name}]"))
    pd, hl = data["problem"], t.header_line("[problem]")
    bad = set(pd) - {"type", "title", "template"}
    if bad:
        k = sorted(bad)[0]
        raise t.error(f"problem.{k}: unknown key; expected type, title, template",
                      t.key_line(k, hl))
    for k in ("title", "template"):
        if k in pd and (not isinstance(pd[k], str) or not pd[k]):
            raise t.error(f"problem.{k} must be a non-empty string", t.key_line(k, hl))
    spec = load_network_problem(t, data)
    answers = {}
    for key, raw in data["answers"].items():
        line = spec.questions[key].line
        try:
            tol = parse_tolerance(raw.get("tolerance", {"rel": 1e-3}), f"answers.{key}")
            pts = _points(raw.get("points", 1), f"answers.{key}")
        except ValueError as e:
            raise t.error(str(e), line) from None
        prompt = raw.get("prompt", ask_words(spec.questions[key].ask))
        if not isinstance(prompt, str):
            raise t.error(f"answers.{key}.prompt must be a string", t.key_line("prompt", line))
        if not isinstance(raw.get("universal", False), bool):
            raise t.error(f"answers.{key}.universal must be true or false",
                          t.key_line("universal", line))
        answers[key] = {"prompt": prompt, "tolerance": tol, "points": pts,
                        "universal": raw.get("universal", False), "line": line}
    return ProblemSpec(path.stem, path, "network", pd.get("title", path.stem),
                       pd.get("template", "network.tex"), spec.params, answers,
                       NetworkProblem(spec))


def _sup(k) -> str:
    return f"⁽{sup(k)}⁾"


def param_words(name: str) -> str:
    """``w1_11`` as w⁽¹⁾₁₁, ``b2_1`` as b⁽²⁾₁ (the index layout of :class:`Network`).

    >>> param_words("w1_11"), param_words("w2_3_12"), param_words("b2_1")
    ('w⁽¹⁾₁₁', 'w⁽²⁾₃,₁₂', 'b⁽²⁾₁')
    """
    m = re.fullmatch(r"([wb])(\d+)_(\d+)(?:_(\d+))?", name)
    kind, k, a, b = m.groups()
    if kind == "b":
        return f"b{_sup(k)}{_sub(a)}"
    i, j = (a, b) if b is not None else (a[0], a[1:])
    sep = "," if len(i) > 1 or len(j) > 1 else ""
    return f"w{_sup(k)}{_sub(i)}{sep}{_sub(j)}"


def ask_words(a: Ask) -> str:
    """A plain-text name of the asked quantity (the default prompt).

    >>> ask_words(parse_ask("dL/dw1_11")), ask_words(parse_ask("o1_2"))
    ('∂L/∂w⁽¹⁾₁₁', 'o⁽¹⁾₂')
    """
    if a.kind in ("z", "o"):
        return f"{a.kind}{_sup(a.layer)}{_sub(a.j)}"
    if a.kind == "yhat":
        return "ŷ" if a.j == 1 else f"ŷ{_sub(a.j)}"
    if a.kind == "loss":
        return "the loss L"
    if a.kind == "grad":
        return f"∂L/∂{param_words(a.param)}"
    if a.kind == "update":
        return f"{param_words(a.param)} after one gradient-descent step"
    if a.kind == "bound":
        return f"the depth bound on |∂L/∂{param_words(a.param)}|"
    if a.kind == "norm":
        return f"‖δ{_sup(a.layer)}‖"
    if a.kind == "ratio":
        return "the ratio ‖∂L/∂W⁽¹⁾‖ / ‖∂L/∂W⁽ᴷ⁾‖ of the first layer's gradient norm to the last's"
    return a.text.replace("d", "∂").replace("yhat", "ŷ")
