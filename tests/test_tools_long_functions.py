"""tools/long_functions.py: the map of long functions the clean-ups of issue 10 measure by."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("long_functions", ROOT / "tools" / "long_functions.py")
long_functions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(long_functions)


def _body(n: int) -> str:
    return "".join(f"    x{i} = {i}\n" for i in range(n))


def test_lengths_run_from_def_to_last_line_and_decorators_apart(tmp_path):
    (tmp_path / "a.py").write_text(
        "import click\n\n\n@click.command()\n@click.option('--x')\ndef cmd(x):\n" + _body(9)
        + "\n\nclass K:\n    def method(self):\n" + _body(4).replace("    ", "        ")
        + "\n        def inner():\n" + _body(11).replace("    ", "            "))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("def short():\n    return 1\n")
    rows = long_functions.long_functions(tmp_path, over=8)
    assert [(length, Path(f).name, line, name, deco) for length, f, line, name, deco in rows] == [
        (18, "a.py", 19, "K.method", 0),      # its nested function counts inside it ...
        (12, "a.py", 25, "K.method.inner", 0),  # ... and is listed on its own too
        (10, "a.py", 6, "cmd", 2),            # def + 9 lines; the 2 decorator lines apart
    ]


def test_main_prints_one_row_per_function(tmp_path, capsys):
    (tmp_path / "m.py").write_text("def f():\n" + _body(3))
    assert long_functions.main([str(tmp_path), "--over", "2"]) == 0
    out, err = capsys.readouterr()
    assert out.split() == ["4", f"{tmp_path / 'm.py'}:1", "f"]
    assert "1 functions over 2 lines" in err
