r"""One LaTeX convention for everything ``vgp`` typesets: a fragment that names its packages.

``vgp derive`` and ``vgp prove`` print a :class:`Latex` fragment with ``--format latex`` (a first
comment line says which packages it needs) and a complete document with ``--standalone``. A
fragment fits the text width of a plain ``article``: long equations are written so that TeX can
break them across lines (after =, +, −, ·, ×), never as one unbreakable display
(:func:`equation`), and long sums are printed without ``\left(``/``\right)`` pairs, which TeX
cannot break across (:func:`breakable`).

>>> frag = Latex(equation(r"a", r"b + c"), ("amsmath",))
>>> print(frag.fragment().splitlines()[0])
% vgp: this LaTeX fragment needs \usepackage{amsmath}
>>> frag.document().startswith("\\documentclass{article}")
True
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Latex", "PACKAGES", "equation", "equations", "breakable", "tex_text", "short_floats"]

PACKAGES = ("amsmath", "amssymb")


@dataclass(frozen=True)
class Latex:
    """A LaTeX fragment (text mode) and the packages it needs."""

    body: str
    packages: tuple[str, ...] = PACKAGES

    def fragment(self) -> str:
        """The body, after one comment line naming the packages (what ``--format latex`` prints)."""
        return f"% vgp: this LaTeX fragment needs \\usepackage{{{','.join(self.packages)}}}\n" \
               + self.body.rstrip("\n") + "\n"

    def document(self) -> str:
        """A complete document pdflatex compiles as is (what ``--standalone`` prints)."""
        return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
                f"\\usepackage{{{','.join(self.packages)}}}\n"
                "\\begin{document}\n" + self.body.rstrip("\n") + "\n\\end{document}\n")

    def __add__(self, other: "Latex") -> "Latex":
        pk = self.packages + tuple(p for p in other.packages if p not in self.packages)
        return Latex(self.body.rstrip("\n") + "\n\n" + other.body, pk)

    def __str__(self) -> str:
        return self.fragment()


def equation(*sides: str, note: str = "") -> str:
    r"""``sides[0] = sides[1] = …`` as one paragraph of display-style math that TeX may break.

    A display (``align*``, ``\[…\]``) never breaks, so a long sum runs off the page; inline math
    breaks after relations and operators. Continuation lines are indented, ragged right.

    >>> print(equation("x", "1 + 1", "2", note="exact"))
    {\raggedright\hangindent=2em\hangafter=1\noindent$\displaystyle x = 1 + 1 = 2$\quad \text{(exact)}\par}
    """
    tail = rf"\quad \text{{({tex_text(note)})}}" if note else ""
    return (r"{\raggedright\hangindent=2em\hangafter=1\noindent$\displaystyle "
            + " = ".join(sides) + "$" + tail + r"\par}")


def equations(rows, gap: str = r"\smallskip") -> str:
    """Several :func:`equation` paragraphs (each a tuple of sides, or a ready string)."""
    out = [r if isinstance(r, str) else equation(*r) for r in rows]
    return ("\n" + gap + "\n").join(out) + "\n"


_LEFT, _RIGHT = re.compile(r"\\left(\(|\[|\\\{|\|)"), re.compile(r"\\right(\)|\]|\\\}|\|)")


def breakable(tex: str) -> str:
    r"""Remove ``\left``/``\right`` pairs so TeX may break inside the brackets.

    A bracket pair whose content holds a fraction becomes ``\bigl``/``\bigr`` (it must be taller
    than the text); any other pair becomes plain brackets.

    >>> breakable(r"\left(a + \left(b - c\right)\right) \left(\frac{1}{2}\right)")
    '(a + (b - c)) \\bigl(\\frac{1}{2}\\bigr)'
    """
    out, stack, i = [], [], 0
    while i < len(tex):
        m = _LEFT.match(tex, i) if tex.startswith("\\left", i) else None
        if m:
            stack.append(len(out))
            out.append(m.group(1))
            i = m.end()
            continue
        m = _RIGHT.match(tex, i) if tex.startswith("\\right", i) else None
        if m and stack:
            start = stack.pop()
            inner = "".join(out[start + 1:])
            if "\\frac" in inner:
                out[start] = "\\bigl" + out[start]
                out.append("\\bigr" + m.group(1))
            else:
                out.append(m.group(1))
            i = m.end()
            continue
        out.append(tex[i])
        i += 1
    return "".join(out)


def short_floats(expr, digits: int = 10):
    """``expr`` with every SymPy Float cut to ``digits`` significant figures (SELU's λ, α).

    >>> import sympy as sp
    >>> short_floats(sp.Float("1.0507009873554804934193349852946", 32) * sp.Symbol("z"), 6)
    1.0507*z
    """
    import sympy as sp
    return expr.xreplace({f: sp.Float(f, digits) for f in expr.atoms(sp.Float)})


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", "<": r"$<$", ">": r"$>$", "|": r"$|$",
                "′": "$'$", "−": "-", "–": "--", "—": "---",
                "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "∞": r"$\infty$", "ℝ": r"$\mathbb{R}$",
                "±": r"$\pm$", "×": r"$\times$", "·": r"$\cdot$", "⊙": r"$\odot$",
                "‖": r"$\|$", "∈": r"$\in$", "→": r"$\to$", "√": r"$\surd$", "∂": r"$\partial$",
                "∎": r"$\square$", "…": r"\ldots{}", "⋯": r"$\cdots$", "≈": r"$\approx$",
                "∏": r"$\prod$", "∑": r"$\sum$", "∪": r"$\cup$", "⇒": r"$\Rightarrow$",
                "ŷ": r"$\hat{y}$", "✓": r"$\checkmark$", "✗": r"$\times$", "ϕ": r"$\phi$",
                "φ": r"$\varphi$", "½": r"$\frac{1}{2}$"}


def tex_text(s: str) -> str:
    r"""Escape plain Unicode text for LaTeX text mode, losing no character.

    Greek letters, primes, norms, super- and subscripts become math; ``oᵏ`` stays o to the k.

    >>> print(tex_text("σ − π·z₀ & co_1, oᵏ, L = ½‖ŷ − y‖²"))
    $\sigma$ - $\pi$$\cdot$z$_{0}$ \& co\_1, o$^{k}$, L = $\frac{1}{2}$$\|$$\hat{y}$ - y$\|$$^{2}$
    """
    return "".join(_tex_char(c) for c in s)


def _tex_char(c: str) -> str:
    if c in _TEX_ESCAPES:
        return _TEX_ESCAPES[c]
    if c.isascii():
        return c
    name = unicodedata.name(c, "")
    for prefix, case in (("GREEK SMALL LETTER ", str.lower), ("GREEK CAPITAL LETTER ", str.title)):
        if name.startswith(prefix):
            letter = name[len(prefix):].split()[0].lower().replace("lamda", "lambda")
            return f"$\\{case(letter)}$"
    plain = unicodedata.normalize("NFKC", c)  # superscripts and subscripts: ᵏ → k, ₀ → 0
    if plain in ("⁻", "₋", "−"):
        plain = "-"
    for kind, mark in (("SUPERSCRIPT", "^"), ("SUBSCRIPT", "_")):
        if kind in name or (name.startswith("MODIFIER LETTER") and kind == "SUPERSCRIPT"
                            and plain != c):
            inner = "-" if plain in ("⁻", "₋", "−") else tex_text(plain).strip("$")
            return f"${mark}{{{inner}}}$"
    if plain != c:
        return tex_text(plain)
    raise ValueError(f"no LaTeX for the character {c!r} ({name}); add it to latex._TEX_ESCAPES")
