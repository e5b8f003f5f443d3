"""The workshop's setup check: is this Python ready to run the book?

Run it before the workshop, in the environment you installed into::

    python -m emlib.check

It prints one line per check, ``OK`` or ``FAIL`` with what to do, then a last
line that is exactly ``OK`` or ``FAIL: <what failed>``, and exits with status
0 or 1. The checks:

* the Python version, against the book package's ``Requires-Python``;
* every package of ``requirements.txt`` installed, at a version it allows;
* a Jupyter kernel starts, runs a cell, and can import :mod:`emlib` (a kernel
  that runs another Python than the one you installed into cannot);
* a tiny EM fit, where the question's loops (:func:`emlib.em_original`) and the
  vectorized version (:func:`emlib.em_vectorized`) agree.

Besides :mod:`emlib` itself (which needs NumPy and SciPy to import), only the
standard library is imported before the checks run, so any other missing
package shows up as a ``FAIL`` line rather than a traceback.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

FIX_INSTALL = "run `pip install -r requirements.txt` in the book's folder (or `make book`)"
"""What to do about a missing or outdated package."""

PROJECT = "emlib"
"""The book's own package: what an editable line (``-e .``) of requirements.txt installs."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    name : str
        What was checked, e.g. ``"numpy"`` or ``"jupyter kernel"``.
    ok : bool
        Whether it passed.
    detail : str
        What was found (a version, an error message).
    fix : str
        What to do when it failed; empty when it passed.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        """The report line: ``OK   name: detail`` or ``FAIL name: detail. Fix: ...``."""
        if self.ok:
            return f"OK   {self.name}: {self.detail}"
        return f"FAIL {self.name}: {self.detail}. Fix: {self.fix}"


def find_requirements(explicit: str | Path | None = None) -> Path | None:
    """Where ``requirements.txt`` is, or ``None`` if it is nowhere to be found.

    Parameters
    ----------
    explicit : str or pathlib.Path, optional
        A file given on the command line; returned as it is (even if missing,
        so that the caller reports it).

    Returns
    -------
    pathlib.Path or None
        ``explicit`` if given; else the ``requirements.txt`` of the checkout
        this module lives in (``<root>/src/emlib/check.py``, the case after
        ``pip install -r requirements.txt``, which installs the package in
        editable mode); else ``requirements.txt`` in the current folder.

    Raises
    ------
    TypeError
        If ``explicit`` is not ``None``, a ``str`` or a ``pathlib.Path``.
    """
    if explicit is not None:
        if not isinstance(explicit, (str, Path)):
            raise TypeError(f"explicit must be a path (str or pathlib.Path), got {type(explicit).__name__}")
        return Path(explicit)
    root = Path(__file__).resolve().parents[2]
    for candidate in (root / "requirements.txt", Path.cwd() / "requirements.txt"):
        if candidate.is_file():
            return candidate
    return None


