"""The personalised remix: the stereo signal the listener actually hears.

The official CAD1 baseline sums the eight NAL-R-amplified stems and clips; its level
depends on song and audiogram. This package keeps that path bit-identical
(``strategy: baseline``) and adds strategies that rebalance the stems for the
listener, and loudness normalisation (ITU-R BS.1770) with a true-peak limiter. Its
objective HAAQI view (ICASSP 2024 Cadenza style) is evaluation:
:mod:`vdbo.evaluation.remix_scores`.

Entry points (one concept per module):

* :func:`remix` (``mixing``): stems + listener + config -> stereo remix, gains.
* :func:`write_remix` (``writer``): level safety + 32 kHz 16-bit FLAC -> stats.
* :func:`load_overrides` (``overrides``): the per-listener gain table.
* config keys and defaults: ``config``; strategies and how to add one:
  ``strategies`` / ``registry``; the audiogram rule: ``audiogram_rule``.
"""

from vdbo.remix import strategies  # noqa: F401  (registers the built-in strategies)
from vdbo.remix.config import DEFAULT_CONFIG, resolve_config
from vdbo.remix.mixing import remix, stem_gains_db
from vdbo.remix.overrides import load_overrides
from vdbo.remix.registry import STRATEGIES, get_strategy, register_strategy
from vdbo.remix.writer import (
    REMIX_SAMPLE_RATE,
    copy_official_remix,
    measure_flac,
    write_remix,
)

__all__ = [
    "DEFAULT_CONFIG",
    "REMIX_SAMPLE_RATE",
    "STRATEGIES",
    "copy_official_remix",
    "get_strategy",
    "load_overrides",
    "measure_flac",
    "register_strategy",
    "remix",
    "resolve_config",
    "stem_gains_db",
    "write_remix",
]
