"""homework.manifest: what a build was drawn from, and refusing to grade against another."""
import json

import pytest
from click.testing import CliRunner

from vgp_symbolic.cli import main
from vgp_symbolic.homework import load_assignment
from vgp_symbolic.homework.manifest import (ManifestError, assignment_hash, check_manifest,
                                            read_manifest)

HW1 = "vgp_symbolic/problems/hw1.toml"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    d = tmp_path_factory.mktemp("m")
    (d / "roster.csv").write_text("student_id,name\ns001,Ada\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["render", HW1, "--roster", str(d / "roster.csv"), "--out",
                                  str(d / "build"), "--no-pdf", "--seed", "5"])
    assert r.exit_code == 0, r.output
    return d / "build"


def test_render_writes_the_manifest(build):
    from vgp_symbolic import __version__
    m = read_manifest(build)
    assert (m.assignment, m.class_seed, m.vgp_version) == ("hw1", 5, __version__)
    assert m.files_sha256 == assignment_hash(load_assignment(HW1)) and m.created[:2] == "20"


def test_the_hash_does_not_depend_on_how_the_path_is_given(monkeypatch, tmp_path):
    from pathlib import Path
    absolute = load_assignment(Path(HW1).resolve())
    monkeypatch.chdir(Path(HW1).parent)
    assert assignment_hash(load_assignment("hw1.toml")) == assignment_hash(absolute)


def test_a_mismatch_is_refused_with_what_differs(build):
    a = load_assignment(HW1)
    assert check_manifest(read_manifest(build), a, 5, build) == []
    assert check_manifest(read_manifest(build), a, None, build) == []
    with pytest.raises(ManifestError, match="class seed 5, not 0"):
        check_manifest(read_manifest(build), a, 0, build)


def test_edited_problem_files_are_refused(build, tmp_path):
    m = read_manifest(build)
    a = load_assignment(HW1)
    import dataclasses
    other = dataclasses.replace(m, files_sha256="0" * 64)
    with pytest.raises(ManifestError, match="changed since the build"):
        check_manifest(other, a, None, build)


def test_missing_or_broken_manifest(tmp_path):
    with pytest.raises(ManifestError, match="no manifest"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"assignment": "hw1"}))
    with pytest.raises(ManifestError, match="incomplete"):
        read_manifest(tmp_path)
