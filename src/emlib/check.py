"""The setup check: is this Python ready to run the book?

Run it in the environment you installed into::

    python -m emlib.check          # a learner's environment (requirements-learner.txt)
    python -m emlib.check --full   # the build-and-test environment (requirements.txt)

It prints one line per check, ``OK`` or ``FAIL`` with what to do, then a last
line that is exactly ``OK`` or ``FAIL: <what failed>. Fix: <the command that
fixes it>``, and exits with status 0 or 1 (2 for a bad argument). The checks:

* the Python version, against the book package's ``Requires-Python``;
* the requirements file (``requirements-learner.txt``, or ``requirements.txt``
  with ``--full``) reads as pip reads it, and every package it names is
  installed at a version it allows (with no file found, a ``FAIL`` line says
  where to run the check, and the packages :mod:`emlib` itself declares are
  checked instead);
* a Jupyter kernel starts, runs a cell, and can import :mod:`emlib` (a kernel
  that runs another Python than the one you installed into cannot);
* a tiny EM fit, where the question's loops (:func:`emlib.em_original`) and the
  vectorized version (:func:`emlib.em_vectorized`) agree.

Only the standard library is imported before the checks run (the package
:mod:`emlib` imports NumPy only when one of its fitters is first used), so a
missing NumPy, SciPy or Jupyter shows up as a ``FAIL`` line, never as a
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import math
import platform
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from emlib.command_line import argument_parser, run

PROJECT = "emlib"
"""The book's own package: what a line installing the book's folder (``-e .``) installs."""

ROOT = Path(__file__).resolve().parents[2]
"""The checkout this module lives in (``<root>/src/emlib/check.py``), when it is one."""

LEARNER_REQUIREMENTS = "requirements-learner.txt"
FULL_REQUIREMENTS = "requirements.txt"

_COMMENT = re.compile(r"(^|\s)#.*$")
"""A comment, as pip sees one: ``#`` at the start of a line or after a space or tab."""

_INCLUDE_OPTIONS = ("-r", "--requirement")
_EDITABLE_OPTIONS = ("-e", "--editable")
_SKIPPED_OPTIONS = (
    "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "--no-index", "-f", "--find-links",
    "--pre", "--prefer-binary", "--no-binary", "--only-binary", "--require-hashes", "--trusted-host",
    "--use-feature", "--hash", "--config-settings", "--global-option",
)
"""pip options that say where or how to install, not what: they need no check."""


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


@dataclass
class RequirementsFile:
    """One requirements file as pip reads it.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    requirements : list of str
        Its requirements, in order: PEP 508 lines (``"numpy>=2.4"``) and
        installs of a folder or archive (``"-e ."``, ``"./dist/x.whl"``).
    problems : list of str
        What could not be read, one entry per bad line (``"line 3: ..."``).
    """

    path: Path
    requirements: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def install_fix(requirements: str | Path) -> str:
    """What to do about a missing or outdated package: install ``requirements`` with this Python."""
    name = Path(requirements).name
    fix = f"run `python -m pip install -r {name}` in the book's folder, with the Python that runs this check"
    return fix + (" (or `make book`)" if name == FULL_REQUIREMENTS else "")


def find_requirements(explicit: str | Path | None = None, *, full: bool = False) -> Path | None:
    """Where the requirements file is, or ``None`` if it is nowhere to be found.

    Parameters
    ----------
    explicit : str or pathlib.Path, optional
        A file given on the command line; returned as it is (even if missing,
        so that the caller reports it).
    full : bool, default False
        Look for the build-and-test ``requirements.txt`` instead of the
        learner's ``requirements-learner.txt``.

    Returns
    -------
    pathlib.Path or None
        ``explicit`` if given; else the file in the checkout this module lives
        in (the case after an editable install); else the file in the current
        folder.

    Raises
    ------
    TypeError
        If ``explicit`` is not ``None``, a ``str`` or a ``pathlib.Path``, or
        ``full`` is not a bool.
    """
    if not isinstance(full, bool):
        raise TypeError(f"full must be a bool, got {type(full).__name__}")
    if explicit is not None:
        if not isinstance(explicit, (str, Path)):
            raise TypeError(f"explicit must be a path (str or pathlib.Path), got {type(explicit).__name__}")
        return Path(explicit)
    name = FULL_REQUIREMENTS if full else LEARNER_REQUIREMENTS
    for candidate in (ROOT / name, Path.cwd() / name):
        if candidate.is_file():
            return candidate
    return None


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) pairs with comments removed and continuations joined, as pip does."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw):
            pending += raw[:-1]
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield start, line
    if pending.strip():
        yield start, _COMMENT.sub("", pending).strip()


