"""Running a workflow job's function with its log, the same way for every rule.

Jobs log to their ``log:`` file; an error meant for the user (bad input, a memory
budget too small, a score mismatch) is also printed to the terminal, so the user sees
what to fix without opening logs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from vdbo.core.errors import UserFacingError


def run_job(snakemake: Any, main: Callable[[Any], None]) -> None:
    """Call ``main(snakemake)`` with logging and stderr sent to ``snakemake.log[0]``."""
    log_path = snakemake.log[0] if len(snakemake.log) else None
    terminal = sys.stderr
    stream = open(log_path, "w", encoding="utf-8") if log_path else sys.stderr  # noqa: SIM115
    logging.basicConfig(
        level=logging.INFO,
        stream=stream,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    log = logging.getLogger("vdbo")
    started = time.perf_counter()
    try:
        with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(stream):
            main(snakemake)
        log.info("done in %.1f s", time.perf_counter() - started)
    except UserFacingError as err:
        log.error("%s", err)
        print(f"vdbo: {err}", file=terminal)
        raise SystemExit(1) from err
    except Exception:
        log.exception("job failed")
        raise
    finally:
        if stream is not sys.stderr:
            stream.close()
