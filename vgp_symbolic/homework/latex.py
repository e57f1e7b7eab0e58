r"""LaTeX output: escaping untrusted text, and the jinja2 environment for the templates.

Templates use LaTeX-safe delimiters -- ``\BLOCK{...}`` for statements, ``\VAR{...}`` for values,
``\#{...}`` for comments -- so that braces and percent signs stay LaTeX's.

Escaping is on by default: every string a template prints is escaped unless it is a :class:`TeX`
(LaTeX this package generated, e.g. a typeset derivation). Roster names, ids and assignment
titles are plain ``str`` and so always arrive escaped, whatever the template does with them.

Two engines: with LuaLaTeX (the default) every script prints as written -- right-to-left runs
(Arabic, Hebrew) and Devanagari are wrapped in the font switches the preamble defines, CJK comes
from the main font's fallback; with pdflatex (the fallback where LuaLaTeX is absent) characters
outside its fonts are transliterated or shown as code points.

>>> latex_escape(r"}\end{document}")
'\\}\\textbackslash{}end\\{document\\}'
>>> latex_escape("50% & $5")
'50\\% \\& \\$5'
>>> latex_escape("李雷"), latex_escape("李雷", "pdflatex")
('李雷', '[U+674E][U+96F7]')
>>> latex_escape("דוד כהן, Zoë")
'\\vgphebrew{דוד כהן}, Zoë'
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from fractions import Fraction
from functools import lru_cache

import jinja2

from ..numbers import fmt
from ..report import number_latex

__all__ = ["TeX", "ENGINES", "latex_escape", "make_env", "typesettable", "unsupported_characters",
           "script_macro", "number_tex", "exact_tex", "decimal_tex"]


class TeX(str):
    """A string that is already LaTeX: templates print it as is."""

    __slots__ = ()


_ASCII = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    # printed literally instead of as T1 ligatures or curly quotes (<< is «, ,, is „, '' is ”)
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}", "`": r"\textasciigrave{}",
}

# Code points outside ASCII that pdflatex typesets with the templates' preamble
# (\usepackage[T1]{fontenc}, [utf8]{inputenc}, textcomp, mathptmx). Measured by compiling every
# character utf8enc declares, with TeX Live 2022 (Debian 12); anything else is transliterated
# (ṭ → t) or written as its code point ([U+674E]) so that a name never breaks a build.
_SUPPORTED_RANGES = (
    (0x00A0, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148), (0x014A, 0x0165),
    (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4), (0x01E2, 0x01E3), (0x01E6, 0x01EB),
    (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233), (0x0237, 0x0237),
    (0x02C6, 0x02C7), (0x02D8, 0x02D9), (0x02DB, 0x02DD), (0x0E3F, 0x0E3F), (0x1E02, 0x1E03),
    (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31), (0x1E37, 0x1E37),
    (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47), (0x1E5B, 0x1E5B), (0x1E63, 0x1E63),
    (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3), (0x2010, 0x2016),
    (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2031),
    (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044), (0x204E, 0x204E), (0x2052, 0x2052),
    (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6), (0x20A9, 0x20A9), (0x20AB, 0x20AC),
    (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E), (0x2120, 0x2120),
    (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193), (0x2422, 0x2423),
    (0x25E6, 0x25E6), (0x25EF, 0x25EF), (0x266A, 0x266A), (0x27E8, 0x27E9), (0xFB00, 0xFB06),
)
_STARTS = [a for a, _ in _SUPPORTED_RANGES]
# invisible or layout characters that are in the ranges but mean nothing in a name
_DROP = {0x00AD}


def typesettable(ch: str) -> bool:
    """True when pdflatex prints ``ch`` with the templates' preamble.

    >>> typesettable("é"), typesettable("Ł"), typesettable("李"), typesettable("\\x07")
    (True, True, False, False)
    """
    c = ord(ch)
    if 0x20 <= c < 0x7F:
        return True
    i = bisect.bisect_right(_STARTS, c) - 1
    return i >= 0 and _SUPPORTED_RANGES[i][0] <= c <= _SUPPORTED_RANGES[i][1] and c not in _DROP


def unsupported_characters(text: str) -> list[str]:
    """The characters of ``text`` that :func:`latex_escape` has to transliterate or replace."""
    t = unicodedata.normalize("NFC", text)
    return sorted({ch for ch in t if not typesettable(ch) and not _is_control(ch)})


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def _fallback(ch: str) -> str:
    # Transliterate when the letter underneath is printable (ṭ → t); a combining mark alone
    # (left over from a letter with no precomposed form) is dropped; anything else is shown
    # as its code point, so the name stays readable and distinct.
    base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                   if not unicodedata.combining(c))
    if unicodedata.combining(ch):
        return ""
    if base and all(typesettable(c) and not _is_control(c) for c in base):
        return latex_escape(base)
    return f"[U+{ord(ch):04X}]"


_PLAIN = re.compile(r"[A-Za-z0-9 .,:;()+=/*!?@]*")
ENGINES = ("lualatex", "pdflatex")

# Scripts that need their own font switch under LuaLaTeX (macros defined in document.tex):
# right-to-left scripts set in a right-to-left run, Devanagari shaped with its own font.
# Everything else (Latin, Greek, Cyrillic, CJK, ...) is the main font or its fallback.
_SCRIPT_RANGES = (
    (0x0590, 0x05FF, "vgphebrew"), (0x0600, 0x06FF, "vgparabic"), (0x0750, 0x077F, "vgparabic"),
    (0x08A0, 0x08FF, "vgparabic"), (0x0900, 0x097F, "vgpdevanagari"),
    (0xA8E0, 0xA8FF, "vgpdevanagari"), (0xFB1D, 0xFB4F, "vgphebrew"),
    (0xFB50, 0xFDFF, "vgparabic"), (0xFE70, 0xFEFF, "vgparabic"),
)


def script_macro(ch: str) -> str | None:
    """The font switch a character needs under LuaLaTeX, or None for the main font.

    >>> script_macro("ש"), script_macro("ق"), script_macro("क"), script_macro("李")
    ('vgphebrew', 'vgparabic', 'vgpdevanagari', None)
    """
    c = ord(ch)
    for lo, hi, macro in _SCRIPT_RANGES:
        if lo <= c <= hi:
            return macro
    return None


@lru_cache(maxsize=8192)
def _escape_cached(s: str, engine: str) -> TeX:
    return _escape(s, engine)


def latex_escape(text, engine: str = "lualatex") -> TeX:
    r"""Escape ``text`` for LaTeX text mode so that it prints literally with ``engine``.

    Escapes ``\ { } $ & # ^ _ % ~`` (and ``< > | " ' ``` which T1 would turn into other
    glyphs), turns control characters into spaces (newlines would end a paragraph inside a
    macro argument); for pdflatex, replaces characters its fonts lack.

    >>> latex_escape("a--b\nc"), latex_escape("x_1^2")
    ('a-{}-b c', 'x\\_1\\textasciicircum{}2')
    """
    s = str(text)
    if _PLAIN.fullmatch(s) and ",," not in s:
        return TeX(s)          # the common case (titles, ids): nothing to escape
    return _escape_cached(s, engine) if len(s) <= 200 else _escape(s, engine)


def _escape_char(s: str, i: int, ch: str, engine: str) -> str:
    if ch in _ASCII:
        return _ASCII[ch]
    if ch == "-" and s[i + 1:i + 2] == "-":
        return "-{}"          # -- and --- would become dashes
    if ch == "," and s[i + 1:i + 2] == ",":
        return ",{}"
    if _is_control(ch):
        return " " if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029" else ""
    if ch == "\u00a0":
        return r"\nobreakspace{}"
    if engine == "lualatex" or typesettable(ch):
        return ch
    return _fallback(ch)


def _escape(s: str, engine: str = "lualatex") -> TeX:
    s = unicodedata.normalize("NFC", s)
    chars = [_escape_char(s, i, ch, engine) for i, ch in enumerate(s)]
    if engine != "lualatex":
        return TeX("".join(chars))
    return TeX("".join(_script_runs(s, chars)))


def _script_runs(s: str, chars: list[str]):
    """Wrap each run of one script that needs its own font in that font's macro; spaces and
    punctuation between two letters of the same script stay inside the run (a name such as
    "דוד כהן" is one right-to-left run, not two)."""
    scripts = [script_macro(ch) for ch in s]
    strong = [sc if sc or unicodedata.category(ch)[0] in "LMN" else "" for ch, sc in
              zip(s, scripts)]
    out, run, cur = [], [], None
    for i, (piece, sc) in enumerate(zip(chars, strong)):
        if sc == "":   # neutral: joins the current run when the next letter continues it
            nxt = next((x for x in strong[i + 1:] if x != ""), None)
            if cur is not None and nxt == cur:
                run.append(piece)
                continue
            sc = None
        if sc != cur and run:
            out.append(f"\\{cur}{{{''.join(run)}}}")
            run = []
        cur = sc
        (run if sc else out).append(piece)
    if run:
        out.append(f"\\{cur}{{{''.join(run)}}}")
    return out


@lru_cache(maxsize=16384)
def _number_cached(v, digits: int) -> TeX:
    return TeX(number_latex(v, digits))


def number_tex(v, digits: int = 6) -> TeX:
    r"""A number for math mode: exact decimals, ``\frac`` for other rationals, else ``digits``
    significant figures (:func:`vgp_symbolic.report.number_latex`).

    >>> number_tex(Fraction(1249, 500)), number_tex(Fraction(12, 13))
    ('2.498', '\\frac{12}{13} \\approx 0.923077')
    """
    if isinstance(v, (list, tuple)):
        return TeX(", ".join(number_tex(e, digits) for e in v))
    if isinstance(v, int) and not isinstance(v, bool):
        v = Fraction(v)
    if isinstance(v, (Fraction, float)):
        # hash(0.5) == hash(Fraction(1, 2)): key by type too, they print differently
        return _number_cached(v, digits) if type(v) is Fraction else _number_float(v, digits)
    return TeX(number_latex(v, digits))


@lru_cache(maxsize=16384)
def _number_float(v: float, digits: int) -> TeX:
    return TeX(number_latex(float(v), digits))


def exact_tex(v) -> TeX:
    r"""A rational without its decimal approximation (for use inside a longer formula).

    >>> exact_tex(Fraction(12, 13)), exact_tex(Fraction(-1, 4)), exact_tex(0.5)
    ('\\frac{12}{13}', '-0.25', '0.5')
    """
    if isinstance(v, int) and not isinstance(v, bool):
        v = Fraction(v)
    if isinstance(v, Fraction):
        s = fmt(v)
        if "/" in s:
            sign = "-" if v < 0 else ""
            return TeX(rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}}")
        return TeX(s)
    return number_tex(v)


def decimal_tex(v) -> TeX:
    r"""A number for text mode: :func:`number_tex` inside ``\ensuremath``.

    >>> decimal_tex(Fraction(-3, 2))
    '\\ensuremath{-1.5}'
    """
    return TeX(rf"\ensuremath{{{number_tex(v)}}}")


def _finalizer(engine: str):
    def finalize(v):
        """Applied to every ``\\VAR{...}``: escape strings, typeset numbers, keep TeX."""
        if isinstance(v, TeX):
            return v
        if isinstance(v, jinja2.Undefined):
            str(v)  # StrictUndefined raises UndefinedError naming the variable
        if isinstance(v, bool) or v is None:
            raise TypeError(f"template printed {v!r}; print a string or a number")
        if isinstance(v, int):
            return str(v)
        if isinstance(v, (Fraction, float)):
            return rf"\ensuremath{{{number_tex(v)}}}"
        if isinstance(v, str):
            return latex_escape(v, engine)
        raise TypeError(f"template printed a {type(v).__name__}; use a filter (num, dec, latex)")
    return finalize


def _points(v) -> TeX:
    v = float(v)
    return TeX(f"{int(v)}" if v == int(v) else f"{v:g}")


def make_env(templates, engine: str = "lualatex") -> jinja2.Environment:
    r"""The jinja2 environment for ``templates`` (a folder, or a list of folders searched in
    order: the assignment's own first, then the library's): LaTeX delimiters, StrictUndefined,
    escaping for ``engine`` (the templates see it as ``engine``).

    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp()); _ = (d / "t.tex").write_text(r"\VAR{name} \VAR{x|num}")
    >>> make_env(d).get_template("t.tex").render(name="$x$", x=Fraction(1, 4))
    '\\$x\\$ 0.25'
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(
            [str(t) for t in (templates if isinstance(templates, (list, tuple)) else [templates])],
            encoding="utf-8"),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix=None, line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, undefined=jinja2.StrictUndefined, finalize=_finalizer(engine),
        auto_reload=False,
    )
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")

    def escape(v) -> TeX:
        return latex_escape(v, engine)

    def tex_only(v) -> TeX:
        """Assert that ``v`` is generated LaTeX (a :class:`TeX`); a plain string is escaped."""
        return v if isinstance(v, TeX) else latex_escape(v, engine)
    env.filters.update(latex=escape, num=number_tex, frac=exact_tex, dec=decimal_tex,
                       pts=_points, tex=tex_only, quotes=curly_quotes)
    env.globals.update(engine=engine, precision=precision, precision_example=precision_example)
    return env


def curly_quotes(text: str) -> str:
    """Typographic quotes for text a student reads: "x" → “x”, it's → it’s.

    >>> curly_quotes('"2.49" is 2.498 truncated; it' + "'s not rounded")
    '“2.49” is 2.498 truncated; it’s not rounded'
    """
    s = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", str(text))
    return re.sub(r"(?<=\w)'(?=\w)", "\u2019", s)


@lru_cache(maxsize=1024)
def precision(tol) -> str:
    """What precision a question asks for, in the words of its own grading criterion
    (:meth:`~vgp_symbolic.question.Tolerance.instruction`: the grader accepts exactly that).
    A class has a few tolerances and asks each ~10⁴ times: worded once."""
    return tol.instruction()


def precision_example(q) -> TeX:
    """The answer written to exactly that precision, for math mode (``-1.6615``)."""
    return _example(q.tolerance, q.answer)


@lru_cache(maxsize=4096)
def _example(tol, answer) -> TeX:
    return TeX(rf"\ensuremath{{{tol.example(answer)}}}")
