r"""The same sums on Dask: each EM iteration one map-reduce over the chunks of a Dask array.

:func:`~emlib.vectorized.em_vectorized` already computes an iteration as sums
over blocks of samples (:func:`~emlib.vectorized.block_sums`), and sums add
up in any order. So the blocks can live anywhere: in other processes, on
disk, on other machines. :func:`em_dask` runs the same code on each chunk of
a ``dask.array``, wherever Dask keeps it:

* **One first pass** (:class:`Chunks`) reads every chunk once for its sum,
  smallest and largest value: the center :math:`c` and the data's ends, which
  decide the E-step's shortcuts for all chunks (:func:`~emlib.vectorized.plan_sweep`).
* **Map:** each chunk becomes chapter 6's :class:`~emlib.vectorized.Blocks`
  and :func:`~emlib.vectorized.block_sums` turns it into the ``(K, 3)`` sums
  :math:`\sum_i \gamma_{ik} u_i`, :math:`N_k`, :math:`\sum_i \gamma_{ik} u_i^2`
  and its log-likelihood (:func:`chunk_sums`), where the chunk lives.
* **Reduce:** one task adds the chunks' sums (:func:`add_up`); the client
  receives :math:`3K + 1` numbers and runs the M-step
  (:func:`~emlib.vectorized.params_from_sums`) on them, through the same
  :func:`~emlib.vectorized.em_step` as ``em_vectorized``.

Only the parameters go out to the chunks and only the sums come back: the
data are never gathered into one process. The tasks run on the active
``dask.distributed.Client`` if there is one, on Dask's threaded scheduler
otherwise.

Import it from here (``from emlib.dask_fit import em_dask``): ``import emlib``
does not import Dask, which the chapters before chapter 8 do not need.
"""

from __future__ import annotations

import functools
import math
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dask
import dask.array as da
import numpy as np
from dask.delayed import Delayed

from emlib.driver import FLOATING_POINT_ERRORS, EMResult, run_em
from emlib.params import MixtureParams
from emlib.validation import check_data, check_data_shape, check_finite_count, check_int, check_real_dtype
from emlib.vectorized import Blocks, block_sums, default_block_size, em_step, end_rows, plan_sweep

if TYPE_CHECKING:
    from distributed import Client

CHUNK_SAMPLES = 2**22
"""Samples per chunk (32 MiB of ``float64``) when :func:`em_dask` cuts an array into chunks itself.

Dask pays about a millisecond of scheduling per task, so a chunk should take
much longer than that to process: millions of samples, not thousands."""


@dataclass(frozen=True)
class MemmapFile:
    """A memory-mapped array that Dask may send to other processes: it travels as its file's name, not its data.

    ``np.load(path, mmap_mode="r")`` gives an array whose pickle holds every
    value; this holds where they are, and maps the file again where a chunk is read.
    """

    filename: str
    offset: int
    shape: tuple[int, ...]
    dtype: np.dtype
    order: str

    @classmethod
    def of(cls, array: np.memmap) -> MemmapFile:
        """Where ``array``, a memory map made by ``np.memmap`` or ``np.load(..., mmap_mode=...)``, lies in its file."""
        return cls(str(array.filename), array.offset, array.shape, array.dtype, "F" if array.flags.f_contiguous and array.ndim > 1 else "C")

    @property
    def ndim(self) -> int:
        """The number of axes, as an array has (``da.from_array`` asks)."""
        return len(self.shape)

    def __getitem__(self, index: object) -> np.ndarray:
        """The values at ``index``, read from the file into memory."""
        mapped = np.memmap(self.filename, self.dtype, "r", self.offset, self.shape, self.order)
        return np.array(mapped[index])


def _is_whole_memmap(x: object) -> bool:
    """Whether ``x`` is a memory map of a file (not a view of one): it can be reopened from its name."""
    return isinstance(x, np.memmap) and isinstance(x.base, mmap.mmap) and x.filename is not None


