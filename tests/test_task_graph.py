"""emlib.book.task_graph and emlib.book.dask_tables: chapter 8's figure and tables."""

import dask
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from emlib.book import dask_tables  # noqa: E402
from emlib.book.task_graph import MAX_DRAWN_TASKS, graph_layers, plot_task_graph, task_label  # noqa: E402


def map_reduce_graph(n_chunks: int) -> dict:
    """The graph of ``add_up([chunk_sums(chunk) for chunk in chunks])`` on a small dask array."""
    import dask.array as da

    from emlib.dask_fit import Chunks, iteration_sums
    from emlib.params import MixtureParams

    with dask.config.set(scheduler="threads"):
        chunks = Chunks(da.from_array(np.arange(float(10 * n_chunks)), chunks=10).persist())
    start = MixtureParams(means=[1.0, 5.0], variances=[4.0, 4.0], weights=[0.5, 0.5])
    return dict(iteration_sums(chunks, start).__dask_graph__())


def test_layers_of_one_iteration_are_chunks_sums_and_one_total():
    layers = graph_layers(map_reduce_graph(4))
    assert [[task_label(key) for key in layer] for layer in layers] == [
        ["chunk 0", "chunk 1", "chunk 2", "chunk 3"], ["chunk_sums"] * 4, ["add_up"]]


def test_each_sum_sits_above_its_own_chunk():
    graph = map_reduce_graph(3)
    chunks, sums, _ = graph_layers(graph)
    from dask.core import get_dependencies

    assert [get_dependencies(graph, key) for key in sums] == [{key} for key in chunks]


def test_plot_draws_one_box_per_task():
    graph = map_reduce_graph(4)
    ax = plot_task_graph(graph, title="one iteration")
    boxes = [text.get_gid() for text in ax.texts if text.get_gid() is not None]  # not the arrows
    assert sorted(boxes) == sorted(str(key) for key in graph)
    assert ax.get_title() == "one iteration"
    plt.close(ax.figure)


@pytest.mark.parametrize(("graph", "error"), [({}, ValueError), ([1, 2], TypeError)])
def test_plot_refuses_empty_or_non_graphs(graph, error):
    with pytest.raises(error):
        plot_task_graph(graph)


def test_plot_refuses_graphs_too_large_to_read():
    with pytest.raises(ValueError, match=str(MAX_DRAWN_TASKS)):
        plot_task_graph({f"task-{i}": i for i in range(MAX_DRAWN_TASKS + 1)})


def test_tables_show_the_recorded_values():
    part = {"records": [{"n_samples": 10**7, "n_components": 4, "workers": 2, "em_vectorized_seconds": 0.5,
                         "em_dask_seconds": 0.4, "dask_over_vectorized": 0.8, "exp_floor_seconds": 0.2}]}
    assert dask_tables.in_memory_table(part).rows == (("1e+07", "4", "2", "0.500", "0.400", "0.80", "0.200"),)
    scaling = {"records": [{"n_samples": 10**8, "workers": w, "em_dask_seconds": s} for w, s in ((1, 2.0), (2, 1.0))]}
    assert [row[-1] for row in dask_tables.scaling_table(scaling).rows] == ["1.00", "2.00"]
    assert dask_tables.overhead_table([(1000, 100, 0.3)], 0.01).rows == (("1,000", "100", "0.3000", "30.0"),)


def test_the_out_of_core_breakdown_scales_the_in_memory_arithmetic_of_the_same_workers():
    in_memory = {"records": [
        {"n_samples": 10**7, "n_components": 4, "workers": 2, "em_dask_seconds": 0.2},
        {"n_samples": 10**8, "n_components": 4, "workers": 2, "em_dask_seconds": 1.0},  # the one to scale
        {"n_samples": 10**9, "n_components": 4, "workers": 1, "em_dask_seconds": 20.0},  # other workers: ignored
    ]}
    disk = {"n_samples": 10**9, "n_components": 4, "workers": 2, "first_pass_seconds": 8.0,
            "disk_read_seconds": 6.0, "em_dask_seconds": 15.0}
    breakdown = dask_tables.out_of_core_breakdown({"in-memory": in_memory, "out-of-core": {"records": [disk]}})
    assert breakdown == {"reading": 8.0, "reading_share": 0.75, "arithmetic": 10.0, "arithmetic_measured_at": 10**8,
                         "both": 18.0, "iteration": 15.0}
    with pytest.raises(ValueError, match="no in-memory record with 3 workers"):
        dask_tables.out_of_core_breakdown({"in-memory": in_memory, "out-of-core": {"records": [{**disk, "workers": 3}]}})


def test_recorded_on_names_the_machine_and_the_versions():
    environment = {"created": "2026-11-30T01:09:40+00:00", "cpu_count": 2, "memory_bytes": 25_276_510_208,
                   "python": "3.11.7", "versions": {"numpy": "2.4.6", "scikit-learn": None},
                   "dask_versions": {"dask": "2026.8.0"}}
    assert dask_tables.recorded_on(environment) == (
        "recorded 2026-11-30 on 2 processors, 25.3 GB of memory, Python 3.11.7\nnumpy 2.4.6, dask 2026.8.0")
    many = {**environment, "versions": {f"package-{i}": "2026.11.30" for i in range(10)}}
    _, *version_lines = dask_tables.recorded_on(many, width=40).splitlines()
    assert len(version_lines) > 1 and max(len(line) for line in version_lines) <= 40
