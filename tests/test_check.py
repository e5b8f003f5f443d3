"""Tests of emlib.check, the workshop's setup check (``python -m emlib.check``)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emlib import check
from emlib.check import CheckResult

ROOT = Path(__file__).resolve().parents[1]
MISSING = "emlib-test-no-such-package"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "emlib.check", *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env
    )


# --- the command line, end to end -------------------------------------------------


def test_cli_passes_on_this_setup():
    done = run_cli()
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[-1] == "OK"
    assert all(line.startswith("OK   ") for line in lines[:-1])
    names = [line.split(":")[0][5:] for line in lines[:-1]]
    assert names[:2] == ["python", "requirements.txt"]
    assert {"numpy", "jupyter-book", "emlib", "jupyter kernel 'python3'", "tiny EM fit"} <= set(names)


def test_cli_fails_when_a_package_is_missing(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"numpy>=2.0\n{MISSING}>=1.0  # not installed anywhere\n")
    done = run_cli("--requirements", str(requirements))
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert f"FAIL {MISSING}: not installed. Fix: run `pip install -r requirements.txt`" in done.stdout
    assert lines[-1] == f"FAIL: {MISSING} (not installed)"
    assert any(line.startswith("OK   numpy: ") for line in lines)


def test_cli_fails_on_a_missing_requirements_file(tmp_path):
    done = run_cli("--requirements", str(tmp_path / "nowhere.txt"), "--kernel", "emlib-test-no-such-kernel")
    assert done.returncode == 1
    last = done.stdout.splitlines()[-1]
    assert last.startswith("FAIL: requirements.txt (no requirements file at ")
    assert "jupyter kernel 'emlib-test-no-such-kernel' (did not start" in last


def test_cli_fails_when_the_kernel_cannot_import_emlib(tmp_path):
    """A kernel that runs another environment: here, one where ``import emlib`` fails."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "emlib.py").write_text("raise ModuleNotFoundError(\"No module named 'emlib'\")\n")
    spec = tmp_path / "jupyter" / "kernels" / "elsewhere"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "another Python", "language": "python", "env": {"PYTHONPATH": str(shadow)},
    }))
    done = run_cli("--kernel", "elsewhere", env={**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")})
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert lines[-1] == "FAIL: jupyter kernel 'elsewhere' (the cell failed: ModuleNotFoundError: No module named 'emlib')"
    assert "python -m ipykernel install --user --name elsewhere" in done.stdout


# --- finding and reading requirements.txt ----------------------------------------


def test_find_requirements_finds_the_checkouts_file_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert check.find_requirements() == ROOT / "requirements.txt"


def test_find_requirements_returns_an_explicit_path_even_if_missing(tmp_path):
    assert check.find_requirements(tmp_path / "x.txt") == tmp_path / "x.txt"
    assert check.find_requirements(str(tmp_path / "x.txt")) == tmp_path / "x.txt"


def test_find_requirements_rejects_a_non_path():
    with pytest.raises(TypeError, match="explicit must be a path"):
        check.find_requirements(3)


def test_read_requirements_drops_comments_and_blank_lines(tmp_path):
    file = tmp_path / "r.txt"
    file.write_text("# header\n\nnumpy>=2.0  # why\n  scipy\n-e .\n")
    assert check.read_requirements(file) == ["numpy>=2.0", "scipy", "-e ."]


def test_read_requirements_of_the_project_includes_the_package_itself():
    lines = check.read_requirements(ROOT / "requirements.txt")
    assert "-e ." in lines and any(line.startswith("numpy") for line in lines)


def test_read_requirements_rejects_bad_input(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        check.read_requirements(None)
    with pytest.raises(ValueError, match="no requirements file at"):
        check.read_requirements(tmp_path / "missing.txt")


def test_run_checks_reports_a_missing_file_as_a_failed_check(tmp_path):
    results = check.run_checks(tmp_path / "missing.txt", kernel_name="emlib-test-no-such-kernel")
    by_name = {one.name: one for one in results}
    assert not by_name["requirements.txt"].ok
    assert "--requirements PATH" in by_name["requirements.txt"].fix
    assert by_name["tiny EM fit"].ok


# --- the single checks ----------------------------------------------------------


def test_check_python():
    assert check.check_python(">=3.0").ok
    failed = check.check_python(">=99")
    assert not failed.ok and "needs >=99" in failed.detail and failed.fix
    assert check.check_python("").ok  # no constraint known


def test_check_python_rejects_bad_input():
    with pytest.raises(TypeError, match="requires must be a string"):
        check.check_python(3.10)
    with pytest.raises(ValueError, match="not a version specifier"):
        check.check_python("three point ten")


def test_check_requirement_installed_missing_and_too_old():
    assert check.check_requirement("numpy>=2.0").ok
    missing = check.check_requirement(f"{MISSING}>=1")
    assert (missing.ok, missing.detail, missing.fix) == (False, "not installed", check.FIX_INSTALL)
    too_old = check.check_requirement("numpy>=999")
    assert not too_old.ok and "installed, the book needs >=999" in too_old.detail


def test_check_requirement_editable_line_is_the_book_package():
    result = check.check_requirement("-e .")
    assert result.ok and result.name == "emlib"


def test_check_requirement_skips_lines_for_other_platforms():
    result = check.check_requirement(f'{MISSING}>=1; python_version < "3"')
    assert result.ok and "not needed here" in result.detail


def test_check_requirement_rejects_bad_input():
    with pytest.raises(TypeError, match="line must be a string"):
        check.check_requirement(["numpy"])
    with pytest.raises(ValueError, match="not a requirement"):
        check.check_requirement("numpy >= = 2")


def test_check_kernel_reports_a_kernel_that_does_not_exist():
    result = check.check_kernel("emlib-test-no-such-kernel", timeout=30)
    assert not result.ok and "did not start" in result.detail
    assert "ipykernel install" in result.fix


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kernel_name": 3}, TypeError, "kernel_name must be a string"),
        ({"kernel_name": ""}, ValueError, "kernel_name is empty"),
        ({"timeout": "60"}, TypeError, "timeout must be a number"),
        ({"timeout": True}, TypeError, "timeout must be a number"),
        ({"timeout": 0}, ValueError, "timeout must be > 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be > 0"),
    ],
)
def test_check_kernel_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        check.check_kernel(**kwargs)


def test_check_tiny_fit_passes_here():
    result = check.check_tiny_fit()
    assert result.ok and "agree" in result.detail


# --- the report -----------------------------------------------------------------


def test_lines_and_summary():
    good = CheckResult("numpy", True, "2.4 (needs >=2.0)")
    bad = CheckResult("scipy", False, "not installed", "pip install it")
    assert good.line() == "OK   numpy: 2.4 (needs >=2.0)"
    assert bad.line() == "FAIL scipy: not installed. Fix: pip install it"
    assert check.summary([good]) == "OK"
    assert check.summary([good, bad, bad]) == "FAIL: scipy (not installed); scipy (not installed)"


def test_summary_rejects_bad_input():
    with pytest.raises(TypeError, match="list of CheckResult"):
        check.summary(["OK"])
    with pytest.raises(ValueError, match="no check ran"):
        check.summary([])
