"""Run worker processes over the items, in order, with a bounded number in flight.

Each worker process (``spawn``) loads the bundle once and then evaluates
chunks of items: with the embedded engine in-process (the worker process is
the isolation), with an OPA server through its own keep-alive session. Both
spend most of their time in Python (reading, validating and normalising the
facts), so processes, not threads, use the cores. Items go out in chunks, and
at most ``2 * workers`` chunks are in flight: memory stays bounded however many
models there are, and results come back in the order of the items.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from mlgate.errors import EngineError
from mlgate.fleet.sources import Item
from mlgate.fleet.work import Result, Setup, init_process, run_in_process


def run_ordered(
    items: Iterable[Item], setup: Setup, *, workers: int, chunk: int = 16
) -> Iterator[Result]:
    """A ``Result`` per item, in item order."""
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_process,
        initargs=(setup,),
    )
    pending: deque[Future[list[Result]]] = deque()
    try:
        for batch in _chunks(items, chunk):
            pending.append(executor.submit(run_in_process, batch))
            if len(pending) >= 2 * workers:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _result(future: Future[list[Result]]) -> list[Result]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise EngineError(
            "a re-certification worker process died (crashed or was killed); nothing after "
            "the models already reported was evaluated"
        ) from None