def _option(token: str, names: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether ``token`` is one of the options ``names``, and its value if attached (``-rfile``, ``--x=y``)."""
    for name in names:
        if token == name:
            return True, None
        if name.startswith("--") and token.startswith(name + "="):
            return True, token[len(name) + 1:]
        if not name.startswith("--") and token.startswith(name) and len(token) > len(name):
            return True, token[len(name):].lstrip("=")
    return False, None


def read_requirements(path: str | Path) -> list[RequirementsFile]:
    """Read a pip requirements file, and every file it includes with ``-r``.

    Read as pip reads it: ``#`` comments (after a space or a tab), line
    continuations (``\\``), ``-r``/``--requirement`` followed (relative to the
    file that names it, each file once), ``-e``/``--editable`` kept, options
    such as ``--index-url`` or a requirement's ``--hash`` skipped. A line that is
    none of these is a problem of its file; the lines after it are still read.

    Parameters
    ----------
    path : str or pathlib.Path
        A pip requirements file.

    Returns
    -------
    list of RequirementsFile
        ``path`` first, then the files it includes, each once.

    Raises
    ------
    TypeError
        If ``path`` is not a ``str`` or ``pathlib.Path``.
    ValueError
        If ``path`` is not a readable text file.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a path (str or pathlib.Path), got {type(path).__name__}")
    files: list[RequirementsFile] = []
    queue = [Path(path)]
    seen: set[Path] = set()
    while queue:
        file = queue.pop(0)
        if file.resolve() in seen:
            continue
        seen.add(file.resolve())
        text = _read_text(file)
        if text is None:
            if not files:
                reason = "no requirements file at" if not file.exists() else "cannot read the requirements file"
                raise ValueError(f"{reason} {str(file)!r}")
            continue  # already reported by the file that includes it
        parsed = RequirementsFile(file)
        files.append(parsed)
        for number, line in _logical_lines(text):
            problem = _read_line(line, file, parsed, queue)
            if problem:
                parsed.problems.append(f"line {number}: {problem}")
    return files


def _read_text(file: Path) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _read_line(line: str, file: Path, parsed: RequirementsFile, queue: list[Path]) -> str | None:
    """Add what one logical line asks for to ``parsed`` or ``queue``; return what is wrong with it, if anything."""
    try:
        tokens = shlex.split(line, posix=True)
    except ValueError as err:
        return f"cannot read {line!r} ({err})"
    if not tokens:
        return f"cannot read {line!r}"
    first = tokens[0]
    for names in (_INCLUDE_OPTIONS, _EDITABLE_OPTIONS):
        matched, value = _option(first, names)
        if matched:
            value = value or (tokens[1] if len(tokens) > 1 else None)
            if not value:
                return f"{first} needs a value"
            if names is _EDITABLE_OPTIONS:
                parsed.requirements.append(f"-e {value}")
                return None
            included = (file.parent / value) if not Path(value).is_absolute() else Path(value)
            if _read_text(included) is None:
                return f"{first} {value}: no readable requirements file at {str(included)!r}"
            queue.append(included)
            return None
    if first.startswith("-"):
        if any(_option(first, (name,))[0] for name in _SKIPPED_OPTIONS):
            return None
        return f"unknown pip option {first!r}"
    # A requirement, possibly followed by per-requirement options (--hash=...): keep what comes before them.
    words = line.split()
    requirement = " ".join(words[: next((i for i, w in enumerate(words) if w.startswith("-")), len(words))])
    if _packaging() is not None:  # without it, run_checks reports that nothing can be compared
        try:
            _parse_requirement(requirement, file.parent)
        except ValueError as err:
            return str(err)
    parsed.requirements.append(requirement)
    return None


def _packaging() -> tuple[type, type, type] | None:
    """``(Requirement, SpecifierSet, InvalidRequirement)`` from ``packaging``, or from the copy inside pip, or None."""
    for prefix in ("packaging", "pip._vendor.packaging"):
        try:
            requirements = __import__(f"{prefix}.requirements", fromlist=["Requirement"])
            specifiers = __import__(f"{prefix}.specifiers", fromlist=["SpecifierSet"])
        except ImportError:
            continue
        return requirements.Requirement, specifiers.SpecifierSet, requirements.InvalidRequirement
    return None


def check_python(requires: str) -> CheckResult:
    """Check the running Python against a version specifier such as ``">=3.11"``.

    Raises
    ------
    TypeError
        If ``requires`` is not a string.
    ValueError
        If ``requires`` is not a valid version specifier.
    RuntimeError
        If neither ``packaging`` nor ``pip`` is installed (nothing can compare versions).
    """
    if not isinstance(requires, str):
        raise TypeError(f"requires must be a string such as '>=3.11', got {type(requires).__name__}")
    _, SpecifierSet, _ = _require_packaging()
    try:
        specifier = SpecifierSet(requires)
    except Exception as err:  # noqa: BLE001 - InvalidSpecifier, from either copy of packaging
        raise ValueError(f"requires is not a version specifier: {err}") from None
    version = platform.python_version()
    found = f"{version} at {sys.executable} (needs {requires or 'any version'})"
    if specifier.contains(version, prereleases=True):
        return CheckResult("python", True, found)
    return CheckResult("python", False, found, f"install Python {requires} and create the environment with it")


def _require_packaging() -> tuple[type, type, type]:
    found = _packaging()
    if found is None:
        raise RuntimeError("neither packaging nor pip is installed: cannot compare versions")
    return found


def _local_project_name(target: str, base: Path) -> str | None:
    """The distribution name that installing the folder or archive ``target`` gives, if it can be told."""
    path = Path(target) if Path(target).is_absolute() else base / target
    if path.is_dir():
        pyproject = path / "pyproject.toml"
        if pyproject.is_file():
            import tomllib

            try:
                return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
            except (tomllib.TOMLDecodeError, KeyError, TypeError):
                return None
        return None
    match = re.match(r"([A-Za-z0-9][A-Za-z0-9._]*?)-\d", path.name)  # name-1.0-py3-none-any.whl, name-1.0.tar.gz
    return match.group(1) if match and path.suffix in (".whl", ".gz", ".zip") else None


def _parse_requirement(line: str, base: Path) -> tuple[str, object, object, frozenset[str]]:
    """``(distribution name, version specifier or None, environment marker or None, extras)`` of a requirement line.

    Raises ``ValueError`` (one line) if ``line`` is not a requirement, and
    ``RuntimeError`` if neither ``packaging`` nor ``pip`` is installed.
    """
    Requirement, _, InvalidRequirement = _require_packaging()
    if not line.startswith("-e "):
        try:
            requirement = Requirement(line)
        except InvalidRequirement as err:
            error = str(err).splitlines()[0]
        else:
            return requirement.name, requirement.specifier or None, requirement.marker, frozenset(requirement.extras)
    target = line[3:].strip() if line.startswith("-e ") else line
    egg = re.search(r"#egg=([A-Za-z0-9._-]+)", target)
    if egg:
        return egg.group(1), None, None, frozenset()
    if "://" in target:
        raise ValueError(f"not a requirement: {line!r} (a URL without #egg=<name>: cannot tell what it installs)")
    if line.startswith("-e ") or target.startswith((".", "/", "~")) or target.endswith((".whl", ".tar.gz", ".zip")):
        return _local_project_name(target, base) or PROJECT, None, None, frozenset()
    raise ValueError(f"not a requirement: {line!r} ({error})")


def check_requirement(line: str, base: str | Path = ".") -> CheckResult:
    """Check that one requirement is installed at a version it allows.

    Parameters
    ----------
    line : str
        A PEP 508 requirement such as ``"numpy>=2.4"``, or the install of a
        folder or archive (``"-e ."``, ``"."``, ``"dist/emlib-0.1.0-py3-none-any.whl"``),
        which is checked as the package that folder or archive holds
        (:data:`PROJECT` if that cannot be told).
    base : str or pathlib.Path, default "."
        The folder relative paths in ``line`` start from.

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
    RuntimeError
        If neither ``packaging`` nor ``pip`` is installed.
    """
    if not isinstance(line, str):
        raise TypeError(f"line must be a string such as 'numpy>=2.4', got {type(line).__name__}")
    name, specifier, marker, extras = _parse_requirement(line, Path(base))
    if marker is not None and not marker.evaluate():
        return CheckResult(name, True, f"not needed here ({marker})")
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return CheckResult(name, False, "not installed", "")
    if specifier and not specifier.contains(version, prereleases=True):
        return CheckResult(name, False, f"{version} installed, the book needs {specifier}", "")
    missing = _missing_for_extras(name, extras)
    if missing:
        return CheckResult(name, False, f"{version} installed, but {', '.join(missing)} "
                           f"(for {name}[{','.join(sorted(extras))}])", "")
    return CheckResult(name, True, version + (f" (needs {specifier})" if specifier else ""))


def _canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them (``Dask_ML`` and ``dask-ml`` are one)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _missing_for_extras(name: str, extras: frozenset[str]) -> list[str]:
    """What the ``extras`` of distribution ``name`` need and this environment lacks, e.g. ``["distributed not installed"]``."""
    if not extras:
        return []
    Requirement, _, _ = _require_packaging()
    missing = []
    for line in importlib.metadata.requires(name) or []:
        needed = Requirement(line)
        if needed.marker is None or not any(needed.marker.evaluate({"extra": extra}) for extra in extras):
            continue
        if _canonical(needed.name) == _canonical(name):  # an extra that names other extras of the same package
            continue
        try:
            version = importlib.metadata.version(needed.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{needed.name} not installed")
            continue
        if needed.specifier and not needed.specifier.contains(version, prereleases=True):
            missing.append(f"{needed.name} {version} installed, {name} needs {needed.specifier}")
    return missing


def check_requirements_files(path: Path) -> list[CheckResult]:
    """One verdict per requirements file (``path`` and those it includes), then one per requirement.

    A file's verdict is ``OK`` with its path, or ``FAIL`` with every line that
    could not be read; the requirements it does name are checked either way.
    """
    fix = install_fix(path)
    try:
        files = read_requirements(path)
    except ValueError as err:
        return [CheckResult(path.name, False, str(err), "pass --requirements PATH to the book's requirements file")]
    results = []
    for file in files:
        checked = []
        for requirement in file.requirements:
            try:
                result = check_requirement(requirement, base=file.path.parent)
            except ValueError as err:
                file.problems.append(str(err))
                continue
            checked.append(result if result.ok else CheckResult(result.name, False, result.detail, fix))
        if file.problems:
            detail = f"{file.path}: " + "; ".join(file.problems)
            results.append(CheckResult(file.path.name, False, detail, f"correct these lines of {file.path}"))
        else:
            results.append(CheckResult(file.path.name, True, str(file.path)))
        results.extend(checked)
    return results


KERNEL_NOISE = "running over TCP without encryption"
"""ipykernel's warning on every start over TCP (the default): true, harmless on one's own machine, and alarming."""


@contextlib.contextmanager
def kernel_log() -> Iterator[IO[str]]:
    """A temporary file for a Jupyter kernel's own log (pass it as the kernel's ``stderr``).

    The kernel's log (e.g. ipykernel's "running over TCP without encryption"
    warning) would only confuse a reader; it is kept here, and
    :func:`last_log_line` shows its last line when the kernel fails.
    """
    with tempfile.TemporaryFile(mode="w+") as log:
        yield log


def last_log_line(log: IO[str]) -> str:
    """The last line a kernel wrote to ``log`` (see :func:`kernel_log`) that says something, or ``""``.

    Blank lines and ipykernel's transport warning (:data:`KERNEL_NOISE`) do not count.
    """
    log.flush()
    log.seek(0)
    lines = [line.strip() for line in log.read().splitlines() if line.strip() and KERNEL_NOISE not in line]
    return (lines or [""])[-1]


def _check_kernel_arguments(kernel_name: object, timeout: object) -> float:
    """Check :func:`check_kernel`'s arguments; the timeout as a float."""
    if not isinstance(kernel_name, str):
        raise TypeError(f"kernel_name must be a string, got {type(kernel_name).__name__}")
    if not kernel_name.strip():
        raise ValueError("kernel_name is empty")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {type(timeout).__name__}")
    if not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be finite and > 0, got {timeout!r}")
    return float(timeout)


def check_kernel(kernel_name: str = "python3", timeout: float = 60.0, *, fix_install: str = "") -> CheckResult:
    """Start a Jupyter kernel, run one cell in it, and check it can import :mod:`emlib`.

    Parameters
    ----------
    kernel_name : str, default "python3"
        The kernel the chapters use.
    timeout : float, default 60
        Seconds to wait for the kernel to start, and then for the cell.
    fix_install : str, optional
        How to install the packages, for the fix of a failure (default:
        :func:`install_fix` of the learner's requirements).

    Raises
    ------
    TypeError
        If ``kernel_name`` is not a string or ``timeout`` not a real number.
    ValueError
        If ``kernel_name`` is empty or ``timeout`` is not finite and > 0.
    """
    timeout = _check_kernel_arguments(kernel_name, timeout)
    fix_install = fix_install or install_fix(LEARNER_REQUIREMENTS)
    name = f"jupyter kernel {kernel_name!r}"
    fix = (
        f"the kernel must run this Python ({sys.executable}): {fix_install}, then "
        f"`python -m ipykernel install --user --name {kernel_name}` with this Python"
    )
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError as err:
        return CheckResult(name, False, f"jupyter_client is missing ({err})", fix_install)
    outputs: list[str] = []

    def collect(message: dict) -> None:
        if message["msg_type"] == "stream":
            outputs.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            outputs.append(f"{message['content']['ename']}: {message['content']['evalue']}")

    with kernel_log() as log:
        try:
            manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=timeout, stderr=log)
        except Exception as err:  # noqa: BLE001 - any failure to start is the finding
            return CheckResult(name, False, f"did not start ({type(err).__name__}: {err}) {last_log_line(log)}".strip(), fix)
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


def check_tiny_fit(*, fix_install: str = "") -> CheckResult:
    """Fit a tiny mixture with the question's loops and the vectorized version; they must agree.

    200 samples (10 rows x 20 columns) of a well-separated two-component
    mixture, 5 iterations each; the final parameters must agree with
    ``np.allclose``. NumPy and :mod:`emlib`'s fitters are imported here, so a
    missing or broken one is this check's ``FAIL``.

    Parameters
    ----------
    fix_install : str, optional
        How to install the packages (default: :func:`install_fix` of the
        learner's requirements).
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
        agree = bool(np.allclose(loops, arrays))
    except Exception as err:  # noqa: BLE001 - a missing or broken package is the finding
        return CheckResult(name, False, f"{type(err).__name__}: {err}", fix_install or install_fix(LEARNER_REQUIREMENTS))
    if agree:
        return CheckResult(name, True, f"em_original and em_vectorized agree (means {np.round(arrays[0], 3)})")
    return CheckResult(
        name, False, f"em_original and em_vectorized differ: {loops.tolist()} vs {arrays.tolist()}",
        "report this to the instructor, with the output of this check",
    )


def _requires_python() -> str:
    """The book package's ``Requires-Python``: installed metadata, else the checkout's pyproject.toml, else ``""``."""
    try:
        return importlib.metadata.metadata(PROJECT)["Requires-Python"] or ""
    except importlib.metadata.PackageNotFoundError:
        pass
    import tomllib

    try:
        return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return ""


def _package_dependencies() -> list[str]:
    """The book package's own dependencies (``numpy>=2.4`` ...), from its installed metadata; none if not installed."""
    try:
        declared = importlib.metadata.requires(PROJECT) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    return [line for line in declared if "extra ==" not in line]


def run_checks(
    requirements: str | Path | None = None, *, full: bool = False, kernel_name: str = "python3", timeout: float = 60.0
) -> list[CheckResult]:
    """Run every check, in order: Python, requirements files and packages, Jupyter kernel, tiny fit.

    Parameters
    ----------
    requirements : str or pathlib.Path, optional
        The requirements file; found with :func:`find_requirements` if omitted.
        A missing file, or bad lines in one, are reported as failed checks; if
        none is found, the dependencies the installed ``emlib`` declares are
        checked instead.
    full : bool, default False
        Check the build-and-test environment (``requirements.txt``) instead of
        the learner's (``requirements-learner.txt``).
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
    timeout = _check_kernel_arguments(kernel_name, timeout)
    path = find_requirements(requirements, full=full)
    wanted = FULL_REQUIREMENTS if full else LEARNER_REQUIREMENTS
    fix = install_fix(path if path is not None else wanted)
    results = []
    if _packaging() is None:
        results.append(CheckResult(
            "packaging", False, "neither packaging nor pip is installed, cannot compare versions",
            "create the environment again with `python -m venv` (which installs pip), then " + fix,
        ))
    else:
        try:
            results.append(check_python(_requires_python()))
        except ValueError as err:
            results.append(CheckResult("python", False, f"the book package's Requires-Python: {err}",
                                       "report this to the instructor, with the output of this check"))
        if path is None:
            results.append(CheckResult(
                wanted, False, "not found next to the book's package or in the current folder",
                "run this in the learner kit's folder (or the book's repository), or pass --requirements PATH",
            ))
            results.extend(check_requirement(line) for line in _package_dependencies())  # what the package needs
        else:
            results.extend(check_requirements_files(path))
    results.append(check_kernel(kernel_name, timeout, fix_install=fix))
    results.append(check_tiny_fit(fix_install=fix))
    return results


def summary(results: list[CheckResult]) -> str:
    """The last line of the report: exactly ``OK``, or ``FAIL: `` with what failed and how to fix it.

    For example ``FAIL: numpy (not installed). Fix: run `python -m pip install
    -r requirements-learner.txt` ...``; each different fix is named once.

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
    failed = [one for one in results if not one.ok]
    if not failed:
        return "OK"
    fixes = list(dict.fromkeys(one.fix for one in failed if one.fix))
    return "FAIL: " + "; ".join(f"{one.name} ({one.detail})" for one in failed) + ". Fix: " + "; ".join(fixes)


def seconds_argument(what: str, example: str) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds > 0 (shared with :mod:`emlib.bench`).

    A bad value reads ``invalid <what> '<text>': give a number of seconds > 0, e.g. <example>``.
    """
    def parse(text: str) -> float:
        try:
            seconds = float(text)
        except ValueError:
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds > 0):
            raise argparse.ArgumentTypeError(f"invalid {what} {text!r}: give a number of seconds > 0, e.g. {example}")
        return seconds

    return parse


def _kernel(text: str) -> str:
    """An argparse type: a kernel name that is not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the kernel name is empty: give one, e.g. python3 (see `jupyter kernelspec list`)")
    return text


def main(argv: list[str] | None = None) -> int:
    """Command line: print the report, return 0 if every check passed, else 1 (2 for a bad argument)."""
    parser = argument_parser("emlib.check", __doc__)
    parser.add_argument("--full", action="store_true",
                        help=f"check the build-and-test environment ({FULL_REQUIREMENTS}), not a learner's")
    parser.add_argument("--requirements", metavar="PATH",
                        help=f"the requirements file (default: the book's {LEARNER_REQUIREMENTS}, "
                             f"or {FULL_REQUIREMENTS} with --full)")
    parser.add_argument("--kernel", type=_kernel, default="python3", help="the Jupyter kernel to try (default: python3)")
    parser.add_argument("--timeout", type=seconds_argument("timeout", "60"), default=60.0,
                        help="seconds to wait for the kernel (default: 60)")
    args = parser.parse_args(argv)
    results = run_checks(args.requirements, full=args.full, kernel_name=args.kernel, timeout=args.timeout)
    for one in results:
        print(one.line(), flush=True)
    last = summary(results)
    print(last)
    return 0 if last == "OK" else 1


if __name__ == "__main__":
    run(main)