def read_requirements(path: str | Path) -> list[str]:
    """The requirement lines of a requirements file, without comments and blank lines.

    Parameters
    ----------
    path : str or pathlib.Path
        A pip requirements file.

    Returns
    -------
    list of str
        E.g. ``["numpy>=2.0", "-e ."]``.

    Raises
    ------
    TypeError
        If ``path`` is not a ``str`` or ``pathlib.Path``.
    ValueError
        If the file does not exist.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a path (str or pathlib.Path), got {type(path).__name__}")
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"no requirements file at {str(file)!r}")
    lines = (line.split(" #", 1)[0].strip() for line in file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def check_python(requires: str) -> CheckResult:
    """Check the running Python against a version specifier such as ``">=3.10"``.

    Raises
    ------
    TypeError
        If ``requires`` is not a string.
    ValueError
        If ``requires`` is not a valid version specifier.
    """
    if not isinstance(requires, str):
        raise TypeError(f"requires must be a string such as '>=3.10', got {type(requires).__name__}")
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifier = SpecifierSet(requires)
    except InvalidSpecifier as err:
        raise ValueError(f"requires is not a version specifier: {err}") from None
    version = platform.python_version()
    found = f"{version} at {sys.executable} (needs {requires or 'any version'})"
    if specifier.contains(version, prereleases=True):
        return CheckResult("python", True, found)
    return CheckResult("python", False, found, f"install Python {requires} and create the environment with it")


def check_requirement(line: str) -> CheckResult:
    """Check that one requirement line is installed at a version it allows.

    Parameters
    ----------
    line : str
        A requirement such as ``"numpy>=2.0"``, or an editable install of this
        project (``"-e ."``), which is checked as the package :data:`PROJECT`.

    Returns
    -------
    CheckResult
        Passing if installed at an allowed version, or if the line's
        environment marker excludes this platform.

    Raises
    ------
    TypeError
        If ``line`` is not a string.
    ValueError
        If ``line`` is not a valid requirement.
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a string such as 'numpy>=2.0', got {type(line).__name__}")
    from packaging.requirements import InvalidRequirement, Requirement

    specifier = None
    if line.startswith(("-e ", "--editable ")):
        name = PROJECT
    else:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as err:
            raise ValueError(f"not a requirement: {line!r} ({err})") from None
        if requirement.marker is not None and not requirement.marker.evaluate():
            return CheckResult(requirement.name, True, f"not needed here ({requirement.marker})")
        name, specifier = requirement.name, requirement.specifier
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return CheckResult(name, False, "not installed", FIX_INSTALL)
    if specifier and not specifier.contains(version, prereleases=True):
        return CheckResult(name, False, f"{version} installed, the book needs {specifier}", FIX_INSTALL)
    return CheckResult(name, True, version + (f" (needs {specifier})" if specifier else ""))


def check_kernel(kernel_name: str = "python3", timeout: float = 60.0) -> CheckResult:
    """Start a Jupyter kernel, run one cell in it, and check it can import :mod:`emlib`.

    Parameters
    ----------
    kernel_name : str, default "python3"
        The kernel the chapters use.
    timeout : float, default 60
        Seconds to wait for the kernel to start, and then for the cell.

    Raises
    ------
    TypeError
        If ``kernel_name`` is not a string or ``timeout`` not a real number.
    ValueError
        If ``kernel_name`` is empty or ``timeout`` is not > 0.
    """
    if not isinstance(kernel_name, str):
        raise TypeError(f"kernel_name must be a string, got {type(kernel_name).__name__}")
    if not kernel_name:
        raise ValueError("kernel_name is empty")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
    if not timeout > 0:
        raise ValueError(f"timeout must be > 0, got {timeout!r}")
    name = f"jupyter kernel {kernel_name!r}"
    fix = (
        f"the kernel must run this Python ({sys.executable}): {FIX_INSTALL}, then "
        f"`python -m ipykernel install --user --name {kernel_name}` with this Python"
    )
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError as err:
        return CheckResult(name, False, f"jupyter_client is missing ({err})", FIX_INSTALL)
    outputs: list[str] = []

    def collect(message: dict) -> None:
        if message["msg_type"] == "stream":
            outputs.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            outputs.append(f"{message['content']['ename']}: {message['content']['evalue']}")

    # The kernel's own log (e.g. ipykernel's transport warning) would only confuse
    # a student; keep it, and show its last line if the kernel does not start.
    with tempfile.TemporaryFile(mode="w+") as log:
        try:
            manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=timeout, stderr=log)
        except Exception as err:  # noqa: BLE001 - any failure to start is the finding
            log.seek(0)
            last = ([line for line in log.read().splitlines() if line.strip()] or [""])[-1]
            return CheckResult(name, False, f"did not start ({type(err).__name__}: {err}) {last}".strip(), fix)
        try:
            client.execute_interactive(
                "import sys, emlib; print(6 * 7, sys.executable)", timeout=timeout, output_hook=collect
            )
        except Exception as err:  # noqa: BLE001 - a timeout or a dead kernel is the finding
            outputs.append(f"{type(err).__name__}: {err}")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    text = "".join(outputs).strip()
    if text.startswith("42 "):
        return CheckResult(name, True, f"ran a cell with {text[3:]}")
    return CheckResult(name, False, f"the cell failed: {text or 'no output'}", fix)


