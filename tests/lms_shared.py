"""Where the LMS formats' schemas, validator and R/exams references live: ``<repo>/../shared/lms``
(as in CI), or ``$VGP_LMS_SHARED`` for a checkout elsewhere."""
from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VGP_LMS_SHARED") or REPO.parent / "shared" / "lms")
HW1 = REPO / "vgp_symbolic" / "problems" / "hw1.toml"

needs_shared = pytest.mark.skipif(
    not (SHARED / "validate").is_file(),
    reason=f"the LMS schemas and validator are not at {SHARED} (CI puts shared/ beside the "
           "clone; or set VGP_LMS_SHARED)")


@functools.lru_cache(maxsize=1)
def _validator():
    """``shared/lms/validate`` loaded as a module, its schemas parsed once per test run (the
    script parses the 2 MB QTI schema again for every file it checks)."""
    loader = importlib.machinery.SourceFileLoader("lms_validate", str(SHARED / "validate"))
    spec = importlib.util.spec_from_loader("lms_validate", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    mod._schema = functools.lru_cache(maxsize=None)(mod._schema)
    return mod


def validate(kind: str, *files) -> tuple[int, str]:
    """``shared/lms/validate KIND FILE…`` (its own checks, in this process): (exit code,
    output: one line per file, then its problems)."""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = _validator().main(["validate", kind, *map(str, files)])
    return code, out.getvalue()
