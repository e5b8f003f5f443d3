"""emlib.dask_fit: em_dask agrees with em_vectorized for any chunking, on a LocalCluster and on threads,
refuses bad input as em_vectorized does, and never computes the data whole."""

import fractions
import pickle
import re
import subprocess
import sys
import tracemalloc
import types
import warnings

import dask
import dask.array as da
import numpy as np
import pytest
from dask.callbacks import Callback
from dask.utils import key_split
from distributed import Client, LocalCluster, get_task_stream

import emlib
from emlib import EMBreakdownError, MixtureParams, SymmetricStartWarning, dask_fit, vectorized
from emlib.dask_fit import CHUNK_SAMPLES, MemmapFile, as_dask_array, em_dask, iteration_sums, Chunks

TRUTH = MixtureParams(means=[-5.0, 0.0, 5.0], variances=[1.0, 0.5, 2.0], weights=[0.3, 0.3, 0.4])
START = MixtureParams(means=[-4.0, 1.0, 4.0], variances=[2.0, 2.0, 2.0], weights=[1 / 3, 1 / 3, 1 / 3])
N = 20_000
CHUNKINGS = {
    "one chunk": (N,),
    "uneven chunks": (7_001, 2_999, 10_000),
    "more chunks than workers": (2_000,) * 10,
}


@pytest.fixture(scope="module")
def samples() -> np.ndarray:
    return emlib.sample(TRUTH, N, seed=11)


@pytest.fixture(scope="module")
def reference(samples):
    return emlib.em_vectorized(samples, START, tol=1e-8, max_iter=200)


@pytest.fixture(scope="module")
def client():
    """A 2-worker cluster of processes on this machine (offline), started and stopped here."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as connected:
            yield connected


@pytest.fixture
def threads():
    """Dask's threaded scheduler, whatever client another test started."""
    with dask.config.set(scheduler="threads"):
        yield


def assert_same_fit(result, reference):
    assert result.n_iter == reference.n_iter
    assert result.converged == reference.converged
    assert np.allclose(result.params.as_array(), reference.params.as_array(), rtol=1e-9, atol=0)
    assert np.allclose(result.log_likelihood, reference.log_likelihood, rtol=1e-9, atol=0)


@pytest.mark.parametrize("chunks", list(CHUNKINGS.values()), ids=list(CHUNKINGS))
def test_agrees_with_em_vectorized_on_a_local_cluster(client, samples, reference, chunks):
    data = da.from_array(samples, chunks=chunks).persist()
    with get_task_stream(client) as stream:
        result = em_dask(data, START, tol=1e-8, max_iter=200)
    assert_same_fit(result, reference)
    ran = [task for task in stream.data if key_split(task["key"]) == "chunk_sums"]
    assert ran and {task["worker"] for task in ran} <= set(client.scheduler_info()["workers"])


@pytest.mark.parametrize("chunks", list(CHUNKINGS.values()), ids=list(CHUNKINGS))
def test_agrees_with_em_vectorized_on_threads(threads, samples, reference, chunks):
    assert_same_fit(em_dask(da.from_array(samples, chunks=chunks), START, tol=1e-8, max_iter=200), reference)


def test_wraps_a_numpy_array_on_the_cluster_and_leaves_it_alone(client, samples, reference):
    before = samples.copy()
    assert_same_fit(em_dask(samples, START, tol=1e-8, max_iter=200, chunk_samples=3_000), reference)
    assert np.array_equal(samples, before)


def test_a_chunk_is_read_where_it_lives_and_never_written(samples):
    chunk = samples[:5_000].copy()
    chunk.flags.writeable = False  # a persisted chunk is shared by every iteration: writing would raise
    center = float(samples.mean())
    ends = vectorized.end_rows(samples.min() - center, samples.max() - center)
    plan = vectorized.plan_sweep(START, center, ends)
    sums, log_likelihood = dask_fit.chunk_sums(chunk, center, plan, None)
    one_block = vectorized.Blocks(chunk, 3, chunk.size, center=center)  # em_vectorized's sweep, its own plan
    whole_sums, whole_log_likelihood = vectorized.sweep(one_block, START)
    assert np.allclose(sums, whole_sums, rtol=1e-9, atol=0)
    assert np.isclose(log_likelihood, whole_log_likelihood, rtol=1e-12, atol=0)


