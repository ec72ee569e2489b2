"""Per-listener amplification of separated stems, through the official baseline code.

NAL-R (and the optional compressor) are applied per stem and ear with
``recipes.cad1.task1.baseline.enhance.process_stems_for_listener`` (compiled from the
installed recipe without its torch import, see :mod:`vdbo.core.official`), so our
outputs
are bit-identical to the official recipe for the same stems.
"""

from __future__ import annotations

import numpy as np

from vdbo.core.metadata import official_audiogram
from vdbo.core.official import enhance_function


def amplify_stems(
    stems: dict[str, np.ndarray],
    listener: dict,
    nalr: dict,
    compressor: dict,
    apply_compressor: bool,
) -> dict[str, np.ndarray]:
    """``{left_vocals: 1-D float64, ...}`` in the stems' order, NAL-R fitted per ear.

    ``stems`` is ``{stem: (2, samples)}`` in the separator's source order; that order is
    kept because the remix sums stems in dict order.
    """
    from clarity.enhancer.compressor import Compressor
    from clarity.enhancer.nalr import NALR

    map_to_dict = enhance_function("map_to_dict")
    process_stems_for_listener = enhance_function("process_stems_for_listener")
    levels_l, levels_r, cfs = official_audiogram(listener)  # checked, as test.py's
    order = list(stems)
    signal_stems = map_to_dict(np.stack([stems[s] for s in order]), order)
    return process_stems_for_listener(
        signal_stems,
        NALR(**nalr),
        Compressor(**compressor) if apply_compressor else None,
        levels_l,
        levels_r,
        cfs,
        apply_compressor,
    )
