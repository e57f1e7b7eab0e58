"""`vgp init`: a starter folder that renders as it is; and the package works when installed
(not editable) outside the checkout."""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_init_writes_a_folder_that_renders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["init", "course"])
    assert r.exit_code == 0, r.output
    course = tmp_path / "course"
    assert (course / "assignment.toml").is_file() and (course / "roster.csv").is_file()
    assert (course / "templates" / "document.tex").is_file()
    monkeypatch.chdir(course)
    r = CliRunner().invoke(main, ["render", "--no-pdf"])
    assert r.exit_code == 0, r.output
    assert len(list((course / "out" / "tex" / "handouts").glob("*.tex"))) == 4
    # the local templates are the ones used: an edit shows in the output
    doc = course / "templates" / "document.tex"
    doc.write_text(doc.read_text("utf-8").replace("Problem set", "Übungsblatt"), "utf-8")
    assert CliRunner().invoke(main, ["render", "--no-pdf"]).exit_code == 0
    assert "Übungsblatt" in (course / "out" / "tex" / "handouts" / "s001.tex").read_text("utf-8")


def test_init_names_the_folder_once(tmp_path, monkeypatch):
    """`vgp init course/` (a trailing slash, as shells complete it) prints course/, not course//."""
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["init", "course/"])
    assert r.exit_code == 0, r.output
    assert "files in course/: " in r.output and "cd course && vgp render" in r.output


def test_init_refuses_to_overwrite(tmp_path):
    assert CliRunner().invoke(main, ["init", str(tmp_path / "c")]).exit_code == 0
    r = CliRunner().invoke(main, ["init", str(tmp_path / "c")])
    assert r.exit_code == 2 and "already has" in r.output and "assignment.toml" in r.output


def _setuptools_major() -> int:
    try:
        return int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("lualatex") is None, reason="TeX Live not installed (.ci/run)")
def test_installed_package_renders_outside_the_checkout(tmp_path):
    """`pip install .` (not editable) into a fresh venv, then `vgp init course` and `vgp render`
    in an empty folder: the problem library and templates ship inside the package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    # a copy of the source: the build must not depend on the checkout's own paths
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", "out"))
    # the wheel `pip install .` builds (with this interpreter's setuptools: the venv's own may
    # predate the pyproject's), installed into the venv; dependencies from the system site.
    # A fresh venv made as the README says has setuptools 65 (its build of `pip install -e`
    # was isolated): then pip fetches setuptools>=77 as pyproject.toml asks.
    isolation = [] if _setuptools_major() < 77 else ["--no-build-isolation"]
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation,
                        "-w", str(tmp_path / "dist"), str(src)], env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    wheel = next((tmp_path / "dist").glob("vgp_symbolic-*.whl"))
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    shutil.rmtree(src)
    where = subprocess.run([str(py), "-c", "import vgp_symbolic; print(vgp_symbolic.__file__)"],
                           env=env, capture_output=True, text=True, cwd=tmp_path, check=True)
    installed = Path(where.stdout.strip())
    assert venv in installed.parents, installed          # the installed copy, not the checkout
    work = tmp_path / "empty"
    work.mkdir()
    vgp = str(venv / "bin" / "vgp")
    r = subprocess.run([vgp, "init", "course"], cwd=work, env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([vgp, "render"], cwd=work / "course", env=env, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    out = work / "course" / "out"
    for kind in ("handouts", "solutions"):
        pdfs = sorted(out.glob(f"{kind}/*.pdf"))
        assert len(pdfs) == 4 and all(p.read_bytes()[:4] == b"%PDF" for p in pdfs), kind
