"""Escaping untrusted text for LaTeX, and the template environment."""
from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vgp_symbolic.homework.latex import (TeX, latex_escape, make_env, script_macro,
                                         typesettable, unsupported_characters)

SPECIALS = set("\\{}$&#^_%~")
# what latex_escape emits for the specials (and the ligature breakers): removed before checking
_SEQ = re.compile(r"\\(textbackslash|textasciicircum|textasciitilde|textless|textgreater|"
                  r"textbar|textquotedbl|textquotesingle|textasciigrave|nobreakspace)\{\}"
                  r"|\\[{}$&#_%]|-\{\}|,\{\}")

HOSTILE = [r"\input{/etc/passwd}", r"}\end{document}", "$x$", "100% & #1 ^_~",
           "Zoë Ørsted-Łukasz", "李雷", "O'Brien <<x>> ,,y'' --- `z`", "a\nb\r\nc\td\x00e\x1bf",
           "\\", "{", "}", "\\\\", "\u202eevil", "Ａｌｉｃｅ", "e\u0301mile", "q\u0303"]


def _residue(tex: str) -> str:
    return _SEQ.sub("", tex)


def pdf_escape(text):
    return latex_escape(text, "pdflatex")


@pytest.mark.parametrize("text", HOSTILE)
def test_no_special_survives(text):
    out = pdf_escape(text)
    assert isinstance(out, TeX)
    rest = _residue(out)
    assert not SPECIALS & set(rest), (text, out)
    assert all(typesettable(c) for c in rest), (text, out)
    assert "\n" not in out and "\r" not in out


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_escape_property(text):
    out = pdf_escape(text)
    rest = _residue(out)
    assert not SPECIALS & set(rest)
    assert all(typesettable(c) for c in rest)
    # "[U+XXXX]" placeholders only for characters pdflatex cannot typeset
    assert out.count("[U+") <= sum(1 for c in text if not typesettable(c)) + text.count("[U+")


_SCRIPT = re.compile(r"\\(vgparabic|vgphebrew|vgpdevanagari)\{")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60, alphabet=st.one_of(
    st.characters(), st.sampled_from(list("דוד כהן فاطمة अमित 李雷 {}\\$&#^_%~"))))) 
def test_lualatex_escape_property(text):
    """LuaLaTeX keeps every character; only the script macros vgp wrote open a brace."""
    out = latex_escape(text)
    opened = len(_SCRIPT.findall(out))
    rest = _residue(_SCRIPT.sub("", out))
    assert rest.count("}") == opened and not (SPECIALS - {"}"}) & set(rest)
    assert "\n" not in out and "\r" not in out


def test_script_runs():
    assert latex_escape("דוד כהן") == r"\vgphebrew{דוד כהן}"
    assert latex_escape("Ali فاطمة محمد!") == r"Ali \vgparabic{فاطمة محمد}!"
    assert latex_escape("अमित शर्मा") == r"\vgpdevanagari{अमित शर्मा}"
    assert latex_escape("李雷 Ελένη Nguyễn") == "李雷 Ελένη Nguyễn"
    assert latex_escape("a_b דוד") == r"a\_b \vgphebrew{דוד}"
    assert script_macro("a") is None


def test_known_forms():
    assert latex_escape(r"\input{/etc/passwd}") == r"\textbackslash{}input\{/etc/passwd\}"
    assert pdf_escape("李雷") == "[U+674E][U+96F7]" and latex_escape("李雷") == "李雷"
    assert latex_escape("Zoë Ørsted-Łukasz") == "Zoë Ørsted-Łukasz"
    assert latex_escape("e\u0301mile") == "émile"          # NFC first
    assert pdf_escape("ṯ") == "t" and latex_escape("ṯ") == "ṯ"   # transliterated for pdflatex
    assert latex_escape("a--b") == "a-{}-b"
    assert unsupported_characters("Zoë 李") == ["李"]


def test_env_escapes_every_plain_string_and_keeps_tex(tmp_path):
    (tmp_path / "t.tex").write_text(r"\VAR{a} \VAR{b} \VAR{c|num} \VAR{d}", encoding="utf-8")
    env = make_env(tmp_path, "pdflatex")
    out = env.get_template("t.tex").render(a="$x$ & 50%", b=TeX(r"\frac{1}{2}"),
                                           c=Fraction(1249, 500), d=Fraction(1, 3))
    assert out == (r"\$x\$ \& 50\% \frac{1}{2} 2.498 "
                   r"\ensuremath{\frac{1}{3} \approx 0.333333}")
    # string operations in the template give plain strings again: still escaped
    (tmp_path / "u.tex").write_text(r"\VAR{b ~ a}", encoding="utf-8")
    assert env.get_template("u.tex").render(a="$", b=TeX(r"\x")) == r"\textbackslash{}x\$"


def test_env_is_strict(tmp_path):
    (tmp_path / "t.tex").write_text(r"\VAR{missing}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        make_env(tmp_path).get_template("t.tex").render()
    (tmp_path / "v.tex").write_text(r"\VAR{flag}", encoding="utf-8")
    with pytest.raises(TypeError):
        make_env(tmp_path).get_template("v.tex").render(flag=True)


needs_tex = pytest.mark.skipif(any(shutil.which(t) is None for t in ("pdflatex", "pdftotext")),
                               reason="pdflatex/pdftotext not installed (apt-get install "
                                      "texlive-latex-base texlive-fonts-recommended poppler-utils)")


@needs_tex
def test_escaped_strings_compile_and_print_literally(tmp_path):
    """One document with the hostile strings and 150 random ones, with the templates' preamble."""
    import random
    rng = random.Random(5)
    alphabet = list("\\{}$&#^_%~<>|\"'`-,!? abcXYZ019\n\t") + ["é", "Ł", "ß", "李", "Ω", "\u0301",
                                                                "\x07", "€", "…"]
    randoms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25))) for _ in range(150)]
    body = "\n\n".join(rf"\textbf{{{pdf_escape(s)}}} \fbox{{{pdf_escape(s)}}}"
                       for s in HOSTILE + randoms)
    doc = (r"\documentclass{article}\usepackage[T1]{fontenc}\usepackage[utf8]{inputenc}"
           r"\usepackage{textcomp}\usepackage{mathptmx}\begin{document}" + "\n" + body +
           "\n\\end{document}\n")
    (tmp_path / "e.tex").write_text(doc, encoding="utf-8")
    r = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                        "-halt-on-error", "e.tex"], cwd=tmp_path, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stdout.decode(errors="replace")[-2000:]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "e.pdf", "-"], cwd=tmp_path,
                          capture_output=True, check=True).stdout.decode("utf-8")
    for s in (r"\input{/etc/passwd}", r"}\end{document}", "$x$", "100% & #1 ^_~",
              "Zoë Ørsted-Łukasz", "[U+674E][U+96F7]"):
        assert s in text, s
