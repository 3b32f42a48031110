"""Spread per-item work over forked worker processes, when there is enough of it to pay for forking.

Workers are forked after the parent has built what they need, so they inherit it (the library,
the templates) instead of receiving it pickled; only the items' indexes and the results travel.
"""
from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# The task and items of a worker process, inherited at fork: a module variable is how a
# multiprocessing initializer hands state to the tasks of its process.
_worker_state: tuple[Callable, Sequence] | None = None


def _adopt(task: Callable, items: Sequence) -> None:
    global _worker_state
    _worker_state = (task, items)
    # The build turns cyclic garbage collection off, but a worker makes cycles on every page
    # (Jinja's macros hold their page's context): left alone, a worker grows by the contexts of
    # all its pages. The parent froze what the worker inherits (see _imap), so collecting here
    # walks only the worker's own objects and leaves the inherited memory pages unwritten.
    gc.enable()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(index: int):
    task, items = _worker_state
    return task(items[index])


def fork_map(task: Callable[[Item], Result], items: Sequence[Item], jobs: int, minimum: int,
             chunks_per_job: int = 8, on_fork: Callable[[], None] | None = None) -> list[Result] | None:
    """`[task(i) for i in items]` on `jobs` forked processes, in order; None when there are fewer
    than `minimum` items, one job, or no fork on this platform (the caller then works in-process).

    `on_fork` is called in this process once the workers exist: they have their own copy of
    everything now, so it may let go of what only the workers need."""
    results = fork_imap(task, items, jobs, minimum, chunks_per_job, on_fork)
    return None if results is None else list(results)


def fork_imap(task: Callable[[Item], Result], items: Sequence[Item], jobs: int, minimum: int,
              chunks_per_job: int = 8, on_fork: Callable[[], None] | None = None) -> Iterator[Result] | None:
    """Like fork_map, but the results come in order as they are ready, so the caller can use the
    first ones while the workers make the rest."""
    if jobs <= 1 or len(items) < minimum or not _can_fork():
        return None
    return _imap(task, items, jobs, chunks_per_job, on_fork)


def _imap(task: Callable, items: Sequence, jobs: int, chunks_per_job: int,
          on_fork: Callable[[], None] | None) -> Iterator:
    # an executor, not a multiprocessing Pool: a worker that dies (killed for memory, say) makes
    # it raise BrokenProcessPool, where a Pool starts another worker and waits for ever
    gc.freeze()  # everything the workers inherit: their collections leave it alone
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_adopt, initargs=(task, items))
    try:  # (map hands out every chunk at once, which forks the workers)
        try:
            results = executor.map(_run, range(len(items)), chunksize=max(1, len(items) // (jobs * chunks_per_job)))
        finally:
            gc.unfreeze()
        if on_fork is not None:  # after handing out the work: the workers need not wait for it
            on_fork()
        yield from results
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def beside(task: Callable[[], Result], fork: bool) -> Iterator[Callable[[], Result]]:
    """Start `task` in one forked process while the caller goes on with other work; the function
    this yields waits for it and returns its result (its exception is raised again here, and a
    process that dies without answering, say killed for memory, raises ChildProcessError instead
    of leaving the build waiting). Leaving the block without asking stops the process. Without
    `fork` (or without fork on this platform) the task runs in this process when asked."""
    if not fork or not _can_fork():
        yield task
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def run() -> None:
        try:
            answer = (True, task())
        except BaseException as exc:  # (sent back to be raised in the caller)
            answer = (False, exc)
        sending.send(answer)

    process = context.Process(target=run, daemon=True)
    process.start()
    sending.close()  # this end belongs to the child: its exit then ends our recv

    def finish() -> Result:
        try:
            done, value = receiving.recv()
        except EOFError:
            process.join()
            raise ChildProcessError(f"a build process stopped without finishing "
                                    f"(exit code {process.exitcode})") from None
        process.join()
        if done:
            return value
        raise value

    try:
        yield finish
    finally:
        if process.is_alive():
            process.terminate()
            process.join()
        receiving.close()
