"""The fast HAAQI engine on real-music-like input: the official score, bit for bit.

Two demo songs (`vdbo.demo`: fluidsynth instruments and an espeak-ng "sung" lead)
are rendered and joined, so each stem runs across a song change; every call scores
one ear of one stem as the CAD1 evaluation does (16-bit stem at 44.1 kHz resampled
to 24 kHz as reference, ``level1`` from its RMS) against a processed version: the
stem through the ear's NAL-R (the CAD1 baseline amplification), boosted into clipping
(loud) or left quiet, quantised to 16 bits. All four stems, mild to profound and
asymmetric audiograms. Scores and numpy's global random state after the call must
equal the official ones. The 30-36 s cases are slow (about 25 s of CPU each, almost
all of it the official engine); one 6 s case runs by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

haaqi = pytest.importorskip("clarity.evaluator.haaqi")
from clarity.enhancer.nalr import NALR  # noqa: E402
from clarity.utils.signal_processing import compute_rms, resample  # noqa: E402
from test_haaqi_equivalence import AUDIOGRAMS, CAD1_FREQS  # noqa: E402

from vdbo.demo.build import render_song  # noqa: E402
from vdbo.demo.external import ExternalToolError, require_tools  # noqa: E402
from vdbo.demo.mixing import mix_stems  # noqa: E402
from vdbo.demo.render import SAMPLE_RATE, find_soundfont  # noqa: E402
from vdbo.demo.songs import SONGS  # noqa: E402
from vdbo.haaqi import compute_haaqi as fast_haaqi  # noqa: E402

CFS = CAD1_FREQS
RATE = 24000  # CAD1 stem_sample_rate (reference resampled, enhanced written at)


@dataclass(frozen=True)
class MusicCase:
    name: str
    stem: str
    audiogram: str
    ear: int  # 0 left, 1 right
    loudness: str  # "loud": +12 dB into clipping; "quiet": 40 dB down
    start: float  # seconds into the joined songs
    seconds: float


QUICK = [MusicCase("vocals_moderate_loud_6s", "vocals", "moderate", 0, "loud", 22, 6)]
SLOW = [
    MusicCase("vocals_mild_loud", "vocals", "mild", 0, "loud", 5, 30),
    MusicCase("drums_profound_loud", "drums", "profound", 1, "loud", 0, 36),
    MusicCase("bass_severe_quiet", "bass", "severe", 0, "quiet", 10, 30),
    MusicCase("other_moderate_quiet", "other", "moderate", 1, "quiet", 15, 30),
    # One listener with asymmetric ears: a reverse slope left, a notch right.
    MusicCase("other_low_loss_left", "other", "low_loss", 0, "loud", 8, 30),
    MusicCase("drums_notch_right", "drums", "notch", 1, "quiet", 12, 30),
]


@pytest.fixture(scope="module")
def songs(tmp_path_factory):
    """Int16 stereo stems of demo songs 1 and 2 joined (about 50 s at 44.1 kHz)."""
    try:
        require_tools()
        soundfont = find_soundfont()
    except ExternalToolError as error:
        pytest.skip(f"demo instruments unavailable: {error}")
    work = tmp_path_factory.mktemp("songs")
    rendered = [
        mix_stems(render_song(s, work / str(s.seed), soundfont)) for s in SONGS[:2]
    ]
    return {stem: np.concatenate([r[stem] for r in rendered]) for stem in rendered[0]}


def build_call(case: MusicCase, songs):
    """compute_haaqi's arguments, as the CAD1 evaluation makes them."""
    start = int(case.start * SAMPLE_RATE)
    stem = songs[case.stem][start : start + int(case.seconds * SAMPLE_RATE)]
    if case.loudness == "quiet":
        stem = np.round(stem * 0.01).astype(np.int16)
    reference = resample((stem / 32768.0).astype(np.float32), SAMPLE_RATE, RATE)
    reference = reference[:, case.ear]
    audiogram = np.array(AUDIOGRAMS[case.audiogram])
    nalr = NALR(220, RATE)
    fir, _ = nalr.build(audiogram, CFS)
    processed = nalr.apply(fir, reference)
    if case.loudness == "loud":
        processed = 10 ** (12 / 20) * processed
    processed = np.round(np.clip(processed, -1, 32767 / 32768) * 32768) / 32768
    level1 = 65 - 20 * np.log10(compute_rms(reference))
    return processed, reference, RATE, RATE, audiogram, CFS, level1


def _assert_same(case: MusicCase, songs, seed: int):
    args = build_call(case, songs)
    results = []
    one_thread = lambda *a: fast_haaqi(*a, threads=1)  # noqa: E731  (as scoring jobs)
    for engine in (haaqi.compute_haaqi, one_thread):
        np.random.seed(seed)
        score = engine(*args)
        results.append((score, np.random.get_state()))
    (official, official_state), (fast, fast_state) = results
    assert 0 < official < 1, (case.name, official)
    assert fast == official, (case.name, fast, official)
    assert np.array_equal(fast_state[1], official_state[1])
    assert fast_state[2:] == official_state[2:]


@pytest.mark.parametrize("case", QUICK, ids=lambda c: c.name)
def test_music_excerpt_scores_identically(case, songs):
    _assert_same(case, songs, seed=3000)


@pytest.mark.slow
@pytest.mark.parametrize("case", SLOW, ids=lambda c: c.name)
def test_music_pairs_score_identically(case, songs):
    _assert_same(case, songs, seed=3100 + SLOW.index(case))
