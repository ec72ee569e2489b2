"""vdbo: a reproducible Snakemake workflow for the Cadenza CAD1 Task 1 challenge.

The workflow's rules are thin; the logic lives in this package so that it can be
unit-tested and reused outside Snakemake.
"""

STEMS = ("vocals", "drums", "bass", "other")
"""The four MUSDB18 stems, in the order the official baseline writes them."""

SIDES = ("left", "right")

__version__ = "0.1.0"
