"""Separators: turn a MUSDB-layout track into VDBO stems.

Model-based separators run through the official baseline's ``decompose_signal`` so that
their stems are bit-identical to the official recipe's; reference-based ones
(``oracle``, ``mixture``) give the upper and lower bounds every comparison needs.
"""

from vdbo.core.lazy import lazy_attributes
from vdbo.separation.kinds import KINDS, get_kind, register_kind

__all__ = ["KINDS", "SeparationModel", "get_kind", "register_kind", "separate_track"]


# torch is imported on first use, so that the workflow and the config check can ask
# the kind registry without importing it.
__getattr__ = lazy_attributes(
    __name__,
    {
        "SeparationModel": "vdbo.core.separation_model",
        "separate_track": "vdbo.separation.run",
    },
)
