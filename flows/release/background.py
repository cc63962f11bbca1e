"""A release step run on a thread of its own, started before the release id is known, and stoppable.

The DuckDB file takes the longest of the publisher's steps (12 s of a million-row release, its constraints checked
row by row) and needs only the staged Parquet files, which are written first. So the publisher starts it right
after them (`Background`), writes the CSV files, the hashes, the workbook and the report beside it, hands it the
release's identity when that is known (`give`) and waits for it only at the end (`result`). When the release turns
out to be nothing new, or another step fails, `stop` interrupts it before the staging folder is removed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BuildStopped(RuntimeError):
    """The step was stopped by the publisher (nothing new, or another step failed): not an error of its own."""


class Stopper:
    """A flag a long step checks between statements, and the connection it interrupts when set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._set = False
        self._connection: Any = None

    def watch(self, connection: Any) -> None:
        """The connection to interrupt (a DuckDB connection; None when it is closed)."""
        with self._lock:
            self._connection = connection

    def set(self) -> None:
        with self._lock:
            self._set = True
            if self._connection is not None:
                self._connection.interrupt()   # the running statement stops; check() stops the next one

    def check(self) -> None:
        """Raise BuildStopped once set."""
        if self._set:
            raise BuildStopped("stopped by the publisher")


class Background(Generic[T]):
    """run(info_callable, stop=Stopper) on a daemon-free thread, started at once.

    run receives a callable that blocks until give() (or raises BuildStopped once stop() was called), and the
    Stopper to check. result() waits and returns run's value or raises its error.
    """

    def __init__(self, run: Callable[..., Any], name: str = "release-step") -> None:
        self._info: Future = Future()
        self._stop = Stopper()
        self._done: Future = Future()
        self._thread = threading.Thread(target=self._main, args=(run,), name=name)
        self._thread.start()

    def _main(self, run: Callable[..., Any]) -> None:
        try:
            self._done.set_result(run(self._wait_info, stop=self._stop))
        except BaseException as err:   # handed to result(), which raises it on the caller's thread
            self._done.set_exception(err)

    def _wait_info(self) -> T:
        try:
            return self._info.result()
        except CancelledError:
            raise BuildStopped("stopped by the publisher before the release was known") from None

    def give(self, info: T) -> None:
        """The release's identity, which run was waiting for."""
        self._info.set_result(info)

    def result(self) -> Any:
        self._thread.join()
        return self._done.result()

    def stop(self) -> None:
        """Interrupt run and wait until its thread has ended (its error, if any, is dropped: the caller's stands)."""
        self._stop.set()
        self._info.cancel()
        self._thread.join()
