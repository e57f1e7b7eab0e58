"""Where the LMS formats' schemas, validator and R/exams references live: ``<repo>/../shared/lms``
(as in CI), or ``$VGP_LMS_SHARED`` for a checkout elsewhere."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VGP_LMS_SHARED") or REPO.parent / "shared" / "lms")
HW1 = REPO / "vgp_symbolic" / "problems" / "hw1.toml"

needs_shared = pytest.mark.skipif(
    not (SHARED / "validate").is_file(),
    reason=f"the LMS schemas and validator are not at {SHARED} (CI puts shared/ beside the "
           "clone; or set VGP_LMS_SHARED)")


def validate(kind: str, *files) -> tuple[int, str]:
    """Run ``shared/lms/validate KIND FILE…``: (exit code, output)."""
    r = subprocess.run([sys.executable, str(SHARED / "validate"), kind, *map(str, files)],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr
