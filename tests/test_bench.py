"""The benchmarks run from a checkout whatever the installed package points at (bench/*.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def wrong_package(tmp_path):
    """An environment whose PYTHONPATH finds a different, broken ``vgp_symbolic`` first."""
    pkg = tmp_path / "elsewhere" / "vgp_symbolic"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('the wrong vgp_symbolic')\n")
    return dict(os.environ, PYTHONPATH=str(pkg.parent))


@pytest.mark.parametrize("script", ["derive_depth.py", "derive_recurrent.py"])
def test_bench_imports_this_checkout(script, wrong_package, tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--help"], cwd=tmp_path,
                       env=wrong_package, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "usage" in r.stdout


def test_startup_bench_times_this_checkout(wrong_package, tmp_path):
    # its timed interpreters must import this checkout too (they crashed with the wrong one)
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "startup.py"), "--repeat", "1"],
                       cwd=tmp_path, env=wrong_package, capture_output=True, text=True,
                       timeout=120)
    assert "Error" not in r.stderr and "vgp derive --example seed" in r.stdout, r.stderr
    assert r.returncode in (0, 1)  # 1: a goal missed on a loaded machine, not a crash


def test_recurrent_bench_without_torch_says_so(tmp_path):
    """A fresh `pip install -e '.[test]'` has no torch: `--help` worked only with torch, and
    the suite failed there; the run itself now says what to install instead of a traceback."""
    fake = tmp_path / "site" / "torch"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no torch here')\n")
    env = dict(os.environ, PYTHONPATH=str(fake.parent))
    script = str(ROOT / "bench" / "derive_recurrent.py")
    r = subprocess.run([sys.executable, script, "--help"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "usage" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, script, "--lengths", "2", "--blocks", "2"], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
    assert "torch==2.13.0" in r.stderr
