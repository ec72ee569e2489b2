"""Training progress: JSON lines in the training log, a readable line on stderr.

Training runs for minutes to days; the log says where it stands (epoch, losses,
elapsed time, estimated time left) and, through the config hash on every line, which
settings produced it. A resumed run appends to the log of the run it continues.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}h{rest // 60:02d}m{rest % 60:02d}s"
        if hours
        else (f"{rest // 60}m{rest % 60:02d}s")
    )


class ProgressLog:
    """Writes ``{"event": ..., ...}`` lines to ``path`` and a summary to stderr."""

    def __init__(
        self,
        path: Path,
        epochs: int,
        config_hash: str,
        append: bool,
        interval_seconds: float = 30.0,
        elapsed_before: float = 0.0,
    ):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = open(self.path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115
        self.epochs = epochs
        self.config_hash = config_hash
        self.interval = interval_seconds
        self.elapsed_before = elapsed_before
        self.started = time.perf_counter()
        self.last_line = self.started
        self.epochs_this_run = 0

    def elapsed(self) -> float:
        """Training seconds so far, including the runs this one resumes."""
        return self.elapsed_before + time.perf_counter() - self.started

    def event(self, kind: str, **fields) -> None:
        record = {
            "event": kind,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "config_hash": self.config_hash,
            **fields,
        }
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def say(self, text: str) -> None:
        print(f"[train {self.config_hash[:8]}] {text}", file=sys.stderr, flush=True)

    def step(self, epoch: int, step: int, steps: int, loss: float) -> None:
        """Report within an epoch, at most once per ``interval_seconds``."""
        now = time.perf_counter()
        if now - self.last_line < self.interval:
            return
        self.last_line = now
        self.event(
            "step",
            epoch=epoch,
            step=step,
            steps=steps,
            loss=loss,
            elapsed_seconds=round(self.elapsed(), 2),
        )
        self.say(
            f"epoch {epoch}/{self.epochs} step {step}/{steps} loss {loss:.5g} "
            f"elapsed {_clock(self.elapsed())}"
        )

    def epoch(self, epoch: int, seconds: float, **metrics) -> None:
        """Report a finished epoch with the estimated time to the last one."""
        self.epochs_this_run += 1
        self.last_line = time.perf_counter()
        per_epoch = (time.perf_counter() - self.started) / self.epochs_this_run
        left = per_epoch * (self.epochs - epoch)
        self.event(
            "epoch",
            epoch=epoch,
            epochs=self.epochs,
            seconds=round(seconds, 3),
            elapsed_seconds=round(self.elapsed(), 2),
            eta_seconds=round(left, 1),
            **metrics,
        )
        valid = metrics.get("valid_loss")
        self.say(
            f"epoch {epoch}/{self.epochs} loss {metrics['train_loss']:.5g} valid "
            f"{'-' if valid is None else f'{valid:.5g}'} elapsed "
            f"{_clock(self.elapsed())} left ~{_clock(left)}"
        )

    def close(self) -> None:
        self.stream.close()
