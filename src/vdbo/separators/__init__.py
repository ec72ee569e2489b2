"""Separators: turn a MUSDB-layout track into VDBO stems.

Model-based separators run through the official baseline's ``decompose_signal`` so that
their stems are bit-identical to the official recipe's; reference-based ones
(``oracle``, ``mixture``) give the upper and lower bounds every comparison needs.
"""

from vdbo.separators.kinds import KINDS, get_kind, register_kind

__all__ = ["KINDS", "SeparationModel", "get_kind", "register_kind", "separate_track"]


def __getattr__(name: str):
    # torch is imported on first use, so that the workflow and the config check can
    # ask the kind registry without importing it.
    if name == "SeparationModel":
        from vdbo.separators.model import SeparationModel

        return SeparationModel
    if name == "separate_track":
        from vdbo.separators.run import separate_track

        return separate_track
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
