"""Reading an assignment TOML and the problem-type TOMLs it picks, with file/line errors.

An assignment (``problems/hw1.toml``)::

    [assignment]
    id = "hw1"                     # enters every student's seed
    title = "Homework 1"
    seed = 0                       # class seed; `vgp render --seed` overrides it

    [grading]                      # passed to `vgp grade` as is
    mistake_credit = 0.5

    [[problems]]
    type = "chain_route"           # problems/chain_route.toml
    answers = ["product", "new_weight"]          # optional: a subset, in this order
    points = { product = 2 }                     # optional overrides
    tolerance = { product = { rel = 1e-4 } }
    params = { lr = 1 }                          # optional: fix or redefine a draw

A problem type (``problems/chain_route.toml``) names its implementation, template, parameter
draws (see :mod:`.draw`) and answers with default tolerance and points.

Where files are found: problem types in the assignment's folder (or ``problems_dir``), then in
the library (:data:`LIBRARY_PROBLEMS`, shipped with the package); templates in the assignment's
``templates/`` folder (or ``templates``), then in the library's (:data:`LIBRARY_TEMPLATES`). A
local file overrides the library's of the same name, so an assignment copied anywhere renders,
and an instructor edits only the templates they want to change (``vgp init`` writes a starter).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import replace
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

from ..tomlpos import header_line, key_line
from .draw import parse_param_spec
from .model import (Assignment, HomeworkError, ProblemSpec, ProblemUse, QuestionInfo, Tolerance)
from .types import TYPES
from .network_problem import load_network_spec

__all__ = ["load_assignment", "load_problem_spec", "parse_tolerance", "LIBRARY_PROBLEMS",
           "LIBRARY_TEMPLATES", "find_problem_spec"]

LIBRARY_PROBLEMS = Path(__file__).resolve().parents[1] / "problems"
LIBRARY_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

_ASSIGNMENT_KEYS = {"id", "title", "seed", "course", "instructions", "problems_dir", "templates",
                    "document", "date"}
_USE_KEYS = {"type", "answers", "points", "tolerance", "params", "title"}
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class _Text:
    """TOML text with line lookup for error messages (tomllib reports no positions)."""

    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text
        self.lines = text.splitlines()

    def header_line(self, header: str, index: int = 0) -> int | None:
        return header_line(self.lines, header, index)

    def key_line(self, key: str, after: int | None = None) -> int | None:
        """First ``key =`` (or ``key.``, or ``{key =``) from line ``after`` on, within its table."""
        return key_line(self.lines, key, after or 1)

    def error(self, msg: str, line: int | None = None) -> HomeworkError:
        where = f"{self.path}, line {line}" if line else str(self.path)
        return HomeworkError(f"{where}: {msg}")


def _read(path: Path, what: str) -> tuple[_Text, dict]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HomeworkError(f"{path}: no such {what} file") from None
    except OSError as e:
        raise HomeworkError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise HomeworkError(f"{path}: not UTF-8 text") from None
    t = _Text(path, raw)
    try:
        return t, tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+)", str(e))
        raise t.error(f"malformed TOML: {e}", int(m.group(1)) if m else None) from None


def parse_tolerance(raw, where: str) -> Tolerance:
    """``{rel = 1e-3}``, ``{abs = 0.5}``, ``{sig_figs = 3}`` (any combination).

    >>> parse_tolerance({"rel": 0.001}, "x")
    Tolerance(rel=0.001, abs=None, sig_figs=None)
    """
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{where}: a tolerance is a table such as {{ rel = 1e-3 }}, "
                         "{ abs = 0.5 } or { sig_figs = 3 }")
    extra = set(raw) - {"rel", "abs", "sig_figs"}
    if extra:
        raise ValueError(f"{where}: unknown tolerance key(s) {sorted(extra)}; "
                         "use rel, abs, sig_figs")
    out = {}
    for k in ("rel", "abs"):
        if k in raw:
            v = raw[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1e6:
                raise ValueError(f"{where}: {k} must be a non-negative number, got {v!r}")
            out[k] = float(v)
    if "sig_figs" in raw:
        v = raw["sig_figs"]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 17:
            raise ValueError(f"{where}: sig_figs must be an integer 1..17, got {v!r}")
        out["sig_figs"] = v
    return Tolerance(**out)


def _points(v, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1e6:
        raise ValueError(f"{where}: points must be a non-negative number, got {v!r}")
    return float(v)


def load_problem_spec(path) -> ProblemSpec:
    """Read and validate one problem-type TOML."""
    path = Path(path)
    t, data = _read(path, "problem type")
    if isinstance(data.get("problem"), dict) and data["problem"].get("type") == "network":
        return load_network_spec(t, data, path)
    extra = set(data) - {"problem", "params", "answers"}
    if extra:
        name = sorted(extra)[0]
        raise t.error(f"unknown table [{name}]; a problem type has [problem], [params], "
                      "[answers.<key>]", t.header_line(f"[{name}]"))
    pd = data.get("problem")
    if not isinstance(pd, dict):
        raise t.error("missing [problem] table (type, title, template)")
    hl = t.header_line("[problem]")
    bad = set(pd) - {"type", "title", "template"}
    if bad:
        k = sorted(bad)[0]
        raise t.error(f"unknown key {k!r} in [problem]; expected type, title, template",
                      t.key_line(k, hl))
    kind = pd.get("type", path.stem)
    if kind not in TYPES:
        raise t.error(f"unknown problem type {kind!r}; implemented types: network, "
                      f"{', '.join(sorted(TYPES))}", t.key_line("type", hl))
    impl = TYPES[kind]
    title = pd.get("title", kind)
    template = pd.get("template")
    if not isinstance(template, str) or not template:
        raise t.error("[problem] needs template = \"<file in templates/>\"", hl)
    if not isinstance(title, str):
        raise t.error("title must be a string", t.key_line("title", hl))
    params = _param_specs(t, data.get("params", {}), impl, "[params]", require_all=True)
    ad = data.get("answers")
    if not isinstance(ad, dict) or not ad:
        raise t.error("missing [answers.<key>] tables; this type can ask for "
                      f"{', '.join(impl.answers)}")
    answers = {}
    for key, spec in ad.items():
        line = t.header_line(f"[answers.{key}]")
        if key not in impl.answers:
            raise t.error(f"unknown answer {key!r}; {kind} can ask for "
                          f"{', '.join(impl.answers)}", line)
        if not isinstance(spec, dict):
            raise t.error(f"[answers.{key}] must be a table", line)
        bad = set(spec) - {"prompt", "tolerance", "points", "universal"}
        if bad:
            raise t.error(f"unknown key(s) {sorted(bad)} in [answers.{key}]; expected prompt, "
                          "tolerance, points, universal", line)
        if not isinstance(spec.get("universal", False), bool):
            raise t.error(f"answers.{key}.universal must be true or false", line)
        try:
            tol = parse_tolerance(spec.get("tolerance", {"rel": 1e-3}), f"answers.{key}")
            pts = _points(spec.get("points", 1), f"answers.{key}")
        except ValueError as e:
            raise t.error(str(e), line) from None
        prompt = spec.get("prompt", impl.answers[key])
        if not isinstance(prompt, str):
            raise t.error(f"answers.{key}.prompt must be a string", line)
        answers[key] = {"prompt": prompt, "tolerance": tol, "points": pts,
                        "universal": spec.get("universal", False), "line": line}
    return ProblemSpec(path.stem, path, kind, title, template, params, answers)


def _param_specs(t: _Text, raw, impl, where: str, require_all: bool, after: int | None = None):
    if not isinstance(raw, dict):
        raise t.error(f"{where} must be a table", after)
    line0 = after if after else t.header_line("[params]")
    out = {}
    for name, spec in raw.items():
        if name not in impl.params:
            raise t.error(f"unknown parameter {name!r} for {impl.name}; it takes "
                          f"{', '.join(impl.params)}", t.key_line(name, line0) or line0)
        try:
            out[name] = parse_param_spec(spec, name)
        except ValueError as e:
            raise t.error(str(e), t.key_line(name, line0) or line0) from None
    if require_all:
        missing = [n for n in impl.params if n not in out]
        if missing:
            raise t.error(f"{where}: missing parameter(s) {', '.join(missing)} "
                          f"({'; '.join(f'{n}: {impl.params[n]}' for n in missing)})", line0)
    return out


def load_assignment(path) -> "Assignment":
    """Read an assignment and its problem types; errors say ``"file, line N: ..."``.

    >>> a = load_assignment(Path(__file__).parents[1] / "problems" / "hw1.toml")
    >>> a.id, [q.id for q in a.questions][:4], a.questions[0].key
    ('hw1', ['q1a', 'q1b', 'q1c', 'q2a'], 'product')
    """
    path = Path(path)
    t, data = _read(path, "assignment")
    extra = set(data) - {"assignment", "grading", "problems"}
    if extra:
        name = sorted(extra)[0]
        raise t.error(f"unknown table [{name}]; an assignment has [assignment], [grading] and "
                      "[[problems]]", t.header_line(f"[{name}]") or t.header_line(f"[[{name}]]"))
    ad = data.get("assignment")
    if not isinstance(ad, dict):
        raise t.error("missing [assignment] table (id, title)")
    hl = t.header_line("[assignment]")
    bad = set(ad) - _ASSIGNMENT_KEYS
    if bad:
        k = sorted(bad)[0]
        raise t.error(f"unknown key {k!r} in [assignment]; expected "
                      f"{', '.join(sorted(_ASSIGNMENT_KEYS))}", t.key_line(k, hl))
    aid = ad.get("id")
    if not isinstance(aid, str) or not _ID_RE.match(aid):
        raise t.error(f"[assignment] id must be a short name of letters, digits, '.', '_', '-' "
                      f"(it names the seed), got {aid!r}", t.key_line("id", hl) or hl)
    title = ad.get("title", aid)
    seed = ad.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise t.error(f"seed must be an integer, got {seed!r}", t.key_line("seed", hl))
    for k in ("title", "course", "instructions", "problems_dir", "templates", "document"):
        if k in ad and not isinstance(ad[k], str):
            raise t.error(f"{k} must be a string", t.key_line(k, hl))
    pdir = (path.parent / ad.get("problems_dir", ".")).resolve()
    if "templates" in ad:
        tdir = (path.parent / ad["templates"]).resolve()
        if not tdir.is_dir():
            raise t.error(f"templates folder {tdir} does not exist",
                          t.key_line("templates", hl) or hl)
    else:
        tdir = (path.parent / "templates").resolve()
    tdirs = tuple(d for d in dict.fromkeys((tdir, LIBRARY_TEMPLATES)) if d.is_dir())
    document = ad.get("document", "document.tex")
    if not _find(tdirs, document):
        raise t.error(f"template {document!r} not found in {' or '.join(map(str, tdirs))}",
                      t.key_line("document", hl) or hl)
    date = _date(t, ad, hl)
    grading = data.get("grading", {})
    if not isinstance(grading, dict):
        raise t.error("[grading] must be a table", t.header_line("[grading]"))
    raw_problems = data.get("problems")
    if not isinstance(raw_problems, list) or not raw_problems:
        raise t.error("no [[problems]]: pick at least one problem type")
    if len(raw_problems) > 26 * 4:
        raise t.error("too many problems")
    uses, questions = [], []
    pdirs = tuple(dict.fromkeys((pdir, LIBRARY_PROBLEMS)))
    available = sorted({p.stem for d in pdirs for p in d.glob("*.toml")
                        if p.resolve() != path.resolve() and _is_problem_type(p)})
    for number, pu in enumerate(raw_problems, 1):
        line = t.header_line("[[problems]]", number - 1)
        use = _problem_use(t, pu, number, line, pdirs, tdirs, available)
        uses.append(use)
        questions += use.questions
    return Assignment(path, aid, title, seed, tuple(uses), tuple(questions), dict(grading),
                      ad.get("course", ""), ad.get("instructions", ""), tdirs, document, date)


def _find(dirs, name: str) -> Path | None:
    """The first ``dir/name`` that exists: local files override the library's."""
    return next((d / name for d in dirs if (d / name).is_file()), None)


def find_problem_spec(dirs, ptype: str) -> Path | None:
    """The problem-type TOML for ``ptype``: the first folder of ``dirs`` that has it.

    >>> find_problem_spec([LIBRARY_PROBLEMS], "exploding").name
    'exploding.toml'
    """
    return _find(dirs, f"{ptype}.toml")


def _is_problem_type(p: Path) -> bool:
    # an assignment in the same folder is not a problem type (it has no [problem] table)
    try:
        return re.search(r"^\s*\[problem\]", p.read_text(encoding="utf-8"), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


def _date(t: _Text, ad: dict, hl) -> _dt.date | None:
    """``date = 2026-10-05`` (a TOML date): printed on the cover and stamped into the PDFs."""
    d = ad.get("date")
    if d is None:
        return None
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if isinstance(d, str):
        try:
            return _dt.date.fromisoformat(d)
        except ValueError:
            pass
    raise t.error(f"date must be a date such as 2026-10-05, got {d!r}", t.key_line("date", hl))


def _problem_use(t: _Text, pu, number, line, pdirs, tdirs, available) -> ProblemUse:
    if not isinstance(pu, dict):
        raise t.error(f"problem {number} must be a table", line)
    bad = set(pu) - _USE_KEYS
    if bad:
        k = sorted(bad)[0]
        raise t.error(f"unknown key {k!r} in problem {number}; expected "
                      f"{', '.join(sorted(_USE_KEYS))}", t.key_line(k, line) or line)
    ptype = pu.get("type")
    tl = t.key_line("type", line) or line
    if not isinstance(ptype, str) or not re.match(r"^[A-Za-z0-9_.-]+$", ptype or ""):
        raise t.error(f"problem {number}: type must name a problem file, got {ptype!r}", tl)
    spec_path = find_problem_spec(pdirs, ptype)
    if spec_path is None:
        raise t.error(f"unknown problem type {ptype!r}: no {ptype}.toml in "
                      f"{' or '.join(map(str, pdirs))} (available: "
                      f"{', '.join(available) or 'none'})", tl)
    spec = load_problem_spec(spec_path)
    if not _find(tdirs, spec.template):
        raise HomeworkError(f"{spec.path}: template {spec.template!r} not found in "
                            f"{' or '.join(map(str, tdirs))}")
    keys = pu.get("answers", list(spec.answers))
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise t.error(f"problem {number}: answers must be a non-empty list of names",
                      t.key_line("answers", line) or line)
    for k in keys:
        if k not in spec.answers:
            raise t.error(f"problem {number} ({ptype}): unknown answer {k!r}; "
                          f"{spec.path.name} asks for {', '.join(spec.answers)}",
                          t.key_line("answers", line) or line)
    if len(set(keys)) != len(keys):
        raise t.error(f"problem {number}: an answer is listed twice",
                      t.key_line("answers", line) or line)
    impl = spec.impl or TYPES[spec.kind]
    params = dict(spec.params)
    if "params" in pu:
        params.update(_param_specs(t, pu["params"], impl, f"problem {number} params", False,
                                   t.key_line("params", line) or line))
    points, tols = pu.get("points", {}), pu.get("tolerance", {})
    for what, table in (("points", points), ("tolerance", tols)):
        if not isinstance(table, dict):
            raise t.error(f"problem {number}: {what} must be a table keyed by answer",
                          t.key_line(what, line) or line)
        for k in table:
            if k not in keys:
                raise t.error(f"problem {number}: {what} for {k!r}, which is not asked "
                              f"(answers: {', '.join(keys)})", t.key_line(what, line) or line)
    title = pu.get("title", spec.title)
    if not isinstance(title, str):
        raise t.error(f"problem {number}: title must be a string", t.key_line("title", line))
    qs = []
    for i, k in enumerate(keys):
        d = spec.answers[k]
        try:
            pts = _points(points[k], f"points.{k}") if k in points else d["points"]
            tol = parse_tolerance(tols[k], f"tolerance.{k}") if k in tols else d["tolerance"]
        except ValueError as e:
            raise t.error(f"problem {number}: {e}", t.key_line("points" if "points" in str(e)
                                                               else "tolerance", line) or line) \
                from None
        qs.append(QuestionInfo(f"q{number}{_letter(i)}", spec.name, k, d["prompt"], tol, pts,
                               number, d.get("universal", False), d.get("line")))
    spec = replace(spec, title=title)
    return ProblemUse(number, spec, tuple(keys), params, tuple(qs), line)


def _letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i] if i < 26 else f"_{i + 1}"