def check_tiny_fit() -> CheckResult:
    """Fit a tiny mixture with the question's loops and the vectorized version; they must agree.

    200 samples (10 rows x 20 columns) of a well-separated two-component
    mixture, 5 iterations each; the final parameters must agree with
    ``np.allclose``.
    """
    name = "tiny EM fit"
    try:
        import numpy as np

        import emlib

        truth = emlib.MixtureParams(means=[-2.0, 2.0], variances=[1.0, 0.5], weights=[0.4, 0.6])
        start = emlib.MixtureParams(means=[-1.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
        x = emlib.sample(truth, (10, 20), seed=0)
        loops = emlib.em_original(x, start, tol=0, max_iter=5).params.as_array()
        arrays = emlib.em_vectorized(x, start, tol=0, max_iter=5).params.as_array()
    except Exception as err:  # noqa: BLE001 - a missing or broken package is the finding
        return CheckResult(name, False, f"{type(err).__name__}: {err}", FIX_INSTALL)
    if np.allclose(loops, arrays):
        return CheckResult(name, True, f"em_original and em_vectorized agree (means {np.round(arrays[0], 3)})")
    return CheckResult(
        name, False, f"em_original and em_vectorized differ: {loops.tolist()} vs {arrays.tolist()}",
        "report this to the instructor, with the output of this check",
    )


def run_checks(
    requirements: str | Path | None = None, *, kernel_name: str = "python3", timeout: float = 60.0
) -> list[CheckResult]:
    """Run every check, in order: Python, packages, Jupyter kernel, tiny fit.

    Parameters
    ----------
    requirements : str or pathlib.Path, optional
        The requirements file; found with :func:`find_requirements` if omitted.
        A missing file, or one that does not parse, is reported as a failed check.
    kernel_name, timeout
        As in :func:`check_kernel`.

    Returns
    -------
    list of CheckResult
        Whether or not they passed; checks do not raise on what they find.

    Raises
    ------
    TypeError, ValueError
        For bad arguments (see :func:`find_requirements` and :func:`check_kernel`).
    """
    path = find_requirements(requirements)
    results = []
    try:
        import packaging  # noqa: F401 - needed to compare versions
    except ImportError:
        results.append(CheckResult("packaging", False, "not installed, cannot compare versions", FIX_INSTALL))
    else:
        try:
            requires_python = importlib.metadata.metadata(PROJECT)["Requires-Python"] or ""
        except importlib.metadata.PackageNotFoundError:
            requires_python = ""
        results.append(check_python(requires_python))
        if path is None:
            results.append(CheckResult(
                "requirements.txt", False, "not found next to the book's package or in the current folder",
                "run this from the book's folder, or pass --requirements PATH",
            ))
        else:
            try:
                lines = read_requirements(path)
                results.append(CheckResult("requirements.txt", True, str(path)))
                results.extend(check_requirement(line) for line in lines)
            except ValueError as err:
                fix = "pass --requirements PATH to the book's requirements.txt"
                results.append(CheckResult("requirements.txt", False, str(err), fix))
    results.append(check_kernel(kernel_name, timeout))
    results.append(check_tiny_fit())
    return results


def summary(results: list[CheckResult]) -> str:
    """The last line of the report: exactly ``OK``, or ``FAIL: `` and what failed.

    For example ``FAIL: numpy (not installed); tiny EM fit (ModuleNotFoundError: ...)``.

    Raises
    ------
    TypeError
        If ``results`` is not a list of :class:`CheckResult`.
    ValueError
        If ``results`` is empty.
    """
    if not isinstance(results, list) or not all(isinstance(one, CheckResult) for one in results):
        raise TypeError("results must be a list of CheckResult")
    if not results:
        raise ValueError("results is empty: no check ran")
    failed = [f"{one.name} ({one.detail})" for one in results if not one.ok]
    return "OK" if not failed else "FAIL: " + "; ".join(failed)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the report, return 0 if every check passed, else 1."""
    parser = argparse.ArgumentParser(prog="python -m emlib.check", description=__doc__.splitlines()[0])
    parser.add_argument("--requirements", help="the requirements file (default: the book's requirements.txt)")
    parser.add_argument("--kernel", default="python3", help="the Jupyter kernel to try (default: python3)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the kernel (default: 60)")
    args = parser.parse_args(argv)
    results = run_checks(args.requirements, kernel_name=args.kernel, timeout=args.timeout)
    for one in results:
        print(one.line(), flush=True)
    last = summary(results)
    print(last)
    return 0 if last == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
