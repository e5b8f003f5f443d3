"""python -m emlib.bench dask (emlib.bench_dask): the quick run writes every part's records, keeps
the parts it did not run, deletes its data, and refuses bad arguments before any work. No time measured here is checked;
the book's recorded times are checked against what chapter 8 says of them."""

import json

import pytest

from emlib import bench, bench_dask
from emlib.book.dask_tables import out_of_core_breakdown

IN_MEMORY = {"n_samples", "n_components", "workers", "chunks", "em_dask_seconds", "em_vectorized_seconds",
             "dask_over_vectorized", "exp_floor_seconds", "exp_floor_measured_at"}
SCALING = {"n_samples", "n_components", "workers", "em_dask_seconds"}
OUT_OF_CORE = {"n_samples", "n_components", "workers", "bytes", "chunk_samples", "memory_bytes", "generate_seconds",
               "page_cache_dropped", "disk_read_seconds", "disk_read_bytes_per_second", "first_pass_seconds",
               "iteration_seconds", "em_dask_seconds", "em_dask_read_bytes_per_second", "dask_over_disk",
               "peak_rss_bytes"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask-bench")
    data = folder / "data"
    assert bench.main(["dask", "--quick", "--out", str(folder), "--data-dir", str(data), "--no-progress"]) == 0
    return folder, data


def test_quick_run_records_every_part_with_its_command(quick_run):
    folder, data = quick_run
    parts = bench_dask.load(folder)
    assert set(parts) == set(bench_dask.PARTS)
    for part in parts.values():
        assert part["command"].startswith("python -m emlib.bench dask --quick")
        assert {"cpu_count", "dask_versions", "memory_bytes"} <= set(part["environment"])
    (in_memory,) = parts["in-memory"]["records"]
    assert set(in_memory) == IN_MEMORY and in_memory["n_samples"] == 10**5 and in_memory["workers"] == 2
    assert [record["workers"] for record in parts["scaling"]["records"]] == [1, 2]
    assert all(set(record) == SCALING for record in parts["scaling"]["records"])
    (on_disk,) = parts["out-of-core"]["records"]
    assert set(on_disk) == OUT_OF_CORE
    assert on_disk["bytes"] >= 8 * on_disk["n_samples"]  # every sample was written and read back
    assert len(on_disk["iteration_seconds"]) == 2 and on_disk["peak_rss_bytes"] > 0
    assert not on_disk["page_cache_dropped"]  # only with --drop-caches
    assert not any(data.iterdir())  # the data were deleted


def test_a_later_run_of_one_part_keeps_the_others(quick_run):
    folder, _ = quick_run
    before = json.loads((folder / "dask-bench.json").read_text())["parts"]
    bench_dask.main(["--quick", "--parts", "in-memory", "--sizes", "2e4", "--out", str(folder), "--no-progress"])
    after = bench_dask.load(folder)
    assert after["scaling"] == before["scaling"] and after["out-of-core"] == before["out-of-core"]
    assert [record["n_samples"] for record in after["in-memory"]["records"]] == [20_000]
    assert not list(folder.glob("*.tmp"))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sizes", "1.5"], "not a whole number"),
        (["--sizes", "ten"], "not a number"),
        (["--components", "0"], "not a whole number >= 1"),
        (["--components", "300000", "--sizes", "100"], "more components than samples"),
        (["--parts", "everything"], "invalid choice"),
        (["--out-of-core-samples", "1e15"], "GB free"),
    ],
)
def test_bad_arguments_stop_with_one_line_before_any_work(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as stopped:
        bench_dask.main(["--quick", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "data"), *arguments])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert message in error[-1] and error[-1].startswith("python -m emlib.bench dask: error:")
    assert not (tmp_path / "out").exists() and not (tmp_path / "data").exists()


def test_paths_that_are_files_are_refused(tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    for option in ("--out", "--data-dir"):
        with pytest.raises(SystemExit):
            bench_dask.main(["--quick", option, str(a_file)])
        assert "is not a folder" in capsys.readouterr().err
    assert a_file.read_text() == "not a folder"


def test_an_unreadable_record_is_refused_not_overwritten(tmp_path, capsys):
    (tmp_path / "dask-bench.json").write_text("{}")
    with pytest.raises(SystemExit):
        bench_dask.main(["--quick", "--out", str(tmp_path)])
    assert "not a dask benchmark record" in capsys.readouterr().err
    assert (tmp_path / "dask-bench.json").read_text() == "{}"


def test_the_books_recorded_results_are_what_chapter_8_says_they_are():
    """Chapter 8 reads the recorded run and draws conclusions in words; a new recording that contradicts them fails here.

    This checks recorded numbers against the chapter's text, not the speed of this machine.
    """
    parts = bench_dask.load_recorded()
    assert set(parts) == set(bench_dask.PARTS)
    for part, keys in [("in-memory", IN_MEMORY), ("scaling", SCALING), ("out-of-core", OUT_OF_CORE)]:
        assert parts[part]["command"].startswith("python -m emlib.bench dask")
        assert parts[part]["records"] and all(set(record) == keys for record in parts[part]["records"])
    environments = [part["environment"] for part in parts.values()]
    assert all(environment == environments[0] for environment in environments)  # one run: the parts compare
    assert len({part["command"] for part in parts.values()}) == 1  # "one run of the command printed here"
    assert environments[0]["cpu_count"] == 2  # "this machine has two" processors
    largest = max(parts["in-memory"]["records"], key=lambda record: record["n_samples"])
    assert largest["n_samples"] >= 10**7 and largest["workers"] == 2  # "with 2 workers", at the sizes the issue names
    two_workers = [record for record in parts["scaling"]["records"] if record["workers"] == 2]
    assert {record["workers"] for record in parts["scaling"]["records"]} >= {1, 2}  # "two workers ... as one"
    # "the two-worker row repeats the in-memory table's last measurement"
    assert [(r["n_samples"], r["n_components"]) for r in two_workers] == [(largest["n_samples"], largest["n_components"])]
    [disk] = parts["out-of-core"]["records"]
    assert disk["workers"] == 2 and disk["bytes"] > disk["memory_bytes"]  # "larger than memory"
    assert disk["page_cache_dropped"]  # read from the disk, not from memory
    assert disk["peak_rss_bytes"] < disk["bytes"] / 10  # "never held more than": a small part of the data
    assert disk["dask_over_disk"] > 1  # "Why not closer?": slower than a plain read
    breakdown = out_of_core_breakdown(parts)
    assert breakdown["reading_share"] < 1  # reading through Dask and Zarr is slower than a plain read
    overlap = breakdown["both"] - breakdown["iteration"]
    # "they mostly take turns": less than half of the smaller cost hidden behind the other, up to a tenth of noise
    assert -0.1 * breakdown["iteration"] < overlap < 0.5 * min(breakdown["reading"], breakdown["arithmetic"])
