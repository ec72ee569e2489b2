"""A look-ahead true-peak limiter with smooth gain (no clipping of any sample).

Why: after loudness normalisation a remix with strong transients (drums) can peak
above full scale; clipping them (as the baseline does with tanh + clip) adds
distortion that HAAQI and listeners notice. Instead the gain is lowered smoothly,
just enough and just around each peak, and is identical on both channels so the
stereo image does not move.

How (offline, the whole signal is known, so no causal approximation is needed):

1. Required gain per sample: ``min(1, ceiling / true-peak envelope)``, where the
   envelope is the 4x-oversampled magnitude between this sample and the next, over
   both channels (:func:`vdbo.remix.loudness.true_peak_envelope`).
2. Windowed minimum of it over ``[n - lookahead/2 - hold, n + lookahead/2]``:
   the gain is lowered before a peak (look-ahead) and held after it.
3. Two moving averages of ``lookahead/2 + 1`` samples each smooth the steps into
   S-shaped ramps. An average of values that are each at most the required gain at
   sample n (the minimum window covers n from every averaged position) is at most
   that required gain, so the smoothing can never let a peak through.

The gain applied to the 4x-interpolated signal differs slightly from the gain at the
samples, and the 16-bit rounding adds a little; the writer therefore aims a bit below
the limit and re-checks the final integer signal.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d

_TINY = 1e-12


def _sliding_min(values: np.ndarray, before: int, after: int) -> np.ndarray:
    """For each n, min(values[n - before : n + after + 1]), outside counting as 1."""
    if (before + after) % 2:
        after += 1
    size = before + after + 1
    padded = np.concatenate([np.ones(before), values, np.ones(after)])
    centred = minimum_filter1d(padded, size=size, mode="nearest")
    half = size // 2
    return centred[half : half + values.shape[0]]


def limiter_gain(
    envelope: np.ndarray,
    ceiling: float,
    sample_rate: int,
    lookahead_ms: float,
    hold_ms: float,
) -> np.ndarray:
    """Smooth gain (samples,) in (0, 1] that keeps ``envelope * gain <= ceiling``."""
    required = np.minimum(1.0, ceiling / np.maximum(envelope, _TINY))
    if np.all(required >= 1.0):
        return np.ones_like(required)
    half_width = max(1, int(round(lookahead_ms * 1e-3 * sample_rate / 4)))
    reach = 2 * half_width  # the two averages each span +-half_width samples
    hold = int(round(hold_ms * 1e-3 * sample_rate))
    gain = _sliding_min(required, reach + hold, reach)
    for _ in range(2):
        gain = uniform_filter1d(gain, size=2 * half_width + 1, mode="nearest")
    return np.minimum(gain, required)
