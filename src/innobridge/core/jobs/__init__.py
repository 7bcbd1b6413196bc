"""Background and scheduled jobs: a registry features add to, a huey queue, workers.

from innobridge.core import jobs

@jobs.background("matching.build_vectors")
def build_vectors(ctx: Context) -> None: ...

@jobs.periodic("matching.digest", "day")
def digest(ctx: Context) -> None: ...

jobs.enqueue(ctx, "matching.build_vectors")   # False when this process has no queue installed
"""

from innobridge.core.jobs.queue import JobQueue, enqueue, get, install, make_huey
from innobridge.core.jobs.registry import JobSpec, background, on_change, periodic, spec, specs
from innobridge.core.jobs.worker import run_worker, start_embedded, stop_embedded

__all__ = [
    "JobQueue",
    "JobSpec",
    "background",
    "enqueue",
    "get",
    "install",
    "make_huey",
    "on_change",
    "periodic",
    "run_worker",
    "spec",
    "specs",
    "start_embedded",
    "stop_embedded",
]
