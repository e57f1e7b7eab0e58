"""`vgp lab` on the command line: output, JSON, plots and bad input (exit code 2)."""
import json

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli.lab import lab

FAST = ["--depth", "3", "--width", "5", "--epochs", "3"]


def invoke(*args):
    return CliRunner().invoke(lab, list(args), catch_exceptions=False)


def test_text_report():
    res = invoke(*FAST)
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith("vgp lab: 2 → 3 × 5 (sigmoid)")
    assert "‖∂L/∂W‖ start" in out and "weight change" in out
    assert "first/last layer gradient norm" in out
    assert "What this run shows (optimizer adam)" in out
    assert "first layer weights W¹" in out


def test_json_report():
    res = invoke(*FAST, "--optimizer", "sgd", "--format", "json")
    assert res.exit_code == 0
    d = json.loads(res.output)
    assert d["run"]["config"]["optimizer"] == "sgd" and d["run"]["config"]["lr"] == 0.01
    assert len(d["run"]["epochs"]["grad_norms"]) == 3 and d["explanation"]


def test_options_reach_the_run():
    d = json.loads(invoke(*FAST, "--activation", "relu", "--init", "he", "--batchnorm",
                          "--residual", "--clip", "2", "--seed", "7", "--lr", "0.002",
                          "--batch-size", "16", "--format", "json").output)["run"]["config"]
    assert (d["activation"], d["init"], d["batchnorm"], d["residual"], d["clip"], d["seed"],
            d["lr"], d["batch_size"]) == ("relu", "he", True, True, 2.0, 7, 0.002, 16)


def test_exploding_setup_reports_the_epoch():
    res = invoke("--activation", "leaky_relu", "--init", "normal", "--init-std", "1.5",
                 "--optimizer", "sgd", "--epochs", "3")
    assert res.exit_code == 0
    assert "exploded at epoch 1" in res.output.lower()
    assert "nan" not in res.output.lower() and "inf" not in res.output.lower().replace(
        "infinite", "")


@pytest.mark.slow
def test_compare_json_and_plot(tmp_path):
    res = invoke("--compare", "--epochs", "2", "--depth", "4", "--format", "json",
                 "--plot", str(tmp_path))
    assert res.exit_code == 0
    d = json.loads(res.output)
    assert len(d["compare"]["table"]) == 8
    assert (tmp_path / "compare.png").stat().st_size > 10_000
    assert d["plots"] == [str(tmp_path / "compare.png")]


def test_compare_text():
    res = invoke("--compare", "--epochs", "2")
    assert res.exit_code == 0
    assert "set-up" in res.output and "sigmoid + batch norm" in res.output
    assert "exploded at epoch 1" in res.output
    shallow = invoke("--compare", "--epochs", "2", "--depth", "2")
    assert "did not overflow at depth 2" in shallow.output


@pytest.mark.slow
def test_plot_writes_every_figure(tmp_path):
    res = invoke(*FAST, "--plot", str(tmp_path / "figs"))
    assert res.exit_code == 0
    for name in ("loss.png", "grad_norms.png", "grad_flow.png", "saturation.png",
                 "first_layer_weight.png", "weight_change.png"):
        p = tmp_path / "figs" / name
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"wrote {p}" in res.output
    assert not list((tmp_path / "figs").glob("*.tmp"))


def test_plot_into_a_file_path_fails_cleanly(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    res = invoke(*FAST, "--plot", str(f / "sub"))
    assert res.exit_code == 2 and "cannot write plots" in res.output


@pytest.mark.parametrize("args,msg", [
    (["--depth", "0"], "depth must be at least 1"),
    (["--width", "0"], "width must be at least 1"),
    (["--activation", "softmax"], "unknown activation 'softmax'"),
    (["--epochs", "-5"], "epochs must be a positive integer"),
    (["--clip", "-1"], "clip norm must be a positive number"),
    (["--lr", "0"], "learning rate must be a positive number"),
    (["--optimizer", "rmsprop"], "Invalid value for '--optimizer'"),
    (["--epochs", "many"], "Invalid value for '--epochs'"),
])
def test_bad_input_exit_code_2(args, msg):
    res = CliRunner().invoke(lab, args)
    assert res.exit_code == 2, res.output
    assert msg in res.output
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_seeds_print_median_and_range_and_plot_the_spread(tmp_path):
    res = invoke(*FAST, "--seeds", "3", "--plot", str(tmp_path))
    assert res.exit_code == 0, res.output
    rows = [ln.split()[0] for ln in res.output.splitlines() if ln[:1].isalnum()]
    assert {"42", "43", "44", "median", "min", "max"} <= set(rows)
    assert "Over 3 seeds (42–44)" in res.output
    for name in ("loss.png", "grad_norms.png", "grad_flow.png", "saturation.png",
                 "first_layer_weight.png", "weight_change.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    d = json.loads(invoke(*FAST, "--seeds", "2", "--format", "json").output)
    assert d["seeds"]["seeds"] == [42, 43]
    assert d["seeds"]["median_and_range"]["final_loss"]["n"] == 2


def test_compare_with_seeds_prints_median_and_range_tables():
    res = invoke("--compare", "--depth", "3", "--epochs", "2", "--seeds", "2")
    assert res.exit_code == 0
    assert "median over 2 seeds:" in res.output and "range (min–max) over 2 seeds:" in res.output


def test_help_says_seed_is_not_keras_set_random_seed():
    out = invoke("--help").output
    assert "set_random_seed" in " ".join(out.split()) and "--seeds" in out


def test_json_run_has_the_saturation_numbers():
    d = json.loads(invoke(*FAST, "--format", "json").output)["run"]
    assert len(d["saturation"]["start"]) == 3 and "saturated" in d["saturation"]["end"][0]


def test_bad_seeds_exit_code_2():
    res = CliRunner().invoke(lab, [*FAST, "--seeds", "0"])
    assert res.exit_code == 2 and "seeds must be a whole number" in res.output
