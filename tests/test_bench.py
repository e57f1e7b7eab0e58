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
