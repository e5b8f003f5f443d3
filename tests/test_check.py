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


def test_cli_checks_the_learners_environment_by_default():
    done = run_cli()
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[-1] == "OK"
    assert all(line.startswith("OK   ") for line in lines[:-1])
    names = [line.split(":")[0][5:] for line in lines[:-1]]
    assert names[:2] == ["python", "requirements-learner.txt"]
    assert {"numpy", "scipy", "jupyterlab", "emlib", "jupyter kernel 'python3'", "tiny EM fit"} <= set(names)
    assert "jupyter-book" not in names and "pytest" not in names


def test_cli_full_checks_the_build_and_test_environment():
    done = run_cli("--full")
    names = [line.split(":")[0][5:] for line in done.stdout.splitlines()[:-1]]
    assert done.returncode == 0, done.stdout + done.stderr
    assert names[:2] == ["python", "requirements.txt"]
    assert {"numpy", "jupyter-book", "pytest", "emlib", "tiny EM fit"} <= set(names)


def test_cli_fails_when_a_package_is_missing(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"numpy>=2.0\n{MISSING}>=1.0  # not installed anywhere\n")
    done = run_cli("--requirements", str(requirements))
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    fix = "run `python -m pip install -r requirements.txt` in the book's folder"
    assert f"FAIL {MISSING}: not installed. Fix: {fix}" in done.stdout
    assert lines[-1].startswith(f"FAIL: {MISSING} (not installed). Fix: {fix}")
    assert any(line.startswith("OK   numpy: ") for line in lines)


def test_cli_fails_on_a_missing_requirements_file(tmp_path):
    done = run_cli("--requirements", str(tmp_path / "nowhere.txt"), "--kernel", "emlib-test-no-such-kernel")
    assert done.returncode == 1
    last = done.stdout.splitlines()[-1]
    assert last.startswith("FAIL: nowhere.txt (no requirements file at ")
    assert "jupyter kernel 'emlib-test-no-such-kernel' (did not start" in last
    assert "Fix: pass --requirements PATH" in last


def hide(tmp_path, *modules: str) -> dict:
    """An environment in which importing each of ``modules`` fails, as if it were not installed."""
    for module in modules:
        (tmp_path / module).mkdir()
        (tmp_path / module / "__init__.py").write_text(f"raise ModuleNotFoundError(\"No module named '{module}'\")\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")])}


def test_cli_without_numpy_and_scipy_ends_with_fail_and_the_fix_not_a_traceback(tmp_path):
    """Issue 9: the check runs where NumPy is missing, so emlib must not import it up front."""
    done = run_cli(env=hide(tmp_path, "numpy", "scipy"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("FAIL: ")
    assert "tiny EM fit (ModuleNotFoundError: No module named 'numpy')" in last
    assert "Fix: run `python -m pip install -r requirements-learner.txt`" in last


def test_importing_emlib_check_imports_no_numpy():
    code = "import sys, emlib, emlib.check; print(sorted(m for m in ('numpy', 'scipy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_emlib_names_and_submodules_load_on_first_use():
    code = "import emlib; print(emlib.vectorized.e_step.__name__, emlib.driver.run_em.__name__, emlib.em_hoisted.__name__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.split() == ["e_step", "run_em", "em_hoisted"], done.stderr
    import emlib

    assert set(emlib.__all__) <= set(dir(emlib))
    assert [getattr(emlib, name) is not None for name in emlib.__all__] == [True] * len(emlib.__all__)
    assert list(emlib.FITTERS) == ["em_original", "em_hoisted", "em_broadcast", "em_vectorized"]
    assert emlib.FITTERS["em_vectorized"] is emlib.em_vectorized
    with pytest.raises(AttributeError, match="has no attribute 'em_fast'"):
        emlib.em_fast  # noqa: B018


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "argument --timeout: invalid timeout '0'"),
        (["--timeout", "-1"], "argument --timeout: invalid timeout '-1'"),
        (["--timeout", "nan"], "argument --timeout: invalid timeout 'nan'"),
        (["--timeout", "inf"], "argument --timeout: invalid timeout 'inf'"),
        (["--timeout", "soon"], "argument --timeout: invalid timeout 'soon'"),
        (["--kernel", ""], "argument --kernel: the kernel name is empty"),
        (["--kernel", "  "], "argument --kernel: the kernel name is empty"),
    ],
)
def test_cli_refuses_bad_arguments_in_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        check.main(args)
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("python -m emlib.check: error: " + message), error


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
    assert lines[-1].startswith(
        "FAIL: jupyter kernel 'elsewhere' (the cell failed: ModuleNotFoundError: No module named 'emlib'). Fix: ")
    assert "python -m ipykernel install --user --name elsewhere" in done.stdout


