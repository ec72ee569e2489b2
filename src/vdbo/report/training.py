"""Training curves from a model's ``training_log.jsonl`` (JSON lines, vdbo.training).

Only the run that produced the checkpoint counts: the lines after its last ``start``
event (a resumed run appends after ``resume``). Epoch 0 is the ``initial`` validation,
before any training step; a later line for the same epoch replaces an earlier one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from vdbo import STEMS
from vdbo.core.errors import InputError
from vdbo.report import style


def read_training_log(path: str | Path) -> pd.DataFrame:
    """One row per epoch: train/valid loss, valid_sdr_<stem>, mixture_sdr_<stem>."""
    events = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise InputError(
                path,
                f"line {n} is not JSON ({err})",
                "retrain the model (rule train) to rewrite its log",
            ) from err
    starts = [i for i, e in enumerate(events) if e.get("event") == "start"]
    events = events[starts[-1] :] if starts else events
    rows = {}
    for e in events:
        if e.get("event") == "initial":
            rows[0] = _row(0, e)
        elif e.get("event") == "epoch":
            rows[int(e["epoch"])] = _row(int(e["epoch"]), e)
    if not rows:
        raise InputError(
            path,
            "no finished epoch in the training log",
            "let the train rule finish (it writes one line per epoch)",
        )
    return pd.DataFrame([rows[k] for k in sorted(rows)])


def _row(epoch: int, e: dict) -> dict:
    row = {
        "epoch": epoch,
        "train_loss": e.get("train_loss"),
        "valid_loss": e.get("valid_loss"),
    }
    for key in ("valid_sdr", "mixture_sdr"):
        for stem, value in (e.get(key) or {}).items():
            row[f"{key}_{stem}"] = value
    return row


def plot_training(log: str | Path, model: str, out: str | Path) -> pd.DataFrame:
    """Loss per epoch (train, validation); validation SDR per stem vs the mixture's."""
    curves = read_training_log(log)
    fig, axes = style.figure(1, 2, width=10.0, height=4.2)
    ax = axes[0, 0]
    for column, label, colour in (
        ("train_loss", "training loss", style.CYCLE[0]),
        ("valid_loss", "validation loss", style.CYCLE[1]),
    ):
        have = curves.dropna(subset=[column]) if column in curves else curves.iloc[:0]
        if len(have):
            ax.plot(
                have["epoch"],
                have[column],
                marker="o",
                color=colour,
                label=label,
                gid=f"loss:{column}",
            )
    ax.set_xlabel("epoch (0: before training)")
    ax.set_ylabel("loss (training objective, lower is better)")
    ax.set_title(f"{model}: loss per epoch")
    ax.legend(loc="best")
    ax = axes[0, 1]
    drawn = False
    for stem in STEMS:
        col = f"valid_sdr_{stem}"
        if col not in curves:
            continue
        drawn = True
        c = style.STEM_COLOURS[stem]
        ax.plot(
            curves["epoch"],
            curves[col],
            marker="o",
            color=c,
            label=f"{stem} (model)",
            gid=f"sdr:{stem}",
        )
        if f"mixture_sdr_{stem}" in curves:
            ax.plot(
                curves["epoch"],
                curves[f"mixture_sdr_{stem}"],
                linestyle="--",
                color=c,
                alpha=0.8,
                label=f"{stem} (mixture as estimate)",
                gid=f"mixture_sdr:{stem}",
            )
    if drawn:
        ax.set_xlabel("epoch (0: before training)")
        ax.set_ylabel("validation SDR (dB)")
        ax.set_title(f"{model}: validation SDR per stem")
        ax.legend(loc="best", fontsize=7, ncols=2)
    else:
        style.note(ax, "no validation songs: no SDR")
    for a in axes[0]:
        a.xaxis.get_major_locator().set_params(integer=True)
    style.save(fig, out)
    return curves
