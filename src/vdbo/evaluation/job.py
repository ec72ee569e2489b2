"""The one HAAQI scoring job: every scoring rule runs ``workflow/scripts/haaqi.py``,
which calls :func:`run`, and names what it scores in ``params.mode``:

* ``pair`` (rule ``score``): one pair's eight stem FLACs (input ``stems``), written
  as the official CSV and the reference checks;
* ``submission`` (rule ``score_submission``): the same, with the stems named by param
  ``stems`` (they lie inside a received submission's checked folder);
* ``verify`` (rule ``verify_scores``): the official engine re-scores a pair that the
  fast one scored (input ``fast``); any difference stops the run;
* ``remix`` (rule ``remix_haaqi``): a personalised remix (input ``flac``), HAAQI per
  ear, written into its stats JSON.

Every mode starts the same way (:func:`start`): its settings are the rule's
``params.haaqi`` (``haaqi_settings`` in ``workflow/rules/common/score.smk``), the
engine is looked up once, the job is checked against its memory from the audio it
actually scores (the segment, or the whole reference), and the engine's function is
handed down to the pair or remix scorer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from vdbo.core.atomic import write_text
from vdbo.core.resources import audio_seconds, machine_memory_mb
from vdbo.evaluation.engines import get_engine
from vdbo.evaluation.pairs import (
    PairResult,
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


class Start(NamedTuple):
    """What every mode of the job starts from."""

    settings: Settings
    references: list[Path]
    compute_haaqi: Callable[..., float]
    """The chosen engine's ``compute_haaqi``, bound to the job's threads."""


def start(sm: Any) -> Start:
    """Settings, the memory check and the engine's function (``sm``: the
    ``snakemake`` object): the one place a job looks its engine up."""
    settings = Settings.from_params(sm.params.haaqi)
    references = [Path(p) for p in sm.input.references]
    engine = get_engine(settings.engine)
    engine.check_budget(
        settings.seconds(references[0]),
        sm.resources.get("mem_mb"),
        sm.rule,
        machine_memory_mb(),
    )
    return Start(settings, references, engine.compute_haaqi(sm.threads))


def _score_pair(sm: Any, job: Start, stems: Sequence[str | Path]) -> PairResult:
    w = sm.wildcards
    return score_pair_files(
        w.song,
        w.listener,
        job.settings.listener,
        stems,
        job.references,
        segment=job.settings.segment,
        compute_haaqi=job.compute_haaqi,
        enhanced_cropped=job.settings.enhanced_cropped,
        silent_reference=job.settings.silent_reference,
    )


def _write_pair(sm: Any, job: Start, result: PairResult) -> None:
    w = sm.wildcards
    write_pair_checks(Path(sm.output.checks), result, job.settings.silent_reference)
    write_pair_scores(
        Path(sm.output.csv), w.song, w.listener, result.score, result.per_stem
    )


def score_pair(sm: Any) -> None:
    """Mode ``pair``: the stems are the rule's input ``stems``."""
    job = start(sm)
    _write_pair(sm, job, _score_pair(sm, job, sm.input.stems))


def score_submission_pair(sm: Any) -> None:
    """Mode ``submission``: the stems are the rule's param ``stems``, inside the
    submission's checked folder (its input)."""
    job = start(sm)
    _write_pair(sm, job, _score_pair(sm, job, sm.params.stems))


def verify_pair(sm: Any) -> None:
    """Mode ``verify``: re-score the pair and stop on any difference from the
    scores in input ``fast``."""
    job = start(sm)
    result = _score_pair(sm, job, sm.input.stems)
    verify_against(Path(sm.input.fast), result.score, result.per_stem)
    w = sm.wildcards
    write_pair_scores(
        Path(sm.output[0]), w.song, w.listener, result.score, result.per_stem
    )


def score_remix_file(sm: Any) -> None:
    """Mode ``remix``: HAAQI per ear of input ``flac``, added to its stats JSON."""
    # only remix jobs load the remix package (loudness meter, strategies)
    from vdbo.evaluation.remix_scores import score_remix

    job = start(sm)
    stats = json.loads(Path(sm.input.stats).read_text())
    scores = score_remix(
        Path(sm.input.flac),
        {path.stem: path for path in job.references},
        stats["gains_db"],
        job.settings.listener,
        sm.wildcards.song,
        job.settings.segment,
        compute_haaqi=job.compute_haaqi,
        silent_reference=job.settings.silent_reference,
    )
    stats.update({f"haaqi_{k}": v for k, v in scores.items()})
    write_text(sm.output[0], json.dumps(stats, indent=1))


MODES: dict[str, Callable[[Any], None]] = {
    "pair": score_pair,
    "submission": score_submission_pair,
    "verify": verify_pair,
    "remix": score_remix_file,
}
"""``params.mode`` of a scoring rule -> its entry."""


def run(sm: Any) -> None:
    """The body of a HAAQI scoring job: the entry its rule's ``params.mode`` names."""
    mode = sm.params.mode
    if mode not in MODES:
        raise ValueError(f"rule {sm.rule}: params.mode {mode!r} is not in {[*MODES]}")
    MODES[mode](sm)
