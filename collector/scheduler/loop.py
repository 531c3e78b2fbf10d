"""The scheduler thread: every ``every_s`` seconds, each job of :data:`JOBS` runs once.

Jobs are a table (name → function). A job gets a :class:`JobContext` (its own store connection,
the round's wall-clock time, the imported center) and returns how many steps it took. A job's
failure is logged and counted and the next round tries again: the service never stops because
one round failed (a locked store, a center not imported yet).

Example:
    >>> import tempfile, os
    >>> from collector.store import open_store
    >>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
    >>> open_store(path).close()
    >>> s = Scheduler(path, SchedulerConfig(every_s=60))
    >>> s.run_once()       # no center imported yet: the round is skipped, nothing written
    {}
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from collector.config.models import CenterConfig
from collector.devices.job import device_health
from collector.errors import ConfigError
from collector.grid.store import load_center
from collector.patrol import flag_missing
from collector.scheduler.config import SchedulerConfig
from collector.scheduler.context import Job, JobContext
from collector.store import open_store
from collector.tickets.escalation import escalate, escalation_candidates

__all__ = ["JOBS", "Job", "JobContext", "Scheduler", "SchedulerStats"]

log = logging.getLogger(__name__)


def escalation_job(ctx: JobContext) -> int:
    """Reminders, supervision and discipline records due now, ``cfg.chunk`` tickets a transaction."""
    ids = escalation_candidates(ctx.db)
    taken = 0
    for start in range(0, len(ids), ctx.cfg.chunk):
        if start and ctx.pause(ctx.cfg.chunk_pause_ms / 1000):
            break
        taken += _escalate_chunk(ctx, ids[start : start + ctx.cfg.chunk])
    return taken


def _escalate_chunk(ctx: JobContext, ids: list[int]) -> int:
    """One chunk; if a ticket trips an error, one by one, so that one ticket cannot hold the rest."""
    try:
        return len(escalate(ctx.db, ctx.now, ctx.center, ids))
    except sqlite3.Error:
        raise
    except Exception:
        if len(ids) == 1:
            log.exception("scheduler: cannot escalate ticket %s; skipped this round", ids[0])
            return 0
    return sum(_escalate_chunk(ctx, [i]) for i in ids)


def device_health_job(ctx: JobContext) -> int:
    """Box and camera faults held long enough become device-fault tickets."""
    return device_health(ctx.db, ctx.now, ctx.center)


def patrol_missing_job(ctx: JobContext) -> int:
    """Watched places whose day's patrol check did not come are flagged ``missing``."""
    return flag_missing(ctx.db, ctx.now, ctx.center)


JOBS: tuple[Job, ...] = (
    Job("device_health", device_health_job),
    Job("escalation", escalation_job),
    Job("patrol_missing", patrol_missing_job),
)
"""The jobs of one round, in order."""


@dataclass
class SchedulerStats:
    rounds: int = 0
    steps: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    last_error: str | None = None


def _wall() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Runs :data:`JOBS` on a store; ``start``/``stop`` a thread, or ``run_once`` directly."""

    def __init__(
        self,
        db_path: str,
        cfg: SchedulerConfig,
        jobs: tuple[Job, ...] = JOBS,
        clock: Callable[[], datetime] = _wall,
    ):
        self.db_path, self.cfg, self.jobs, self.clock = db_path, cfg, jobs, clock
        self.stats = SchedulerStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_center = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="collector-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)

    def _loop(self) -> None:
        db = open_store(self.db_path)  # the scheduler's own connection
        try:
            while not self._stop.is_set():
                self.run_once(db)
                self._stop.wait(self.cfg.every_s)
        finally:
            db.close()

    def run_once(self, db: sqlite_utils.Database | None = None) -> dict[str, int]:
        """One round of every job; returns the steps each job took (``{}`` when skipped)."""
        own = db is None
        conn = open_store(self.db_path) if db is None else db
        try:
            center = self._center(conn)
            if center is None:
                return {}
            ctx = JobContext(conn, self.clock(), center, self.cfg, self._stop.wait)
            taken = {job.name: self._run_job(job, ctx) for job in self.jobs}
            self.stats.rounds += 1
            return taken
        finally:
            if own:
                conn.close()

    def _center(self, db: sqlite_utils.Database) -> CenterConfig | None:
        try:
            return load_center(db)
        except ConfigError as err:
            if not self._warned_center:
                self._warned_center = True
                log.warning("scheduler: nothing to do until a center is imported: %s", err)
            return None

    def _run_job(self, job: Job, ctx: JobContext) -> int:
        try:
            taken = job.run(ctx)
        except sqlite3.Error as err:  # locked, disk full: the next round tries again
            self._failed(job, f"store: {err}")
            return 0
        except Exception as err:  # a bug in one job must not stop the others or the service
            log.exception("scheduler job %s failed", job.name)
            self._failed(job, f"{type(err).__name__}: {err}")
            return 0
        self.stats.steps[job.name] = self.stats.steps.get(job.name, 0) + taken
        return taken

    def _failed(self, job: Job, message: str) -> None:
        self.stats.failures += 1
        self.stats.last_error = f"{job.name}: {message}"
        log.error("scheduler job %s: %s; retried next round", job.name, message)
