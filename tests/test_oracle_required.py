"""CI runs the PyTorch oracle or fails: with VGP_REQUIRE_TORCH set (as ``.ci/run`` sets it), a
torch that is absent -- or installed but failing to import -- stops the test run instead of
letting the oracle tests skip (issue 10). Without the variable a local user may still skip them.

Each case runs pytest on a one-test folder with the project's own ``conftest.py``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORACLE_TEST = 'import pytest\n\n\ndef test_oracle():\n    pytest.importorskip("torch")\n'


def _run(tmp_path: Path, torch_state: str, require: bool) -> subprocess.CompletedProcess:
    """pytest on one oracle test; ``torch_state`` is "absent" or "broken"."""
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_oracle.py").write_text(ORACLE_TEST)
    site = tmp_path / "site"
    site.mkdir()
    # absent: find_spec("torch") is None and the import fails, as on a machine without torch
    (site / "no_torch.py").write_text('import sys\nsys.modules["torch"] = None\n')
    if torch_state == "broken":   # found, but its shared library is missing
        (site / "torch").mkdir()
        (site / "torch" / "__init__.py").write_text(
            'raise ImportError("libtorch_cpu.so: cannot open shared object file")\n')
    env = {k: v for k, v in os.environ.items() if k != "VGP_REQUIRE_TORCH"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)] + (
        [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    if require:
        env["VGP_REQUIRE_TORCH"] = "1"
    plugin = ["-p", "no_torch"] if torch_state == "absent" else []
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n0", "-p", "no:cacheprovider", *plugin,
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("torch_state", ["absent", "broken"])
def test_required_torch_that_cannot_be_imported_fails_the_run(tmp_path, torch_state):
    r = _run(tmp_path, torch_state, require=True)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "VGP_REQUIRE_TORCH is set but torch cannot be imported" in out
    assert "skipped" not in out
    if torch_state == "broken":
        assert "cannot open shared object file" in out      # the reason is shown


def test_without_the_requirement_the_oracle_skips(tmp_path):
    r = _run(tmp_path, "absent", require=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 skipped" in r.stdout


def test_ci_requires_torch_before_running_the_suite():
    """.ci/run installs torch without forgiving a failure and sets the variable before pytest."""
    script = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in script
    install = next(line for line in script.splitlines() if "pip install" in line and "torch" in line)
    assert "||" not in install, install
    assert re.search(r"^export VGP_REQUIRE_TORCH=1$", script, re.M)
    assert script.index("export VGP_REQUIRE_TORCH=1") < script.index("python -m pytest")