def test_a_chunk_is_not_copied_only_its_blocks_are():
    chunk = emlib.sample(MixtureParams(means=[-2.0, 0.0, 3.0], variances=[1.0, 1.0, 1.0], weights=[0.3, 0.4, 0.3]),
                         10**6, seed=4)
    center = float(chunk.mean())
    plan = vectorized.plan_sweep(START, center, vectorized.end_rows(chunk.min() - center, chunk.max() - center))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        dask_fit.chunk_sums(chunk, center, plan, None)
        extra = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert extra < chunk.nbytes / 2  # a copy of the chunk alone would be chunk.nbytes


def test_an_array_in_memory_is_scattered_chunk_by_chunk_without_a_large_graph(client):
    x = emlib.sample(TRUTH, 2 * 10**6, seed=12)  # 16 MB: Dask warns about a graph of over 10 MB
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = em_dask(x, START, tol=0, max_iter=3, chunk_samples=250_000)
        sent = dask_fit.as_dask_array(x, chunk_samples=250_000)
    assert_same_fit(result, emlib.em_vectorized(x, START, tol=0, max_iter=3))
    holders = list(client.who_has(sent).values())
    assert len(holders) == 8 and all(len(workers) == 1 for workers in holders)
    assert len({workers[0] for workers in holders}) == 2  # both workers hold chunks
    assert np.array_equal(sent.compute(), x)


def test_rows_of_a_table_in_memory_are_sent_as_whole_rows(client):
    table = np.arange(60.0).reshape(6, 10)
    sent = dask_fit.send_once(table, 4)
    assert sent.chunks == ((4, 2), (10,)) and np.array_equal(sent.compute(), table)
    equal = dask_fit.send_once(np.zeros((4, 3)), 1)  # chunks of equal values are four chunks, not one shared
    assert len(client.who_has(equal)) == 4


@pytest.mark.parametrize(("rows", "error"), [(0, ValueError), (2.5, TypeError)])
def test_rows_per_chunk_is_checked(rows, error):
    with pytest.raises(error, match="rows_per_chunk"):
        dask_fit.send_once(np.arange(4.0), rows)


def test_without_a_client_the_chunks_stay_in_this_process(threads, client):
    assert dask_fit.active_client() is None  # Dask's threads, though a client exists
    futures_before = set(client.futures)
    x = np.arange(10.0)
    sent = dask_fit.send_once(x, 4)
    assert sent.numblocks == (3,) and np.array_equal(sent.compute(), x)
    assert set(client.futures) == futures_before  # nothing was scattered


def test_wraps_a_memory_mapped_npy_by_its_name(client, tmp_path, samples, reference):
    path = tmp_path / "x.npy"
    np.save(path, samples.reshape(200, 100))
    mapped = np.load(path, mmap_mode="r")
    assert len(pickle.dumps(MemmapFile.of(mapped))) < 1_000  # its name travels, not its 160 kB
    wrapped = as_dask_array(mapped, chunk_samples=5_000)
    assert wrapped.chunks == ((50,) * 4, (100,))
    assert_same_fit(em_dask(mapped, START, tol=1e-8, max_iter=200, chunk_samples=5_000), reference)


def test_only_data_in_this_process_is_sent_once(tmp_path):
    from emlib.dask_fit import lives_in_memory

    np.save(tmp_path / "x.npy", np.arange(10.0))
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    assert lives_in_memory(np.arange(3.0)) and lives_in_memory([1.0, 2.0]) and lives_in_memory(mapped[2:])
    assert not lives_in_memory(mapped) and not lives_in_memory(da.zeros(4, chunks=2))


def test_wraps_a_zarr_array_in_its_own_chunks(threads, tmp_path, samples, reference):
    zarr = pytest.importorskip("zarr")
    stored = zarr.create_array(store=str(tmp_path / "x.zarr"), shape=samples.shape, chunks=(6_000,), dtype="f8")
    stored[:] = samples
    assert as_dask_array(stored).chunks == ((6_000, 6_000, 6_000, 2_000),)
    assert_same_fit(em_dask(stored, START, tol=1e-8, max_iter=200), reference)


def test_the_questions_data_and_stopping_rule(threads):
    x = emlib.sample(emlib.SEED_PROBLEM.true, emlib.SEED_PROBLEM.shape, seed=2019)
    reference = emlib.em_vectorized(x, emlib.SEED_PROBLEM.start, tol=emlib.SEED_PROBLEM.tol)
    assert_same_fit(em_dask(x, emlib.SEED_PROBLEM.start, tol=emlib.SEED_PROBLEM.tol, chunk_samples=1_000), reference)


