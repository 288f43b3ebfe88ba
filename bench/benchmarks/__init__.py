"""The benchmarks: each module here registers itself with :func:`register`.

A benchmark is a function ``run(ctx: harness.Context) -> dict`` returning a JSON-able dict.
Keys the runner understands (all optional besides being JSON-able):

- ``table``: a list of rows (dicts with the same keys) printed as a table;
- ``summary``: a list of lines printed under the table (targets and how they compare).

The runner adds the run's description (time, commit, machine) and writes
``bench/results/<name>.json``. Targets are printed figures, never assertions.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness import Context

RunFunction = Callable[[Context], dict[str, Any]]


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: RunFunction


_REGISTRY: dict[str, Benchmark] = {}


def register(name: str, description: str) -> Callable[[RunFunction], RunFunction]:
    """Decorator: make ``run`` available as ``bench/run.py --only NAME``."""

    def decorate(run: RunFunction) -> RunFunction:
        if name in _REGISTRY and _REGISTRY[name].run is not run:
            raise ValueError(f"two benchmarks are named {name!r}")
        _REGISTRY[name] = Benchmark(name=name, description=description, run=run)
        return run

    return decorate


def discover() -> dict[str, Benchmark]:
    """Import every module of this package and return the benchmarks, by name."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(_REGISTRY.items()))