# --- finding and reading requirements.txt ----------------------------------------


def test_find_requirements_finds_the_checkouts_file_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert check.find_requirements() == ROOT / "requirements-learner.txt"
    assert check.find_requirements(full=True) == ROOT / "requirements.txt"


def test_find_requirements_returns_an_explicit_path_even_if_missing(tmp_path):
    assert check.find_requirements(tmp_path / "x.txt") == tmp_path / "x.txt"
    assert check.find_requirements(str(tmp_path / "x.txt")) == tmp_path / "x.txt"


def test_find_requirements_rejects_a_non_path():
    with pytest.raises(TypeError, match="explicit must be a path"):
        check.find_requirements(3)
    with pytest.raises(TypeError, match="full must be a bool"):
        check.find_requirements(full="yes")


def test_read_requirements_drops_comments_and_blank_lines(tmp_path):
    file = tmp_path / "r.txt"
    file.write_text("# header\n\nnumpy>=2.0  # why\n  scipy\n-e .\n")
    [read] = check.read_requirements(file)
    assert (read.path, read.requirements, read.problems) == (file, ["numpy>=2.0", "scipy", "-e ."], [])


def test_read_requirements_reads_valid_pip_syntax(tmp_path):
    """Issue 11, cause 12: -r, options, continuations, tabs before #, markers and hashes are pip's syntax."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.txt").write_text("pytest>=9\n-r ../main.txt  # a cycle, read once\n")
    main = tmp_path / "main.txt"
    main.write_text(
        "--index-url https://pypi.org/simple\n"
        "-i https://pypi.org/simple\n"
        "--extra-index-url=https://example.org/simple\n"
        "-r sub/other.txt\n"
        "numpy\\\n"
        "  >=2.0\n"
        "scipy>=1.0\t# a tab before the comment\n"
        'colorama; sys_platform == "win32"\n'
        "matplotlib==3.11.2 --hash=sha256:0123\n"
        "--requirement=sub/other.txt\n"
        "--editable .\n"
        "-c constraints.txt\n"
    )
    files = check.read_requirements(main)
    assert [file.path for file in files] == [main, tmp_path / "sub" / "other.txt"]
    assert files[0].requirements == [
        "numpy >=2.0", "scipy>=1.0", 'colorama; sys_platform == "win32"', "matplotlib==3.11.2", "-e .",
    ]
    assert files[1].requirements == ["pytest>=9"]
    assert [file.problems for file in files] == [[], []]


def test_read_requirements_goes_on_after_a_bad_line(tmp_path):
    file = tmp_path / "r.txt"
    file.write_text("numpy >= = 2\n--no-such-option\n-r missing.txt\nscipy\n")
    [read] = check.read_requirements(file)
    assert read.requirements == ["scipy"]
    assert read.problems[0].startswith("line 1: not a requirement: 'numpy >= = 2' (")  # and packaging's reason
    assert "\n" not in read.problems[0]
    assert read.problems[1:] == [
        "line 2: unknown pip option '--no-such-option'",
        f"line 3: -r missing.txt: no readable requirements file at {str(tmp_path / 'missing.txt')!r}",
    ]


def test_one_verdict_per_file_and_every_later_line_checked(tmp_path):
    """Issue 11, cause 12: a bad line fails its file once, and the lines after it are still checked."""
    (tmp_path / "other.txt").write_text(f"{MISSING}>=1\n")
    file = tmp_path / "r.txt"
    file.write_text("numpy >= = 2\nnumpy>=2.0\n-r other.txt\nscipy\n")
    results = check.check_requirements_files(file)
    assert [(one.name, one.ok) for one in results] == [
        ("r.txt", False), ("numpy", True), ("scipy", True), ("other.txt", True), (MISSING, False),
    ]
    assert results[0].detail.startswith(f"{file}: line 1: not a requirement: 'numpy >= = 2'")
    assert "\n" not in results[0].detail
    assert results[0].fix == f"correct these lines of {file}"
    assert "pip install -r r.txt" in results[-1].fix


def test_the_projects_requirements_files_read_cleanly():
    for name in ("requirements.txt", "requirements-learner.txt"):
        [read] = check.read_requirements(ROOT / name)
        assert read.problems == [] and "-e ." in read.requirements
        assert any(line.startswith("numpy") for line in read.requirements)


def test_read_requirements_rejects_bad_input(tmp_path):
    with pytest.raises(TypeError, match="path must be a path"):
        check.read_requirements(None)
    with pytest.raises(ValueError, match="no requirements file at"):
        check.read_requirements(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="cannot read the requirements file"):
        check.read_requirements(tmp_path)
    (tmp_path / "latin1.txt").write_bytes("numpy  # \xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="cannot read the requirements file"):
        check.read_requirements(tmp_path / "latin1.txt")


def test_run_checks_reports_a_missing_file_as_a_failed_check(tmp_path):
    results = check.run_checks(tmp_path / "missing.txt", kernel_name="emlib-test-no-such-kernel")
    by_name = {one.name: one for one in results}
    assert not by_name["missing.txt"].ok
    assert "--requirements PATH" in by_name["missing.txt"].fix
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
    assert (missing.ok, missing.detail) == (False, "not installed")
    too_old = check.check_requirement("numpy>=999")
    assert not too_old.ok and "installed, the book needs >=999" in too_old.detail


def test_check_requirement_editable_line_is_the_book_package():
    for line in ("-e .", "."):
        result = check.check_requirement(line, base=ROOT)
        assert result.ok and result.name == "emlib"
    wheel = check.check_requirement(f"dist/{MISSING.replace('-', '_')}-1.0-py3-none-any.whl")
    assert (wheel.name, wheel.ok) == (MISSING.replace("-", "_"), False)
    assert check.check_requirement(f"{MISSING} @ https://example.org/x.whl").name == MISSING


def test_check_requirement_skips_lines_for_other_platforms():
    result = check.check_requirement(f'{MISSING}>=1; python_version < "3"')
    assert result.ok and "not needed here" in result.detail


def test_check_requirement_rejects_bad_input():
    with pytest.raises(TypeError, match="line must be a string"):
        check.check_requirement(["numpy"])
    with pytest.raises(ValueError, match="not a requirement"):
        check.check_requirement("numpy >= = 2")
    with pytest.raises(ValueError, match="cannot tell what it installs"):
        check.check_requirement("git+https://example.org/x.git")


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
        ({"kernel_name": " "}, ValueError, "kernel_name is empty"),
        ({"timeout": 0}, ValueError, "timeout must be finite and > 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be finite and > 0"),
        ({"timeout": float("inf")}, ValueError, "timeout must be finite and > 0"),
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
    other = CheckResult("numpy", False, "1.0 installed, the book needs >=2.4", "pip install it")
    assert check.summary([good, bad, other]) == (
        "FAIL: scipy (not installed); numpy (1.0 installed, the book needs >=2.4). Fix: pip install it")


def test_summary_rejects_bad_input():
    with pytest.raises(TypeError, match="list of CheckResult"):
        check.summary(["OK"])
    with pytest.raises(ValueError, match="no check ran"):
        check.summary([])


def test_requires_python_is_what_the_pinned_packages_need():
    """numpy 2.4, scipy 1.17 and scikit-learn 1.9 need Python 3.11; pyproject.toml and the README say so."""
    import tomllib

    from packaging.specifiers import SpecifierSet

    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert "3.11" in requires and "3.10" not in requires
    assert "Python >= 3.11" in (ROOT / "README.md").read_text()


def test_without_a_requirements_file_the_packages_emlib_needs_are_still_checked(monkeypatch):
    monkeypatch.setattr(check, "find_requirements", lambda explicit=None, full=False: None)  # run outside the kit
    results = check.run_checks(kernel_name="emlib-test-no-such-kernel", timeout=5)
    missing = next(result for result in results if result.name == check.LEARNER_REQUIREMENTS)
    assert not missing.ok and "learner kit's folder" in missing.fix
    checked = {result.name for result in results}
    assert {"numpy", "scipy", "matplotlib"} <= checked  # emlib's own dependencies, from its metadata


def test_a_requirements_extras_are_checked_too():
    assert check.check_requirement("dask[array,distributed]>=2026.8").ok
    result = check.check_requirement("dask[dataframe]>=2026.8")  # pandas and pyarrow are not in the environment
    assert not result.ok
    assert "pandas not installed" in result.detail and "for dask[dataframe]" in result.detail