def test_narrow_components_far_from_the_center_take_the_careful_way_and_agree(threads):
    # the same case as test_vectorized's: the careful E-step and the second sweep, now over chunks
    truth = MixtureParams(means=[-1e3, 1e3], variances=[1e-2, 1e-2], weights=[0.5, 0.5])
    start = MixtureParams(means=[-990.0, 990.0], variances=[100.0, 100.0], weights=[0.5, 0.5])
    x = emlib.sample(truth, 5_000, seed=3)
    reference = emlib.em_vectorized(x, start, tol=0, max_iter=8)
    assert_same_fit(em_dask(x, start, tol=0, max_iter=8, chunk_samples=700), reference)


class ResultSizes(Callback):
    """Records the number of values each task returns (arrays, or arrays in a tuple)."""

    def __init__(self):
        super().__init__()
        self.sizes = {}

    def _posttask(self, key, result, dsk, state, worker_id):
        parts = result if isinstance(result, tuple) else (result,)
        self.sizes.setdefault(key_split(key), []).append(sum(np.size(part) for part in parts))


def test_no_task_returns_the_whole_data_and_each_chunk_returns_k_by_3_sums(threads, samples):
    data = da.from_array(samples, chunks=(2_000,) * 10)
    with ResultSizes() as recorded:
        em_dask(data, START, tol=0, max_iter=3)
    largest = max(max(sizes) for sizes in recorded.sizes.values())
    assert largest <= 2_000  # at most a chunk: no task ever returned all N samples
    k = START.n_components
    assert set(recorded.sizes["chunk_sums"]) == {3 * k + 1}  # (K, 3) sums and a log-likelihood
    assert len(recorded.sizes["chunk_sums"]) == 3 * 10  # once per chunk and iteration
    assert set(recorded.sizes["add_up"]) == {3 * k + 1}


def test_one_iteration_is_a_map_then_one_reduce(threads, samples):
    chunks = Chunks(da.from_array(samples, chunks=(5_000,) * 4))
    graph = dict(iteration_sums(chunks, START).__dask_graph__())
    names = [key_split(key) for key in graph]
    assert names.count("chunk_sums") == 4 and names.count("add_up") == 1


def test_import_emlib_does_not_import_dask():
    code = "import sys, emlib; assert not any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


FAR_FROM_DATA = MixtureParams(means=[0.0, 1.0], variances=[1.0, 1.0], weights=[0.5, 0.5])
BAD_INPUT = {
    "None": (None, FAR_FROM_DATA, {}),
    "string": ("1 2 3", FAR_FROM_DATA, {}),
    "ragged": ([[1.0, 2.0], [3.0]], FAR_FROM_DATA, {}),
    "complex": (np.ones(10, dtype=complex), FAR_FROM_DATA, {}),
    "booleans": (np.ones(10, dtype=bool), FAR_FROM_DATA, {}),
    "3-D": (np.ones((2, 2, 2)), FAR_FROM_DATA, {}),
    "empty": (np.ones((0, 3)), FAR_FROM_DATA, {}),
    "NaN": (np.array([1.0, np.nan, 2.0, np.inf] * 5), FAR_FROM_DATA, {}),
    "init": (np.ones(10), "start", {}),
    "K > N": (np.ones(1), FAR_FROM_DATA, {}),
    "tol": (np.arange(10.0), FAR_FROM_DATA, {"tol": -1.0}),
    "max_iter": (np.arange(10.0), FAR_FROM_DATA, {"max_iter": 0}),
    "stop": (np.arange(10.0), FAR_FROM_DATA, {"stop": "never"}),
    "constant": (np.ones(50), FAR_FROM_DATA, {}),  # every sample equal: refused before the fit
    "masked": (np.ma.array(np.arange(10.0), mask=[0] * 9 + [1]), FAR_FROM_DATA, {}),
    "generator": ((value for value in np.arange(10.0)), FAR_FROM_DATA, {}),
    "set": ({1.0, 2.0, 3.0}, FAR_FROM_DATA, {}),
    "Python objects": ([fractions.Fraction(1, 3), 1.0, 2.0], FAR_FROM_DATA, {}),
    "zero weight": (np.arange(10.0), MixtureParams([0.0, 1.0, 3.0], [1.0] * 3, [0.5, 0.5, 0.0]), {}),
    "infinite tol": (np.arange(10.0), FAR_FROM_DATA, {"tol": np.inf}),
    "tol as large as the data": (np.arange(10.0) * 1e-6, FAR_FROM_DATA, {}),
    "huge data": (np.arange(10.0) * 1e200, FAR_FROM_DATA, {}),
}
BREAKDOWNS = {  # EMBreakdownError from run_em's one check: the same message as em_vectorized's
    "collapse": (np.array([0.0] * 3 + [2.9, 3.1, 3.0, 2.8, 3.2, 3.05, 2.95]), MixtureParams([0.5, 3.0], [1.0, 1.0], [0.5, 0.5])),
    "overflow": (np.linspace(-2.0, 2.0, 12), MixtureParams([0.0, 1e200], [1.0, 1.0], [0.5, 0.5])),
    "empty component": (np.linspace(-2.0, 2.0, 12), MixtureParams([0.0, 1e6], [1.0, 1.0], [0.5, 0.5])),
}


