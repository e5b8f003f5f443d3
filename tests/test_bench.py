"""emlib.bench: the benchmark runs, writes its files, and refuses bad input. Times are not checked."""

import csv
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import emlib  # noqa: E402
from emlib import bench, files  # noqa: E402
from emlib.bench import FITTER_NAMES, BenchRecord  # noqa: E402

FIELDS = ["fitter", "n_samples", "n_components", "seconds_per_iter", "extrapolated", "peak_bytes"]


@pytest.fixture(scope="module")
def records():
    """A tiny run of every fitter: two sizes, two K, loops extrapolated beyond the first size."""
    return bench.run_benchmark([200, 400], [1, 2], repeat=1, loop_budget=1e-6, progress=False, min_seconds=0.005)


def test_quick_cli_writes_the_table_and_three_files(tmp_path, capsys):
    assert bench.main(["--quick", "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    folder = tmp_path / "out"
    with (folder / "bench.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == FIELDS
    assert {row["fitter"] for row in rows} == set(FITTER_NAMES)
    assert {(int(row["n_samples"]), int(row["n_components"])) for row in rows} == {(1_000, 2), (10_000, 2)}
    assert len(rows) == 2 * len(FITTER_NAMES)
    document = json.loads((folder / "bench.json").read_text())
    assert document["command"].startswith("python -m emlib.bench --quick")
    assert {"platform", "python", "cpu_count", "versions"} <= set(document["environment"])
    assert bench.load(folder) == [BenchRecord(**row) for row in document["records"]]
    assert (folder / "bench.png").read_bytes().startswith(b"\x89PNG")
    header = printed.splitlines()[0]
    for column in ("N", "K", *FITTER_NAMES, "vec/floor", "sk/vec", "vec MiB", "vec/8NK"):
        assert f" {column} " in header
    assert "python -m emlib.bench --quick" in printed


def test_cli_options_choose_the_grid(tmp_path):
    bench.main(["--sizes", "3e2", "500", "--components", "2", "--repeat", "1", "--loop-budget", "1e-6",
                "--out", str(tmp_path), "--no-progress"])
    saved = bench.load(tmp_path)
    assert {(r.n_samples, r.n_components) for r in saved} == {(300, 2), (500, 2)}


@pytest.mark.parametrize(("sizes", "message"), [("150.5", "not a whole number"), ("150", "multiples of 100")])
def test_cli_refuses_bad_sizes_with_a_message(tmp_path, capsys, sizes, message):
    with pytest.raises(SystemExit):
        bench.main(["--sizes", sizes, "--out", str(tmp_path)])
    assert message in capsys.readouterr().err


def _no_run(*args, **kwargs):
    raise AssertionError("the benchmark ran before its arguments were checked")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "abc"], "argument --sizes: invalid size 'abc': give a number of samples"),
        (["--sizes", "1e400"], "argument --sizes: invalid size '1e400': not a whole number"),
        (["--sizes", "-100"], "argument --sizes: invalid size '-100': sizes must be >= 100"),
        (["--sizes", "1e12"], "argument --sizes: N=1,000,000,000,000 with K=8 needs about "),
        (["--sizes", "1e12", "--components", "2", "--fitters", "em_vectorized"], "argument --sizes: N=1,000,000,000,000 with K=2 needs about "),
        (["--components", "0"], "argument --components: invalid value '0': must be >= 1"),
        (["--sizes", "100", "--components", "200"], "argument --components: K=200 is more components"),
        (["--repeat", "two"], "argument --repeat: invalid value 'two'"),
        (["--loop-budget", "nan"], "argument --loop-budget: invalid value 'nan'"),
        (["--loop-budget", "-1"], "argument --loop-budget: invalid value '-1'"),
        (["--seed", "-1"], "argument --seed: invalid value '-1': must be >= 0"),
        (["--out", "/proc/emlib-bench"], "argument --out: cannot write in '/proc'"),
    ],
)
def test_cli_checks_every_argument_before_any_work(args, message, capsys, monkeypatch):
    """Issue 11, cause 11: one argparse line, exit status 2, and nothing measured."""
    monkeypatch.setattr(bench, "run_benchmark", _no_run)
    with pytest.raises(SystemExit) as exit_:
        bench.main(["--no-progress", *args])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith(f"python -m emlib.bench: error: {message}"), error
    assert not any("Traceback" in line for line in error)


def test_cli_refuses_an_out_that_is_a_file_before_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "run_benchmark", _no_run)
    file = tmp_path / "results"
    file.write_text("keep me")
    for out, message in [(file, "is a file, not a folder"), (file / "sub", "is a file, so")]:
        with pytest.raises(SystemExit) as exit_:
            bench.main(["--quick", "--out", str(out)])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    assert file.read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a read-only folder")
def test_cli_refuses_a_read_only_out_before_the_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "run_benchmark", _no_run)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SystemExit):
            bench.main(["--quick", "--out", str(folder / "bench")])
    finally:
        folder.chmod(0o755)
    assert f"argument --out: cannot write in '{folder}'" in capsys.readouterr().err


