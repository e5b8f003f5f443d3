"""The learner kit in a fresh environment: unpacked into an empty folder, installed
by following its own README, every reader and workshop copy run there.

This is the slow test of the learner's setup (a few minutes): it builds one
environment per session from ``learner-kit.zip`` (pip reaches PyPI, or its
cache) and reuses it for every chapter. The environment is the lean one of
``requirements-learner.txt``: no Jupyter Book, myst-nb, pytest or Playwright.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from emlib import learner_kit, student

ROOT = Path(__file__).resolve().parents[1]
SITE_KIT = ROOT / "_build" / "html" / learner_kit.KIT_NAME
EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
CHAPTERS = [path.name for path in sorted((ROOT / "book").glob(student.CHAPTER_GLOB))]
BUILD_ONLY = ("jupyter_book", "myst_nb", "pytest", "playwright", "sklearn")
"""What a learner's environment must not need: if a copy imported one of these, it would fail there."""


def readme_commands(readme: str) -> list[str]:
    """The commands of the README's first code block: Linux or macOS, with venv."""
    block = re.search(r"Linux or macOS.*?```bash\n(.*?)```", readme, re.S)
    assert block, "the kit's README has no Linux/macOS code block"
    return [line for line in block[1].splitlines() if line.strip()]


@pytest.fixture(scope="session")
def learner_env(tmp_path_factory):
    """The kit unpacked into an empty folder and installed as its README says: (folder, environment, seconds)."""
    scratch = tmp_path_factory.mktemp("learner")
    kit = SITE_KIT
    if not kit.is_file():
        if not EXECUTED.is_dir():
            pytest.skip("the book is not built (make book): no learner kit")
        kit = learner_kit.write_kit(ROOT, scratch / learner_kit.KIT_NAME, EXECUTED)
    unpacked = scratch / "unpacked"
    unpacked.mkdir()
    with zipfile.ZipFile(kit) as archive:
        archive.extractall(unpacked)
    folder = unpacked / learner_kit.FOLDER
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PATH=f"{folder / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        # Only the environment's own kernel: no kernel or setting from the user's home.
        JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),
        JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    started = time.perf_counter()
    for command in readme_commands((folder / "README.md").read_text(encoding="utf-8")):
        words = shlex.split(command)
        if words[0] in ("python3", "python"):
            words[0] = sys.executable  # this Python, which may not be the first python3 on PATH
        done = subprocess.run(words, cwd=folder, env=env, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return folder, env, time.perf_counter() - started


def execute(folder: Path, env: dict, notebook: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``notebook`` with the environment's own Jupyter: the finished process and the seconds it took."""
    out = folder / "executed" / notebook.parent.name
    started = time.perf_counter()
    done = subprocess.run(
        [str(folder / ".venv" / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=600", "--output-dir", str(out), str(notebook)],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=1800,
    )
    return done, time.perf_counter() - started


def run_notebook(folder: Path, env: dict, notebook: Path) -> None:
    done, _ = execute(folder, env, notebook)
    assert done.returncode == 0, f"{notebook.name} failed in the learner environment:\n{done.stderr[-3000:]}"


COPIES = [(kind, name) for name in CHAPTERS for kind in ("reader", "workshop")]
PARALLEL_COPIES = 2
"""Copies run at once: one per core of a 2-core laptop (each kernel is one process, mostly single-threaded)."""


@pytest.fixture(scope="session")
def executed_copies(learner_env):
    """Every reader and workshop copy run in the learner environment, two at a time: ``(kind, name) -> (process, seconds)``.

    Each copy runs in its own kernel and writes its own output file, so running
    them side by side changes nothing but the wall-clock time.
    """
    folder, env, _ = learner_env
    with ThreadPoolExecutor(max_workers=PARALLEL_COPIES) as pool:
        futures = {copy: pool.submit(execute, folder, env, folder / copy[0] / copy[1]) for copy in COPIES}
        return {copy: future.result() for copy, future in futures.items()}


def test_the_kit_holds_what_its_readme_lists(learner_env):
    folder, _, seconds = learner_env
    print(f"\nlearner environment built from the kit in {seconds:.0f} s")
    names = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if ".venv" not in path.parts}
    for kind in ("reader", "workshop"):
        assert {f"{kind}/{name}" for name in CHAPTERS} <= names
    assert {"requirements-learner.txt", "environment.yml", "README.md", "LICENSE", "LICENSE-CONTENT"} <= names
    assert [name for name in names if name.endswith(".whl")]


def test_the_learner_env_has_no_build_or_test_tools(learner_env):
    folder, env, _ = learner_env
    probe = new_notebook(cells=[new_code_cell(
        "import importlib.util, json, sys\n"
        f"print(json.dumps([sys.prefix, [m for m in {BUILD_ONLY!r} if importlib.util.find_spec(m)]]))"
    )])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "probe" / "probe.ipynb"
    path.parent.mkdir()
    nbformat.write(probe, path)
    run_notebook(folder, env, path)
    output = nbformat.read(folder / "executed" / "probe" / "probe.ipynb", as_version=4).cells[0].outputs[0].text
    prefix, found = json.loads(output)
    assert Path(prefix) == folder / ".venv", "the notebooks ran in another Python than the learner's environment"
    assert found == []


@pytest.mark.parametrize("kind", ["reader", "workshop"])
@pytest.mark.parametrize("name", CHAPTERS)
def test_every_copy_runs_in_the_learner_env(executed_copies, kind, name):
    done, seconds = executed_copies[kind, name]
    assert done.returncode == 0, f"{kind}/{name} failed in the learner environment:\n{done.stderr[-3000:]}"
    print(f"\n{kind}/{name}: {seconds:.0f} s (two copies at a time)")
