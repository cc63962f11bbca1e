"""Run `whitepaper refresh` and SIGKILL it at one step of the publish: python -m tests.crash_at STEP refresh ARGS…

The steps, in the order publish.py takes them: staging-written (every file staged, before the re-hash),
staging-verified (re-hashed, before the rename), renamed (the release folder in place, latest not yet switched),
latest-switched (latest and LATEST switched, releases.json not yet written), history-written (releases.json
written, index.html not yet), index-written (index.html written, before status.json and the run's record).
"""

from __future__ import annotations

import os
import signal
import sys

import flows.release.history as history
import flows.release.publish as publish

STEPS = ("staging-written", "staging-verified", "renamed", "latest-switched", "history-written", "index-written")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _before(name: str, module=publish) -> None:
    real = getattr(module, name)

    def crash(*args, **kwargs):
        _die()
        return real(*args, **kwargs)

    setattr(module, name, crash)


def _after(name: str, module=publish) -> None:
    real = getattr(module, name)

    def crash(*args, **kwargs):
        result = real(*args, **kwargs)
        _die()
        return result

    setattr(module, name, crash)


def arm(step: str) -> None:
    {"staging-written": lambda: _before("check_files"), "staging-verified": lambda: _after("check_files"),
     "renamed": lambda: _before("switch_latest"), "latest-switched": lambda: _after("switch_latest"),
     "history-written": lambda: _after("write_history", history),
     "index-written": lambda: _after("refresh_release_index")}[step]()


if __name__ == "__main__":
    arm(sys.argv[1])
    from flows.cli import app

    app(sys.argv[2:], prog_name="whitepaper")
