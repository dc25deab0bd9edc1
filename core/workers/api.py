"""REST API worker process."""

from __future__ import annotations

import logging
import os
from typing import Any

from core.config import ApiConfig
from core.servers.api import ApiServer
from core.workers.base import run_server

log = logging.getLogger(__name__)

#: Set to "all" to let the API worker run on every core (see keep_to_one_core).
CPU_ENV = "WIRELAB_API_CPU"


def keep_to_one_core() -> int | None:
    """Run this process on one core; return which (None when the system cannot, or there is only one).

    The API's threads share one interpreter lock. When they run on different cores, handing that lock over
    from core to core costs more than the parallelism buys: on a 2-core machine, mixed CRUD requests at 16
    connections went from about 500 to 1,300 a second when the worker stayed on one core (docs/PERFORMANCE.md).
    The last core is used because the first one usually handles most interrupts.
    """
    if os.environ.get(CPU_ENV, "").strip().lower() == "all":
        return None
    try:
        import psutil

        process = psutil.Process()
        if not hasattr(process, "cpu_affinity"):  # macOS
            return None
        allowed = process.cpu_affinity()
        if len(allowed) < 2:
            return None
        chosen = allowed[-1]
        process.cpu_affinity([chosen])
        return chosen
    except (OSError, ValueError, psutil.Error) as exc:  # not allowed here (containers, policies): run as is
        log.info("could not keep the API worker on one core: %s", exc)
        return None


def run(config: ApiConfig, inbox: Any, events: Any) -> None:
    keep_to_one_core()
    run_server(ApiServer(config, events.put, worker=events.name), inbox)
