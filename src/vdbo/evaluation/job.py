"""The one HAAQI scoring job: every scoring rule (``score``, ``verify_scores``,
``score_submission``, ``remix_haaqi``) runs ``workflow/scripts/haaqi.py``, which calls
:func:`run`.

What a job scores follows from what its rule declares:

* input ``flac``: a personalised remix, HAAQI per ear, written into its stats JSON;
* otherwise one pair's eight stem FLACs (input ``stems``, or param ``stems`` where
  they lie inside a received submission's checked folder), written as the official
  CSV and the reference checks; with input ``fast``, the official engine re-scores a
  pair the fast one scored, and any difference stops the run.

Its settings are the rule's ``params.haaqi`` (one definition for the four rules,
``haaqi_settings`` in ``workflow/rules/score.smk``), and every job is sized and
checked from the audio it actually scores (the segment, or the whole reference).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vdbo.core.atomic import write_text
from vdbo.core.resources import audio_seconds, machine_memory_mb
from vdbo.evaluation.engines import get_engine
from vdbo.evaluation.pairs import (
    score_pair_files,
    write_pair_checks,
    write_pair_scores,
)
from vdbo.evaluation.verification import verify_against


@dataclass(frozen=True)
class Settings:
    """``params.haaqi`` of a scoring rule."""

    engine: str
    silent_reference: str
    segment: tuple[float, float] | None
    """Seconds scored, or None for the whole song."""
    enhanced_cropped: bool
    """The stems hold only ``segment``, cut as test.py cuts them."""
    listener: dict
    """The listener's audiogram entry of the metadata."""

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Settings:
        segment = params["segment"]
        return cls(
            engine=params["engine"],
            silent_reference=params["silent_reference"],
            segment=None if segment is None else tuple(segment),
            enhanced_cropped=bool(params["enhanced_cropped"]),
            listener=dict(params["listener"]),
        )

    def seconds(self, reference: str | Path) -> float:
        """The audio seconds a call scores."""
        if self.segment is None:
            return audio_seconds(reference)
        return self.segment[1] - self.segment[0]


def run(sm: Any) -> None:
    """The body of a HAAQI scoring job (``sm``: the ``snakemake`` object)."""
    settings = Settings.from_params(sm.params.haaqi)
    references = [Path(p) for p in sm.input.references]
    engine = get_engine(settings.engine)
    engine.check_budget(
        settings.seconds(references[0]),
        sm.resources.get("mem_mb"),
        sm.rule,
        machine_memory_mb(),
    )
    declared = set(sm.input.keys())
    options = {
        "engine": settings.engine,
        "threads": sm.threads,
        "silent_reference": settings.silent_reference,
    }
    if "flac" in declared:
        # only remix jobs load the remix package (loudness meter, strategies)
        from vdbo.evaluation.remix_scores import score_remix

        stats = json.loads(Path(sm.input.stats).read_text())
        scores = score_remix(
            Path(sm.input.flac),
            {path.stem: path for path in references},
            stats["gains_db"],
            settings.listener,
            sm.wildcards.song,
            settings.segment,
            **options,
        )
        stats.update({f"haaqi_{k}": v for k, v in scores.items()})
        write_text(sm.output[0], json.dumps(stats, indent=1))
        return
    w = sm.wildcards
    stems = sm.input.stems if "stems" in declared else sm.params.stems
    result = score_pair_files(
        w.song,
        w.listener,
        settings.listener,
        stems,
        references,
        segment=settings.segment,
        enhanced_cropped=settings.enhanced_cropped,
        **options,
    )
    if "fast" in declared:
        verify_against(Path(sm.input.fast), result.score, result.per_stem)
        write_pair_scores(
            Path(sm.output[0]), w.song, w.listener, result.score, result.per_stem
        )
        return
    write_pair_checks(Path(sm.output.checks), result, settings.silent_reference)
    write_pair_scores(
        Path(sm.output.csv), w.song, w.listener, result.score, result.per_stem
    )