def test_save_replaces_its_files_atomically(records, tmp_path):
    bench.save(records, tmp_path)
    before = (tmp_path / "bench.json").read_bytes()

    def broken(handle):
        handle.write(b"half a fi")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(tmp_path / "bench.json", broken)
    assert (tmp_path / "bench.json").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bench.csv", "bench.json"]


def test_loop_versions_alone_are_extrapolated_to_any_size_without_data():
    got = bench.run_benchmark([1000, 10**12], [2], fitters=["em_hoisted"], repeat=1, loop_budget=1e-6, progress=False)
    assert [(r.n_samples, r.extrapolated) for r in got] == [(1000, True), (10**12, True)]


def test_bytes_needed_grows_with_n_and_k():
    assert bench.bytes_needed(10**6, 8) == 10 * bench.bytes_needed(10**5, 8)
    assert bench.bytes_needed(10**6, 8) > bench.bytes_needed(10**6, 2)
    assert bench.bytes_needed(10**6, 8, ["em_vectorized"]) < bench.bytes_needed(10**6, 8)


def test_records_cover_the_grid_sorted(records):
    assert [(r.n_components, r.n_samples, r.fitter) for r in records] == [
        (k, n, name) for k in (1, 2) for n in (200, 400) for name in FITTER_NAMES
    ]
    for record in records:
        assert record.seconds_per_iter > 0
        if record.fitter == "exp_floor":
            assert record.peak_bytes is None


def test_loop_versions_beyond_the_budget_are_extrapolated(records):
    for record in records:
        loops = record.fitter in bench.LOOP_FITTERS
        assert record.extrapolated == (loops and record.n_samples == 400)
        assert (record.peak_bytes is None) == (record.fitter == "exp_floor" or record.extrapolated)


def test_fitters_option_and_progress_bar(capsys):
    got = bench.run_benchmark([100], [2], fitters=["exp_floor", "em_vectorized"], repeat=1, min_seconds=0.001)
    assert [r.fitter for r in got] == ["em_vectorized", "exp_floor"]
    assert "2/2" in capsys.readouterr().err


def test_format_table_has_a_row_per_size_and_marks_extrapolation(records):
    table = bench.format_table(records)
    lines = table.splitlines()
    assert lines[0].split("|")[1].strip() == "N"
    assert len([line for line in lines if line.startswith("|")]) == 2 + 4  # header, rule, four (N, K) rows
    assert "~" in table and "vec/floor" in table and "sk/vec" in table
    assert "extrapolated" in table  # the legend


def test_format_table_without_references_has_no_ratio_columns(records):
    table = bench.format_table([r for r in records if r.fitter == "em_hoisted"])
    assert "vec/floor" not in table and "MiB" not in table


def test_plot_times_draws_one_line_per_fitter_dashed_when_extrapolated(records):
    ax = bench.plot_times(records, n_components=2)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "N" in ax.get_xlabel() and "(s)" in ax.get_ylabel() and "K = 2" in ax.get_title()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "em_vectorized" in labels and "em_original" in labels and "hollow, dashed: extrapolated" in labels
    assert any(line.get_linestyle() == "--" for line in ax.get_lines())
    plt.close(ax.figure)


def test_plot_times_draws_on_a_given_axes(records):
    figure, ax = plt.subplots()
    assert bench.plot_times(records, 1, ax=ax) is ax
    plt.close(figure)


def test_save_and_load_round_trip(records, tmp_path):
    paths = bench.save(records, tmp_path / "a" / "b", command="python -m emlib.bench")
    assert set(paths) == {"csv", "json"} and all(path.exists() for path in paths.values())
    assert bench.load(tmp_path / "a" / "b") == records


def test_bench_data_has_the_questions_columns():
    x = bench.bench_data(2_500, 4, seed=1)
    assert x.shape == (25, 100)
    assert np.array_equal(x, bench.bench_data(2_500, 4, seed=1))


def test_bench_problem_for_two_components_is_the_questions():
    assert bench.bench_problem(2) == (emlib.SEED_PROBLEM.true, emlib.SEED_PROBLEM.start)
    true, start = bench.bench_problem(3)
    assert true.n_components == start.n_components == 3


def test_sklearn_fit_matches_em_vectorized():
    x = bench.bench_data(1_000, 3)
    _, start = bench.bench_problem(3)
    model = bench.sklearn_fit(x, start, tol=0, max_iter=4)
    ours = emlib.em_vectorized(x, start, tol=0, max_iter=4).params
    assert np.allclose(model.means_.ravel(), ours.means, rtol=1e-6)


def test_measurements_are_positive():
    x = bench.bench_data(1_000, 2)
    _, start = bench.bench_problem(2)
    assert bench.seconds_per_iteration(emlib.em_vectorized, x, start, repeat=1, min_seconds=0.001) > 0
    assert bench.exp_floor_seconds(1_000, 2, repeat=1, min_seconds=0.001) > 0
    assert bench.peak_extra_bytes(emlib.em_vectorized, x, start) >= x.nbytes  # at least the validated copy


