"""Reading a student's answer: a small whitelist parser over exact rationals.

Student answers are hostile input. They are never handed to Python's or SymPy's expression
readers (those run Python code); this module reads numbers and the operators
``+ - * / ^ **`` (also ``−`` U+2212, ``×``, ``·``, ``÷``), parentheses and a trailing ``%``,
and nothing else. Every value is a :class:`~fractions.Fraction`, so ``1/500`` and ``0.002``
are the same number and nothing is lost to binary floating point.

Grammar (``^`` and ``**`` are right-associative; unary minus binds looser than a power,
so ``-2^2`` is −4, as on paper)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := postfix (("^" | "**") unary)?
    postfix := atom "%"?
    atom    := NUMBER | "(" expr ")"
    NUMBER  := digits ["." digits] [("e" | "E") ["+" | "-"] digits]   (or ".5", "5.")

Everything is bounded *before* it is computed, so ``9**9**9**9`` or a megabyte of digits
is rejected in microseconds: the input length, the digits of a literal, the exponent of
scientific notation, the nesting depth, the integer exponent of a power, and the bit size
of every intermediate numerator and denominator (checked from the operands' sizes before a
power is taken, and after every other operation).

>>> parse("2e-3"), parse("(1/4)^10"), parse("−0.002")
(Fraction(1, 500), Fraction(1, 1048576), Fraction(-1, 500))
>>> parse("2,498", decimal_comma=True)
Fraction(1249, 500)
>>> try:
...     parse("__import__('os')")
... except ParseError as err:
...     print(err)
unexpected character '_' at position 1
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..numbers import decimal_places

__all__ = ["ParseError", "Parsed", "parse", "parse_answer", "value_figures",
           "MAX_LENGTH", "MAX_DIGITS", "MAX_SCI_EXPONENT", "MAX_POWER", "MAX_BITS", "MAX_DEPTH"]

MAX_LENGTH = 200         # characters after trimming surrounding spaces
MAX_DIGITS = 60          # digits in one literal (mantissa)
MAX_SCI_EXPONENT = 400   # |n| in 1e±n
MAX_POWER = 1000         # |n| in x^n; n must be an integer
MAX_BITS = 4096          # bits of any numerator or denominator along the way (~1233 digits)
MAX_DEPTH = 20           # nesting of parentheses / signs / powers

# Characters students type that mean an ASCII operator; anything else unknown is rejected.
_TRANSLATE = str.maketrans({
    "\u2212": "-",   # − minus sign
    "\u2013": "-",   # – en dash (word processors turn '-' into it)
    "\ufe63": "-", "\uff0d": "-",
    "\u00d7": "*",   # ×
    "\u00b7": "*",   # · middle dot
    "\u22c5": "*",   # ⋅ dot operator
    "\u2217": "*",   # ∗
    "\u00f7": "/",   # ÷
    "\u2044": "/",   # ⁄ fraction slash
    "\u2215": "/",   # ∕ division slash
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\t": " ",
})

_NUMBER = re.compile(r"(\d+)?(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?", re.ASCII)
# The common case, a plain decimal: read without the tokenizer.
_PLAIN = re.compile(r"([+-]?)(\d{1,60})?(?:\.(\d{0,60}))?(?:[eE]([+-]?\d{1,3}))?", re.ASCII)
_RATIO = re.compile(r"([+-]?)(\d{1,60}) */ *(\d{1,60})", re.ASCII)
_DIGITS = frozenset("0123456789")
_WORDS = re.compile(r"nan|inf|infinity|∞", re.I)


class ParseError(ValueError):
    """The answer is not a number this parser reads; ``str(err)`` is the reason."""


class Parsed:
    """A parsed answer: its exact ``value`` and the significant figures the student wrote.

    ``sig_figs`` is the precision the answer is written with, the same for every way of
    writing the same thing: for a decimal literal the digits from the first non-zero one,
    trailing zeros included (``2.50`` has 3, ``0.0020`` has 2, ``2500`` has 4); for an
    expression the fewest of its non-zero decimal literals (``(2.5)``, ``2.5*1``, ``2.5+0`` and
    ``2.5e0000`` have 2, as ``2.5`` has); for an expression of whole numbers only (``5/2``,
    ``250%``) the digits of its value's decimal (2.5: 2), and ``None`` when that decimal does
    not terminate (``1/3`` is exact to every figure).
    ``decimals`` is the number of digits after the decimal point of such a literal
    (None for expressions and for scientific notation); ``text`` is that literal as a plain
    ASCII decimal; ``approx`` is ``float(value)`` (±inf when out of range), for quick checks.

    For a literal or a ratio the exact Fraction is made on first use of ``value``: most
    answers are settled by ``approx`` alone (see :class:`~.compare.Criterion`).
    """

    __slots__ = ("_value", "_nd", "sig_figs", "decimals", "text", "approx")

    def __init__(self, value: Fraction, sig_figs: int | None = None,
                 decimals: int | None = None, text: str = "", approx: float | None = None):
        self._value, self.sig_figs, self.decimals, self.text = value, sig_figs, decimals, text
        if approx is None:
            try:
                approx = float(value)
            except OverflowError:
                approx = float("inf") if value > 0 else float("-inf")
        self.approx = approx

    @property
    def value(self) -> Fraction:
        """The exact value."""
        v = self._value
        if v is None:
            v = self._value = Fraction(*self._nd)
        return v

    def __repr__(self):
        return (f"Parsed(value={self.value!r}, sig_figs={self.sig_figs!r}, "
                f"decimals={self.decimals!r}, text={self.text!r})")

    def __eq__(self, other):
        return isinstance(other, Parsed) and (self.value, self.sig_figs, self.decimals,
                                              self.text) == (other.value, other.sig_figs,
                                                             other.decimals, other.text)

    __hash__ = None


_new = object.__new__


def _lazy(num: int, den: int, sig_figs, decimals, text: str, approx: float) -> Parsed:
    """A Parsed whose exact value num/den (den > 0) is made only when asked for."""
    p = _new(Parsed)
    p._value = None
    p._nd = (num, den)
    p.sig_figs = sig_figs
    p.decimals = decimals
    p.text = text
    p.approx = approx
    return p


def parse(text: str, decimal_comma: bool = False) -> Fraction:
    """The exact value of ``text``, or :class:`ParseError` with a reason.

    >>> parse("0.25**4"), parse(" 2.0E-03 "), parse("1/500")
    (Fraction(1, 256), Fraction(1, 500), Fraction(1, 500))
    """
    return parse_answer(text, decimal_comma).value


def parse_answer(text, decimal_comma: bool = False) -> Parsed:
    """Parse ``text`` into a :class:`Parsed` (value and written precision).

    >>> p = parse_answer("2.50")
    >>> p.value, p.sig_figs, p.decimals
    (Fraction(5, 2), 3, 2)
    >>> try:
    ...     parse_answer("9**9**9**9")
    ... except ParseError as err:
    ...     print(err)
    exponent 387420489 is too large (at most 1000)
    """
    if not isinstance(text, str):
        raise ParseError("not text")
    # Cheap bound first: a megabyte of input is rejected before any other work.
    if len(text) > 4 * MAX_LENGTH:
        raise ParseError(f"answer too long ({len(text)} characters; at most {MAX_LENGTH})")
    ascii_ = text.isascii()
    s = (text if ascii_ else text.translate(_TRANSLATE)).strip()
    if not s:
        raise ParseError("empty answer")
    if len(s) > MAX_LENGTH:
        raise ParseError(f"answer too long ({len(s)} characters; at most {MAX_LENGTH})")
    if decimal_comma:
        if "," in s and "." in s:
            raise ParseError("both ',' and '.' in the answer: write 2,498 (a comma as the "
                             "decimal mark, and no '.')")
        s = s.replace(",", ".")
    elif "," in s:
        raise ParseError("',' in a number: write 2.498 (a point as the decimal mark)")
    if ascii_:
        # The commonest answer, a plain decimal such as -0.0123: what _PLAIN matches without
        # an exponent, read with string methods (isdigit is 0-9 only on ASCII text)
        sign = s[0]
        if sign == "-" or sign == "+":
            whole, dot, frac = s[1:].partition(".")
        else:
            sign = ""
            whole, dot, frac = s.partition(".")
        if ((whole.isdigit() if whole else frac) and (not frac or frac.isdigit())
                and len(whole) <= 60 and len(frac) <= 60):
            digits = (whole + frac).lstrip("0")
            if digits:
                sig, n = len(digits), int(digits)
            else:
                sig, n = 1, 0                    # "0", "0.000": one significant zero
            k = len(frac)
            p = _new(Parsed)
            p._value = None
            p._nd = (-n if sign == "-" else n, 10 ** k)
            p.sig_figs = sig
            p.decimals = k
            # the literal as a plain decimal: s itself unless it is ".5" or "5."
            p.text = (s if whole and (frac or not dot) else
                      sign + (whole or "0") + ("." + frac if frac else ""))
            p.approx = float(s)                 # correctly rounded, as float(value) is
            return p
    m = None if "/" in s else _PLAIN.fullmatch(s)
    if m and (m.group(2) or m.group(3)):
        return _plain(m, s)
    m = _RATIO.fullmatch(s)
    if m:                       # the other common case, p/q: exact by construction
        num, den = int(m.group(1) + m.group(2)), int(m.group(3))
        if den == 0:
            raise ParseError("division by zero")
        # int / int is correctly rounded: the same float as float(Fraction(num, den))
        return _lazy(num, den, value_figures(Fraction(num, den)), None, "", num / den)
    if _WORDS.search(s):
        raise ParseError("not a finite number")
    p = _Parser(s)
    value = p.parse()
    figs = [f for v, f in p.literals if f is not None and v]
    return Parsed(value, min(figs) if figs else value_figures(value), None, "")


def value_figures(v: Fraction) -> int | None:
    """Significant figures of ``v``'s decimal (a whole number's trailing zeros count, as in
    ``2500``), or None when the decimal does not terminate.

    >>> value_figures(Fraction(5, 2)), value_figures(Fraction(2500)), value_figures(Fraction(1, 3))
    (2, 4, None)
    """
    if v.denominator == 1:
        return len(str(abs(v.numerator)).lstrip("0")) or 1
    places = decimal_places(v)
    if places is None:
        return None
    n = abs(v.numerator) * 10 ** places // v.denominator
    return len(str(n).strip("0")) or 1


def _plain(m, s: str) -> Parsed:
    sign, whole, frac, exp = m.groups()
    if whole is None:
        whole = ""
    if frac is None:
        frac = ""
    digits = (whole + frac).lstrip("0")
    if digits:
        sig, n = len(digits), int(digits)
    else:
        sig, n = 1, 0                            # "0", "0.000": one significant zero
    if sign == "-":
        n = -n
    k = len(frac)
    if exp is None:
        plain = sign + (whole or "0") + ("." + frac if frac else "")
        # float(s) is correctly rounded, as float(n / 10^k) is: the same float
        return _lazy(n, 10 ** k, sig, k, plain, float(s))
    e = int(exp)
    if abs(e) > MAX_SCI_EXPONENT:
        raise ParseError(f"exponent in scientific notation too large (at most {MAX_SCI_EXPONENT})")
    e -= k
    # float(s): correctly rounded, as float(value) is (inf beyond range, as an overflowing
    # float(value) is taken); a zero value is +0.0, as float(Fraction(0)), also for "-0e5"
    approx = float(s) if n else 0.0
    if e >= 0:
        return _lazy(n * 10 ** e, 1, sig, None, "", approx)
    return _lazy(n, 10 ** -e, sig, None, "", approx)


def _bits(x: Fraction) -> int:
    return max(x.numerator.bit_length(), x.denominator.bit_length())


def _check(x: Fraction) -> Fraction:
    if _bits(x) > MAX_BITS:
        raise ParseError(f"number too large or too precise (more than {MAX_BITS} bits)")
    return x


class _Parser:
    """Recursive descent over a token list; each level is one rule of the grammar above."""

    _TOKEN = re.compile(r"\s*(?:(\*\*|[-+*/^()%])|(\d|\.\d))")

    def __init__(self, s: str):
        self.literals: list[tuple[Fraction, int | None]] = []   # (value, written figures)
        self.tokens = self._tokenize(s, self.literals)
        self.i = 0
        self.depth = 0

    @classmethod
    def _tokenize(cls, s: str, self_literals: list):
        out, i, n = [], 0, len(s)
        while i < n:
            c = s[i]
            if c == " " or c == "\t":
                i += 1
                continue
            if c in _DIGITS or (c == "." and i + 1 < n and s[i + 1] in _DIGITS):
                m = _NUMBER.match(s, i)
                whole, frac, esign, exp = m.group(1) or "", m.group(2) or "", m.group(3), m.group(4)
                if len(whole) + len(frac) > MAX_DIGITS:
                    raise ParseError(f"number with more than {MAX_DIGITS} digits at position {i + 1}")
                e = 0
                if exp is not None:
                    if len(exp) > 4 or int(exp) > MAX_SCI_EXPONENT:
                        raise ParseError(f"exponent in scientific notation too large at position "
                                         f"{i + 1} (at most {MAX_SCI_EXPONENT})")
                    e = -int(exp) if esign == "-" else int(exp)
                mant = int(whole + frac or "0")
                v = Fraction(mant * 10 ** max(e, 0), 10 ** len(frac) * 10 ** max(-e, 0))
                out.append(("num", v, i))
                # a decimal point or an exponent states a precision; a whole number does not
                decimal = m.group(0) != whole
                self_literals.append((v, (len((whole + frac).lstrip("0")) or 1) if decimal
                                      else None))
                i = m.end()
                continue
            if c == "*" and s.startswith("**", i):
                out.append(("op", "^", i))
                i += 2
                continue
            if c in "+-*/^()%":
                out.append(("op", c, i))
                i += 1
                continue
            shown = c if c.isprintable() else f"U+{ord(c):04X}"
            raise ParseError(f"unexpected character {shown!r} at position {i + 1}")
        return out

    # --- helpers -------------------------------------------------------------------------
    def _peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _accept(self, op):
        t = self._peek()
        if t is not None and t[0] == "op" and t[1] == op:
            self.i += 1
            return True
        return False

    def _enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"nested too deeply (at most {MAX_DEPTH} levels)")

    # --- grammar -------------------------------------------------------------------------
    def parse(self) -> Fraction:
        if not self.tokens:
            raise ParseError("empty answer")
        v = self.expr()
        t = self._peek()
        if t is not None:
            what = "number" if t[0] == "num" else repr(t[1])
            raise ParseError(f"unexpected {what} at position {t[2] + 1}")
        return v

    def expr(self) -> Fraction:
        v = self.term()
        while True:
            if self._accept("+"):
                v = _check(v + self.term())
            elif self._accept("-"):
                v = _check(v - self.term())
            else:
                return v

    def term(self) -> Fraction:
        v = self.unary()
        while True:
            if self._accept("*"):
                v = _check(v * self.unary())
            elif self._accept("/"):
                d = self.unary()
                if d == 0:
                    raise ParseError("division by zero")
                v = _check(v / d)
            else:
                return v

    def unary(self) -> Fraction:
        self._enter()
        try:
            if self._accept("-"):
                return -self.unary()
            if self._accept("+"):
                return self.unary()
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> Fraction:
        base = self.postfix()
        if not self._accept("^"):
            return base
        self._enter()
        try:
            exp = self.unary()            # right-associative, may be signed: 2^-3
        finally:
            self.depth -= 1
        if exp.denominator != 1:
            raise ParseError("only whole-number exponents are accepted")
        n = exp.numerator
        if abs(n) > MAX_POWER:
            raise ParseError(f"exponent {n} is too large (at most {MAX_POWER})")
        if base == 0 and n < 0:
            raise ParseError("division by zero")
        # Bound the result's size before computing it: bits(b^n) <= |n| * bits(b).
        if abs(n) * _bits(base) > MAX_BITS and abs(base) != 1:
            raise ParseError(f"number too large or too precise (more than {MAX_BITS} bits)")
        return base ** n

    def postfix(self) -> Fraction:
        v = self.atom()
        if self._accept("%"):
            v = v / 100
        return v

    def atom(self) -> Fraction:
        t = self._peek()
        if t is None:
            raise ParseError("the answer ends where a number was expected")
        if t[0] == "num":
            self.i += 1
            return t[1]
        if t[1] == "(":
            self.i += 1
            self._enter()
            try:
                v = self.expr()
            finally:
                self.depth -= 1
            if not self._accept(")"):
                raise ParseError("unbalanced parenthesis")
            return v
        raise ParseError(f"unexpected {t[1]!r} at position {t[2] + 1}")
