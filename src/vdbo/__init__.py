"""vdbo: a reproducible Snakemake workflow for the Cadenza CAD1 Task 1 challenge.

The workflow's rules are thin; the logic lives in this package so that it can be
unit-tested and reused outside Snakemake.
"""

STEMS = ("vocals", "drums", "bass", "other")
"""The four MUSDB18 stems, in the order the official baseline writes them."""

SIDES = ("left", "right")

TRACK_FILES = ("mixture", *STEMS)
"""The WAVs of a MUSDB18-HQ track folder, without their ``.wav``."""

MUSDB_SAMPLE_RATE = 44100
"""MUSDB18-HQ audio; separation, NAL-R and the stems between jobs stay at this rate."""

STEM_SAMPLE_RATE = 24000
"""The official enhanced stem FLACs (CAD1 ``stem_sample_rate``), which HAAQI scores."""

REMIX_SAMPLE_RATE = 32000
"""The official remix FLAC (CAD1 ``remix_sample_rate``)."""

HAAQI_AUDIOGRAM_FREQUENCIES = (250, 500, 1000, 2000, 4000, 6000)
"""The audiogram frequencies (Hz) HAAQI reads: pyclarity 0.3.4's ``compute_haaqi``
keeps the levels at exactly these (dropping any other) and its ear model needs all six;
NAL-R interpolates its prescription at the same six."""

__version__ = "0.1.0"
