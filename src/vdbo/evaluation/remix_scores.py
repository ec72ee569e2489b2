"""The objective view of the personalised remixes: HAAQI per ear and level statistics.

Seeding follows the official CAD1 evaluation (numpy seeded from the song's md5), so a
remix HAAQI is reproducible and comparable across strategies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vdbo.core.audio_io import read_wav_float
from vdbo.core.official import evaluate_function
from vdbo.evaluation.pairs import QUIET_DBFS, fast_haaqi

if TYPE_CHECKING:  # pandas only for the tables: a remix_haaqi job starts without it
    import pandas as pd

STAT_COLUMNS = [
    "song",
    "listener",
    "strategy",
    "integrated_loudness_lufs",
    "true_peak_dbtp",
    "sample_peak_dbfs",
    "gain_applied_db",
    "limiter_gain_reduction_max_db",
]


def score_remix(
    flac: Path,
    references: dict[str, Path],
    gains_db: dict[str, float],
    listener: dict,
    song: str,
    segment: tuple[float, float] | None,
    engine: str = "official",
    threads: int | None = None,
    silent_reference: str = "error",
) -> dict[str, float]:
    """HAAQI of the remix FLAC for ``listener``: ``{"left", "right", "mean"}``, and
    ``skipped`` (sides with a silent reference, nan) and ``quiet`` (sides scored with a
    reference below -90 dBFS RMS) counts."""
    from clarity.utils.flac_encoder import read_flac_signal

    from vdbo.evaluation.remix_objective import remix_haaqi_and_levels

    signal, rate = read_flac_signal(Path(flac))
    stems = {stem: read_wav_float(path) for stem, path in references.items()}
    compute = fast_haaqi(threads) if engine == "fast" else None
    evaluate_function("set_song_seed")(song)
    scores, levels = remix_haaqi_and_levels(
        signal, int(rate), stems, gains_db, listener, segment=segment,
        compute_haaqi=compute, silent_reference=silent_reference,
        name=f"{flac.name} (song {song!r})",
    )  # fmt: skip
    levels = levels.values()
    scores["skipped"] = sum(db == -np.inf for db in levels)
    scores["quiet"] = sum(-np.inf < db < QUIET_DBFS for db in levels)
    return scores


def remix_table(pair_jsons: list[Path]) -> pd.DataFrame:
    """One row per pair: level statistics, gains per stem and side, HAAQI if scored."""
    import pandas as pd

    rows = []
    for path in pair_jsons:
        stats = json.loads(Path(path).read_text())
        row = {k: stats.get(k) for k in STAT_COLUMNS}
        row.update({f"gain_{k}_db": v for k, v in stats.get("gains_db", {}).items()})
        row.update({k: v for k, v in stats.items() if k.startswith("haaqi_")})
        rows.append(row)
    return pd.DataFrame(rows)


def remix_summary(tables: dict[tuple[str, str], Path]) -> pd.DataFrame:
    """Per (strategy, separator): loudness spread across listeners, peaks, HAAQI."""
    import pandas as pd

    rows = []
    for (strategy, separator), path in tables.items():
        t = pd.read_csv(path)
        loud = t["integrated_loudness_lufs"]
        row = {
            "strategy": strategy,
            "separator": separator,
            "pairs": len(t),
            "loudness_mean_lufs": loud.mean(),
            "loudness_spread_lu": loud.max() - loud.min(),
            "true_peak_max_dbtp": t["true_peak_dbtp"].max(),
            "limiter_max_db": t["limiter_gain_reduction_max_db"].max(),
        }
        if "haaqi_mean" in t:
            row["remix_haaqi"] = t["haaqi_mean"].mean()
        for key in ("skipped", "quiet"):
            if f"haaqi_{key}" in t:
                row[f"remix_haaqi_{key}"] = int(t[f"haaqi_{key}"].sum())
        rows.append(row)
    return pd.DataFrame(rows)
