"""Separators: turn a MUSDB-layout track into VDBO stems.

Model-based separators run through the official baseline's ``decompose_signal`` so that
their stems are bit-identical to the official recipe's; reference-based ones
(``oracle``, ``mixture``) give the upper and lower bounds every comparison needs.
"""

from vdbo.separators.model import SeparationModel
from vdbo.separators.run import separate_track

__all__ = ["SeparationModel", "separate_track"]
