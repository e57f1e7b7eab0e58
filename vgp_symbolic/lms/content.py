"""Question texts and worked solutions as HTML with MathML (rendered offline by the browser).

Everything is built as :mod:`xml.etree.ElementTree` elements, so every string — a problem
title, a student's name, a prompt — is escaped by the serializer, never pasted into markup.
HTML fragments (Moodle, Canvas, feedback pages) carry ``<math xmlns=…>`` inline; QTI 2.1 moves
the same tree into its namespaces (:func:`qti_tree`).

>>> html(number(Fraction(1, 8)))
'<math xmlns="http://www.w3.org/1998/Math/MathML"><mn>0.125</mn></math>'
>>> html(number(Fraction(-10, 13)))[49:]
'<mo>−</mo><mfrac><mn>10</mn><mn>13</mn></mfrac><mo>≈</mo><mn>0.769231</mn></math>'
>>> html(para("a < b & ", number(2)))
'<p>a &lt; b &amp; <math xmlns="http://www.w3.org/1998/Math/MathML"><mn>2</mn></math></p>'
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction

from ..numbers import exact_decimal

__all__ = ["MATHML", "clean", "el", "para", "number", "html", "statement", "question_body",
           "solution", "qti_tree", "window_text"]

MATHML = "http://www.w3.org/1998/Math/MathML"
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(s) -> str:
    """Text that XML can hold: control characters (not allowed in XML 1.0) become U+FFFD."""
    return _CTRL.sub("\ufffd", str(s))


def el(tag: str, *children, **attrs) -> ET.Element:
    """An element with text/element children (strings become text, escaped on output)."""
    e = ET.Element(tag, {k.rstrip("_"): clean(v) for k, v in attrs.items()})
    for c in children:
        _append(e, c)
    return e


def _append(e: ET.Element, c) -> None:
    if c is None:
        return
    if isinstance(c, (list, tuple)):
        for x in c:
            _append(e, x)
    elif isinstance(c, ET.Element):
        e.append(c)
    else:
        s = clean(c)
        if len(e):
            e[-1].tail = (e[-1].tail or "") + s
        else:
            e.text = (e.text or "") + s


def para(*children) -> ET.Element:
    return el("p", *children)


def _mn(s: str) -> list:
    return [el("mn", s)]


def _decimal(q, figures: int = 6) -> list:
    """MathML for a magnitude: exact decimal when short, else ``figures`` significant, with
    ×10ⁿ for very small or large values."""
    if isinstance(q, Fraction):
        s = exact_decimal(q, 14)
        if s is not None:
            return _mn(s)
        q = float(q)
    s = f"{float(q):.{figures}g}"
    if "e" in s:
        m, e = s.split("e")
        return [el("mn", m), el("mo", "×"), el("msup", el("mn", "10"), el("mn", str(int(e))))]
    return _mn(s)


def _num_parts(v) -> list:
    if isinstance(v, bool):
        v = int(v)
    if isinstance(v, int):
        v = Fraction(v)
    neg = v < 0
    a = -v if neg else v
    out = [el("mo", "−")] if neg else []
    if isinstance(a, Fraction) and exact_decimal(a, 14) is None:
        out += [el("mfrac", el("mn", str(a.numerator)), el("mn", str(a.denominator))),
                el("mo", "≈")] + _decimal(a)
    else:
        out += _decimal(a)
    return out


def _value_parts(v) -> list:
    """A scalar, a vector (row) or a matrix (list of rows), as MathML children."""
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(r, (list, tuple)) for r in v):
            rows = [el("mtr", *[el("mtd", *_num_parts(x)) for x in r]) for r in v]
            return [el("mo", "("), el("mtable", *rows), el("mo", ")")]
        parts = [el("mo", "(")]
        for i, x in enumerate(v):
            if i:
                parts.append(el("mo", ","))
            parts += _num_parts(x)
        return parts + [el("mo", ")")]
    return _num_parts(v)


def number(v) -> ET.Element:
    """A number, vector or matrix as an inline ``<math>`` element."""
    return _math(_value_parts(v))


def _math(parts) -> ET.Element:
    return el("math", *parts, xmlns=MATHML)


def html(e: ET.Element) -> str:
    """One element as an HTML (XHTML-compatible) string."""
    return ET.tostring(e, encoding="unicode", short_empty_elements=True)


def window_text(w) -> ET.Element:
    """``[lo, hi]`` of a :class:`~.window.Window` as inline MathML."""
    return _math([el("mo", "["), *_num_parts(w.lo), el("mo", ","), *_num_parts(w.hi),
                  el("mo", "]")])


def statement(problem, descriptions: dict) -> list[ET.Element]:
    """The problem's title and its drawn parameters (what every part of it builds on)."""
    items = []
    for name, v in problem.params.items():
        what = descriptions.get(name)
        shown = v if isinstance(v, str) else number(v)    # a name, e.g. the drawn activation
        items.append(el("li", el("em", name), f" — {what}: " if what else ": ", shown))
    return [para(el("strong", f"Problem {problem.number}: {problem.title}")),
            para("Given:"), el("ul", *items)]