def as_dask_array(x: object, chunk_samples: int | None = None) -> da.Array:
    """``x`` as a Dask array of validated type and shape, its chunks where they will be processed.

    A Dask array is taken as it is. An array with a ``shape`` and a ``dtype``
    (NumPy, a memory-mapped ``.npy``, Zarr) is cut into chunks of whole rows
    of about ``chunk_samples`` samples (by default Zarr's own chunks, or
    :data:`CHUNK_SAMPLES`): a file or Zarr is wrapped without reading its
    values (a memory-mapped file as a :class:`MemmapFile`), and anything in
    memory (:func:`lives_in_memory`) goes through
    :func:`emlib.validation.check_data`, with the same errors, and is then
    sent once to where its chunks will be processed (:func:`send_once`).

    Raises
    ------
    TypeError, ValueError
        As :func:`emlib.validation.check_data`, for the type and the shape
        (non-finite values are found by the first pass, :class:`Chunks`).
    """
    if lives_in_memory(x):  # lists, None, masked arrays, NumPy arrays: checked as every fitter checks them
        x = check_data(x)
    check_real_dtype(np.dtype(x.dtype), "x")
    shape = tuple(x.shape)
    check_data_shape(shape)
    if isinstance(x, da.Array):
        return x
    if _is_whole_memmap(x):
        x = MemmapFile.of(x)
    row_length = math.prod(shape[1:])
    zarr_chunks = getattr(x, "chunks", None)
    if chunk_samples is None and isinstance(zarr_chunks, tuple) and all(isinstance(c, int) for c in zarr_chunks):
        chunks = zarr_chunks  # Zarr's own chunks: each is read once
    else:
        chunks = (max(1, (chunk_samples or CHUNK_SAMPLES) // row_length), *shape[1:])
    if isinstance(x, np.ndarray):  # in this process's memory (a whole memory map is a MemmapFile by now)
        return send_once(x, chunks[0])
    return da.from_array(x, chunks=chunks)


def lives_in_memory(x: object) -> bool:
    """Whether ``x``'s values live in this process (to send once), not in a Dask array, a file or Zarr (read where they are).

    A view of a memory map counts as in memory: only a whole file can be reopened by its name (:class:`MemmapFile`).
    """
    if isinstance(x, np.memmap):
        return not _is_whole_memmap(x)
    if isinstance(x, da.Array):
        return False
    return isinstance(x, np.ndarray) or not hasattr(x, "dtype")  # lists are made into NumPy arrays


def active_client() -> Client | None:
    """The ``dask.distributed`` client that Dask computes on now, or ``None`` (Dask's threads, or no distributed)."""
    try:
        from distributed import Client
    except ImportError:
        return None
    client = getattr(dask.base.get_scheduler(), "__self__", None)  # a client's scheduler is its own ``get``
    return client if isinstance(client, Client) else None


def send_once(samples: np.ndarray, rows_per_chunk: int) -> da.Array:
    """Samples held by this process, as a Dask array whose chunks stay where they will be processed.

    The chunks are ``rows_per_chunk`` whole rows each. On a
    ``dask.distributed`` client, each chunk (a view of ``samples``) is
    scattered to a worker, one message per chunk, as Dask's best practices
    advise: a graph holding the whole array would be one large message, and
    Dask warns about it. On Dask's threads the chunks are persisted in this
    process. Either way the samples are sent once, not in every iteration.

    Raises
    ------
    TypeError, ValueError
        If ``rows_per_chunk`` is not an integer >= 1.
    """
    rows_per_chunk = check_int(rows_per_chunk, "rows_per_chunk", minimum=1)
    client = active_client()
    if client is None:
        return da.from_array(samples, chunks=(rows_per_chunk, *samples.shape[1:])).persist()
    pieces = [samples[start : start + rows_per_chunk] for start in range(0, len(samples), rows_per_chunk)]
    sent = client.scatter(pieces, hash=False)  # one chunk per worker in turn; chunks of equal values stay apart
    parts = [da.from_delayed(future, shape=piece.shape, dtype=piece.dtype) for future, piece in zip(sent, pieces)]
    return da.concatenate(parts, axis=0)


def chunk_summary(chunk: np.ndarray) -> np.ndarray:
    """One chunk's sum, smallest and largest value, and how many values are not finite: ``(4,)``."""
    values = np.asarray(chunk, dtype=np.float64)
    total = values.sum()
    n_bad = 0 if np.isfinite(total) else np.count_nonzero(~np.isfinite(values))  # a finite sum has no NaN or inf
    return np.array([total, values.min(), values.max(), n_bad])


def combine_summaries(summaries: list[np.ndarray]) -> np.ndarray:
    """The chunks' summaries as one: sum, smallest, largest, count."""
    table = np.array(summaries)
    return np.array([table[:, 0].sum(), table[:, 1].min(), table[:, 2].max(), table[:, 3].sum()])


class Chunks:
    """The samples as a Dask array's chunks, with the center and the ends from one first pass.

    Parameters
    ----------
    data : dask.array.Array
        Validated samples (:func:`as_dask_array`), 1-D or 2-D, any chunks.

    Attributes
    ----------
    data : dask.array.Array
        The samples (kept: a persisted or scattered array's chunks live as long as it does).
    parts : list of dask.delayed.Delayed
        One per chunk.
    center : float
        :math:`c`, the mean of the samples.
    ends : numpy.ndarray, shape (3, 2)
        The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i = x_i - c`.
    low, high : float
        The smallest and the largest sample.
    size : int
        :math:`N`.

    Raises
    ------
    ValueError
        If the samples hold NaN or inf, as :func:`emlib.validation.check_data`.
    """

    def __init__(self, data: da.Array) -> None:
        self.data = data
        self.parts: list[Delayed] = data.to_delayed().ravel().tolist()
        self.size = int(data.size)
        summaries = [dask.delayed(chunk_summary)(part) for part in self.parts]
        total, low, high, n_bad = dask.delayed(combine_summaries)(summaries).compute()
        check_finite_count(int(n_bad))
        self.low, self.high = float(low), float(high)
        self.center = float(total / self.size)

    @functools.cached_property
    def ends(self) -> np.ndarray:
        """The rows :math:`u, 1, u^2` at the smallest and the largest :math:`u_i = x_i - c`.

        Computed when a sweep first needs them, after ``run_em`` has checked the
        data's spread (their squares would overflow for data it refuses).
        """
        return end_rows(self.low - self.center, self.high - self.center)

    def blocks(self) -> Iterator[np.ndarray]:
        """The samples, one chunk at a time in this process, as 1-D ``float64`` arrays (for :func:`emlib.driver.diagnose`).

        Only a breakdown's diagnosis reads them here: the fit itself never gathers a chunk.
        """
        for part in self.parts:
            yield np.asarray(part.compute(), dtype=np.float64).ravel()

    def min(self) -> float:
        """The smallest sample, as an array's ``min()`` (for :func:`emlib.validation.check_spread`)."""
        return self.low

    def max(self) -> float:
        """The largest sample, as an array's ``max()`` (for :func:`emlib.validation.check_spread`)."""
        return self.high


def chunk_sums(chunk: np.ndarray, center: float, plan: object, about: np.ndarray | None) -> tuple[np.ndarray, float]:
    r"""The map: one chunk's ``(K, 3)`` sums and log-likelihood, exactly as ``em_vectorized`` computes a block's.

    The chunk is cut into cache-sized blocks by :class:`~emlib.vectorized.Blocks`,
    each centered on :math:`c` as it is copied into the rows (the chunk stays
    as it is, and no pass over it looks for its ends: the plan has the data's), then
    :func:`~emlib.vectorized.block_sums` runs the E-step the ``plan`` says
    and adds up the sums. Runs where the chunk lives, with the fit's
    floating-point checks (:data:`emlib.driver.FLOATING_POINT_ERRORS`).
    """
    with np.errstate(**FLOATING_POINT_ERRORS):
        samples = np.asarray(chunk)
        k = plan.constants.size
        blocks = Blocks(samples, k, default_block_size(samples.size, k), center=center)
        return block_sums(blocks, plan, about)


def add_up(results: list[tuple[np.ndarray, float]]) -> tuple[np.ndarray, float]:
    """The reduce: the chunks' sums and log-likelihoods, added up."""
    sums = np.sum([sums for sums, _ in results], axis=0)
    return sums, math.fsum(log_likelihood for _, log_likelihood in results)


def iteration_sums(chunks: Chunks, params: MixtureParams, about: np.ndarray | None = None) -> Delayed:
    """The task graph of one sweep: :func:`chunk_sums` on every chunk, then :func:`add_up`. Nothing runs yet.

    The tasks are not ``pure``: each sweep computes afresh, never reusing a result of the same sweep run before
    (a fit from the same start repeats its sweeps, and a benchmark would time a cache).
    """
    plan = plan_sweep(params, chunks.center, chunks.ends)
    per_chunk = [dask.delayed(chunk_sums, pure=False)(part, chunks.center, plan, about) for part in chunks.parts]
    return dask.delayed(add_up, pure=False)(per_chunk)


def sweep_chunks(chunks: Chunks, params: MixtureParams, about: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """One sweep as a map-reduce (:func:`iteration_sums`), run on the active Dask scheduler: ``(K, 3)`` sums and :math:`\\ell`."""
    return iteration_sums(chunks, params, about).compute()


def em_dask(
    x: object,
    init: MixtureParams,
    *,
    tol: float = 1e-4,
    max_iter: int = 1000,
    stop: str = "params",
    chunk_samples: int | None = None,
) -> EMResult:
    """Fit a Gaussian mixture with Dask: each iteration one map-reduce of ``em_vectorized``'s block sums over chunks.

    Same parameters, result and errors as :func:`emlib.em_vectorized`, and the
    same results up to rounding. The data are read chunk by chunk where they
    live and never gathered into one process; each iteration sends the
    parameters to every chunk and receives :math:`3K + 1` numbers per chunk.
    Runs on the active ``dask.distributed.Client``, or on Dask's threaded
    scheduler if there is none.

    Parameters
    ----------
    x : dask.array.Array or array_like, shape (N,) or (rows, columns)
        Samples :math:`x_i`, never modified. A Dask array keeps its chunks; a
        NumPy array, a memory-mapped ``.npy`` (``np.load(path, mmap_mode="r")``)
        or a Zarr array is wrapped (:func:`as_dask_array`). A NumPy array in
        memory is sent to the workers once (:func:`send_once`); a file is read
        chunk by chunk in every iteration.
    chunk_samples : int, optional
        Samples per chunk when ``x`` is wrapped (>= 1); by default
        :data:`CHUNK_SAMPLES`, or a Zarr array's own chunks.

    Raises
    ------
    TypeError, ValueError
        As :func:`emlib.em_vectorized`, in the same order; also if
        ``chunk_samples`` is not ``None`` or an integer >= 1. The type and
        shape of a file or a Dask array are checked before any value is
        read; NaN or inf, and the data's ends, by the first pass.
    EMBreakdownError
        As every fitter, from the one check in :func:`emlib.driver.run_em`.

    Warns
    -----
    SymmetricStartWarning
        As every fitter, if ``init``'s components are all equal.
    """
    if chunk_samples is not None:
        check_int(chunk_samples, "chunk_samples", minimum=1)

    def validate(x: object) -> Chunks:
        return Chunks(as_dask_array(x, chunk_samples))

    step = functools.partial(em_step, sweeper=sweep_chunks)
    return run_em(
        x, init, validate=validate, prepare=lambda chunks: chunks, step=step, tol=tol, max_iter=max_iter, stop=stop,
        log_space=True,
    )
