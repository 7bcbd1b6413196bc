"""The registry of background and periodic jobs. Core holds the mechanism; each feature registers its
own jobs in its `jobs.py` (imported by whoever runs jobs: the worker, the server, the demo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Every = Literal["minute", "hour", "day"]  # "day": at INNOBRIDGE_JOBS_DAILY_HOUR:00 UTC
# A job is called as func(ctx, **kwargs) with the worker's Context; kwargs must be picklable.
JobFunc = Callable[..., Any]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunc
    every: Every | None = None  # None: runs only when enqueued
    at_start: bool = False  # also run once whenever a worker starts (catch-up sweeps)


@dataclass(frozen=True)
class ChangeTrigger:
    """Enqueue `job` with `entity_id=` for each committed change of `entity` (see UnitOfWork.changed)."""

    entity: str
    job: str


_JOBS: dict[str, JobSpec] = {}
_TRIGGERS: dict[str, ChangeTrigger] = {}


def _add(spec: JobSpec) -> None:
    existing = _JOBS.get(spec.name)
    if existing is not None and existing.func is not spec.func:
        raise ValueError(f"job registered twice: {spec.name}")
    _JOBS[spec.name] = spec


def background(name: str) -> Callable[[JobFunc], JobFunc]:
    """Register `func(ctx, **kwargs)` as a job run when enqueued (`jobs.enqueue(ctx, name, ...)`)."""

    def register(func: JobFunc) -> JobFunc:
        _add(JobSpec(name, func))
        return func

    return register


def periodic(name: str, every: Every, *, at_start: bool = False) -> Callable[[JobFunc], JobFunc]:
    """Register `func(ctx)` to run every minute, hour or day (and, with at_start, when a worker starts)."""

    def register(func: JobFunc) -> JobFunc:
        _add(JobSpec(name, func, every=every, at_start=at_start))
        return func

    return register


def on_change(entity: str, job: str) -> None:
    _TRIGGERS[entity] = ChangeTrigger(entity, job)


def specs() -> list[JobSpec]:
    return list(_JOBS.values())


def spec(name: str) -> JobSpec:
    try:
        return _JOBS[name]
    except KeyError:
        raise KeyError(f"no job named {name!r}; registered: {sorted(_JOBS)}") from None


def triggers() -> dict[str, ChangeTrigger]:
    return dict(_TRIGGERS)
