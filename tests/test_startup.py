"""Start-up stays instant: the CLI imports sympy, numpy, mpmath and matplotlib only when used."""
import subprocess
import sys

import pytest

HEAVY = ("sympy", "numpy", "mpmath", "matplotlib", "scipy", "torch")
_PROBE = ("import sys; {code}; heavy = [m for m in {heavy!r} if m in sys.modules]; "
          "sys.stderr.write('HEAVY=' + ','.join(heavy))")


def _loaded(code: str) -> list[str]:
    # the command's own output goes to stdout; the verdict to stderr, after it
    err = subprocess.run([sys.executable, "-c", _PROBE.format(code=code, heavy=HEAVY)],
                         capture_output=True, text=True, check=True).stderr
    return [m for m in err.rpartition("HEAVY=")[2].strip().split(",") if m]


def test_importing_the_cli_imports_no_heavy_library():
    assert _loaded("import vgp_symbolic.cli") == []


@pytest.mark.parametrize("argv", [["--help"], ["derive", "--help"], ["prove", "--help"],
                                  ["render", "--help"], ["grade", "--help"], ["lab", "--help"]])
def test_help_imports_no_heavy_library(argv):
    code = ("from vgp_symbolic.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass")
    assert _loaded(f"exec({code!r})") == []


def test_the_seed_example_needs_no_sympy_or_numpy():
    code = ("from vgp_symbolic.cli import main\n"
            "try:\n    main(['derive', '--example', 'seed'])\nexcept SystemExit:\n    pass")
    assert not {"sympy", "numpy", "matplotlib"} & set(_loaded(f"exec({code!r})"))