def question_body(tag_text: str, problem, descriptions: dict, prompts, images=()
                  ) -> list[ET.Element]:
    """The text of one exported question: variant tag, statement, diagrams, what to answer.

    ``prompts``: ``(label, prompt, window)`` per part asked; the window's units and precision
    instruction are said after the prompt. ``images``: ``(src, alt)`` pairs.
    """
    out = [el("p", el("small", tag_text))] + statement(problem, descriptions)
    out += [para(el("img", src=src, alt=alt)) for src, alt in images]
    for label, prompt, w in prompts:
        out.append(para(el("strong", f"{label}: ") if label else None, _sentence(prompt, w)))
    return out


def _sentence(prompt: str, w) -> str:
    notes = "; ".join(n for n in (w.unit_text, w.instruction) if n)
    return f"{prompt.strip()} ({notes})."


def solution(problem, parts) -> list[ET.Element]:
    """The worked solution: the chain of factors where the problem has one, then each part's
    exact answer and the window the LMS accepts. ``parts``: ``(question, window)`` pairs."""
    out = [para(el("strong", "Solution"))]
    chain = problem.context.get("chain") if isinstance(problem.context, dict) else None
    if chain is not None and getattr(chain, "factors", None):
        out.append(_chain(chain))
    items = []
    for q, w in parts:
        li = el("li", el("strong", f"{q.id}"), f" — {q.prompt.strip()}: ", number(q.answer))
        if q.depends_on:
            _append(li, f" (builds on {', '.join(q.depends_on)})")
        if w.exponent:
            _append(li, [f"; {w.unit_text}: ", number(w.value)])
        _append(li, ["; accepted: ", window_text(w)])
        items.append(li)
    out.append(el("ul", *items))
    return out


def _chain(c) -> ET.Element:
    """∂L/∂w as the product of its factors, and the update when the chain has one."""
    parts = [el("mi", "g"), el("mo", "=")]
    for i, f in enumerate(c.factors):
        if i:
            parts.append(el("mo", "·"))
        parts += [el("mo", "(")] + _num_parts(f) + [el("mo", ")")] if f < 0 else _num_parts(f)
    parts += [el("mo", "=")] + _num_parts(c.product)
    p = para("By the chain rule the gradient along the route is the product of its factors: ",
             _math(parts))
    new = getattr(c, "new", None)
    if new is not None:
        lr = c.lr if c.lr is not None else 1
        upd = [el("mi", "w"), el("mo", "←")] + _num_parts(c.old) + [el("mo", "−")] \
            + _num_parts(lr) + [el("mo", "·")] + _num_parts(c.product) + [el("mo", "=")] \
            + _num_parts(new)
        _append(p, ["; one gradient-descent step: ", _math(upd)])
    return p


_QTI_OK = {"p", "ul", "ol", "li", "strong", "em", "small", "span", "div", "br", "img",
           "table", "tbody", "tr", "td", "th", "sub", "sup", "b", "i"}


def qti_tree(e: ET.Element, ns: str) -> ET.Element:
    """A copy of an HTML fragment in the QTI namespace ``ns``, MathML in its own namespace."""
    return _qti(e, ns, False)


def _qti(e, ns, in_math):
    math = in_math or e.tag == "math"
    if not math and e.tag not in _QTI_OK:
        raise ValueError(f"<{e.tag}> is not QTI 2.1 content")
    attrs = {k: v for k, v in e.attrib.items() if k != "xmlns"}
    out = ET.Element(f"{{{MATHML if math else ns}}}{e.tag}", attrs)
    out.text, out.tail = e.text, e.tail
    for c in e:
        out.append(_qti(c, ns, math))
    return out
