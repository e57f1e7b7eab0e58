"""Running `vgp derive` in the tests, and what a bad spec must give: exit 2, a message naming the
file, the line and the key, no traceback."""
from click.testing import CliRunner

from vgp_symbolic.cli import main


def run_derive(*args):
    return CliRunner().invoke(main, ["derive", *map(str, args)])


def assert_spec_error(tmp_path, text: str, where: str, what: str):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    r = run_derive(f)
    assert r.exit_code == 2, r.output
    assert f"{f}, {where}" in r.output and what in r.output, r.output
    assert "Traceback" not in r.output