@pytest.mark.parametrize(("x", "init", "options"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_gives_em_vectorized_s_error(threads, x, init, options):
    if isinstance(x, types.GeneratorType):
        x = list(x)
        expected_x, dask_x = (value for value in x), (value for value in x)
    else:
        expected_x = dask_x = x
    with pytest.raises((TypeError, ValueError)) as expected:
        emlib.em_vectorized(expected_x, init, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clear error comes alone
        with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
            em_dask(dask_x, init, **options)


@pytest.mark.parametrize("as_dask", [False, True], ids=["numpy", "dask array"])
@pytest.mark.parametrize(("x", "init"), list(BREAKDOWNS.values()), ids=list(BREAKDOWNS))
def test_a_breakdown_is_em_vectorized_s_error(threads, x, init, as_dask):
    with pytest.raises(EMBreakdownError) as expected:
        emlib.em_vectorized(x, init, tol=0, max_iter=200)
    data = da.from_array(x, chunks=5) if as_dask else x
    with pytest.raises(EMBreakdownError, match=re.escape(str(expected.value))) as caught:
        em_dask(data, init, tol=0, max_iter=200)
    assert (caught.value.iteration, caught.value.cause) == (expected.value.iteration, expected.value.cause)


def test_a_breakdowns_diagnosis_reads_chunk_by_chunk_never_the_whole_array(threads, monkeypatch):
    x, init = BREAKDOWNS["empty component"]
    with pytest.raises(EMBreakdownError) as expected:
        emlib.em_vectorized(x, init, tol=0, max_iter=200)

    def gathered(*args, **kwargs):
        raise AssertionError("the whole Dask array was gathered into one process")

    monkeypatch.setattr(da.Array, "__array__", gathered)
    with pytest.raises(EMBreakdownError, match=re.escape(str(expected.value))):
        em_dask(da.from_array(x, chunks=5), init, tol=0, max_iter=200)


def test_a_breakdown_on_the_cluster_is_em_vectorized_s_error(client):
    x, init = BREAKDOWNS["overflow"]
    with pytest.raises(EMBreakdownError) as expected:
        emlib.em_vectorized(x, init)
    with pytest.raises(EMBreakdownError, match=re.escape(str(expected.value))):
        em_dask(da.from_array(x, chunks=5), init)


def test_constant_data_in_a_dask_array_are_refused_as_by_em_vectorized(threads):
    with pytest.raises(ValueError) as expected:
        emlib.em_vectorized(np.full(20, 3.0), FAR_FROM_DATA)
    with pytest.raises(ValueError, match=re.escape(str(expected.value))):
        em_dask(da.full(20, 3.0, chunks=7), FAR_FROM_DATA)


def test_a_symmetric_start_warns_as_in_every_fitter(threads):
    start = MixtureParams([0.0, 0.0], [1.0, 1.0], [0.5, 0.5])
    with pytest.warns(SymmetricStartWarning, match="can never separate them") as caught:
        em_dask(da.from_array(np.linspace(-2.0, 2.0, 12), chunks=5), start, tol=0, max_iter=2)
    assert caught[0].filename == __file__  # points at the caller's line


@pytest.mark.parametrize("bad", [np.ones(12, dtype=complex), np.array([1.0, np.nan, 2.0, -np.inf] * 3)], ids=["complex", "NaN"])
def test_a_dask_array_with_bad_values_gives_the_same_error(threads, bad):
    with pytest.raises((TypeError, ValueError)) as expected:
        emlib.em_vectorized(bad, FAR_FROM_DATA)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        em_dask(da.from_array(bad, chunks=5), FAR_FROM_DATA)


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_chunk_samples_is_checked(value, error):
    with pytest.raises(error, match="chunk_samples"):
        em_dask(np.arange(10.0), FAR_FROM_DATA, chunk_samples=value)


def test_default_chunks_hold_millions_of_samples():
    assert CHUNK_SAMPLES >= 10**6
    assert as_dask_array(np.zeros((3 * CHUNK_SAMPLES // 100 + 1, 100))).numblocks == (4, 1)