# --- validation --------------------------------------------------------------------------------

GOOD = {"sizes": [100], "components": [2]}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sizes": [150]}, ValueError, "multiples of 100"),
        ({"sizes": [0]}, ValueError, "sizes must be >= 100"),
        ({"sizes": [1e3]}, TypeError, "sizes must be an integer"),
        ({"sizes": []}, ValueError, "sizes is empty"),
        ({"sizes": "100"}, TypeError, "sizes must be an iterable"),
        ({"components": [0]}, ValueError, "components must be >= 1"),
        ({"components": [200]}, ValueError, "more components than samples"),
        ({"fitters": ["em_fast"]}, ValueError, "unknown fitter"),
        ({"fitters": []}, ValueError, "fitters is empty"),
        ({"repeat": 0}, ValueError, "repeat must be >= 1"),
        ({"loop_budget": -1.0}, ValueError, "loop_budget must be finite and > 0"),
        ({"loop_budget": "2"}, TypeError, "loop_budget must be a real number"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"progress": "yes"}, TypeError, "progress must be a bool"),
        ({"min_seconds": 0}, ValueError, "min_seconds must be finite and > 0"),
    ],
)
def test_run_benchmark_validates(kwargs, error, message):
    args = {**GOOD, **kwargs}
    with pytest.raises(error, match=message):
        bench.run_benchmark(args.pop("sizes"), args.pop("components"), **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"fitter": "em_fast"}, ValueError, "unknown fitter"),
        ({"fitter": 3}, TypeError, "fitter must be a string"),
        ({"n_samples": 0}, ValueError, "n_samples must be >= 1"),
        ({"n_components": 2.0}, TypeError, "n_components must be an integer"),
        ({"seconds_per_iter": 0.0}, ValueError, "seconds_per_iter must be finite and > 0"),
        ({"seconds_per_iter": "1"}, TypeError, "seconds_per_iter must be a real number"),
        ({"extrapolated": 1}, TypeError, "extrapolated must be a bool"),
        ({"peak_bytes": -1}, ValueError, "peak_bytes must be >= 0"),
    ],
)
def test_bench_record_validates(kwargs, error, message):
    args = {"fitter": "sklearn", "n_samples": 100, "n_components": 2, "seconds_per_iter": 1e-3,
            "extrapolated": False, "peak_bytes": None, **kwargs}
    with pytest.raises(error, match=message):
        BenchRecord(**args)


def test_report_functions_validate_records(records, tmp_path):
    for function in (bench.format_table, bench.plot_times, lambda r: bench.save(r, tmp_path)):
        with pytest.raises(TypeError, match="records must be a list of BenchRecord"):
            function("records")
        with pytest.raises(TypeError, match="records must hold only BenchRecord"):
            function([records[0], {"fitter": "sklearn"}])
        with pytest.raises(ValueError, match="records is empty"):
            function([])
    with pytest.raises(ValueError, match="same fitter, N and K"):
        bench.format_table([records[0], records[0]])


def test_plot_times_validates(records):
    with pytest.raises(ValueError, match=r"no records for K=8; the records have K in \[1, 2\]"):
        bench.plot_times(records, 8)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        bench.plot_times(records, 2, ax="axes")
    with pytest.raises(TypeError, match="n_components must be an integer"):
        bench.plot_times(records, "2")


def test_save_and_load_validate(records, tmp_path):
    with pytest.raises(TypeError, match="folder must be a path"):
        bench.save(records, 3)
    with pytest.raises(TypeError, match="command must be a string"):
        bench.save(records, tmp_path, command=["python"])
    with pytest.raises(FileNotFoundError, match="no benchmark at"):
        bench.load(tmp_path / "nothing")
    (tmp_path / "bench.json").write_text('{"records": [{"fitter": "em_fast"}]}')
    with pytest.raises(ValueError, match="is not a saved benchmark"):
        bench.load(tmp_path)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: bench.seconds_per_iteration("fit", None, None), TypeError, "fit must be callable"),
        (lambda: bench.seconds_per_iteration(emlib.em_vectorized, None, None, repeat=0), ValueError, "repeat must be >= 1"),
        (lambda: bench.exp_floor_seconds(0, 2), ValueError, "n_samples must be >= 1"),
        (lambda: bench.exp_floor_seconds(10, 2, min_seconds=-1), ValueError, "min_seconds must be finite and > 0"),
        (lambda: bench.peak_extra_bytes(None, None, None), TypeError, "fit must be callable"),
        (lambda: bench.peak_extra_bytes(emlib.em_vectorized, None, None, n_iter=0), ValueError, "n_iter must be >= 1"),
        (lambda: bench.bench_data(150, 2), ValueError, "multiples of 100"),
        (lambda: bench.bench_problem(True), TypeError, "n_components must be an integer"),
        (lambda: bench.sklearn_fit(np.zeros(10), [0.0]), TypeError, "init must be a MixtureParams"),
    ],
)
def test_helpers_validate(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_help_names_the_dask_part(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--help"])
    assert "python -m emlib.bench dask [--help] (dask first)" in capsys.readouterr().out
