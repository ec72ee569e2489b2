"""Numba replica of numpy's legacy ``np.random.standard_normal`` stream.

The official HAAQI adds threshold noise drawn from the global legacy ``RandomState``
(MT19937 + Marsaglia polar method with one cached value) as one (bands, samples)
array per signal. To process bands in parallel without holding those arrays, the
stream is first skipped through sequentially, recording the generator state at the
start of every band's block; each band then regenerates its own block from its
snapshot. Skipping only needs the uniform draws and the accept test, so it is much
cheaper than drawing. The arithmetic follows numpy's C code operation by operation
(``legacy_gauss`` / ``mt19937_next_double``: the C library's ``log`` and ``sqrt``,
as numba calls them), so values and end state are bit-identical, only the order of
independent operations differs; ``tests/test_haaqi_kernels.py`` checks this
against numpy.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_N = 624
_M = 397
# Dividing by 2**53 (as numpy does) is an exact scaling, so multiply instead.
_TWO_POW_M53 = 1.0 / 9007199254740992.0

# A generator state is (key, meta): key = the 624 MT19937 words (uint32 stored as
# uint64 for cheap arithmetic), meta = float64 [pos, has_gauss, cached_gauss].


@njit(nogil=True, cache=True)
def _twist(key):
    upper = np.uint64(0x80000000)
    lower = np.uint64(0x7FFFFFFF)
    matrix_a = np.uint64(0x9908B0DF)
    one = np.uint64(1)
    zero = np.uint64(0)
    for i in range(_N - _M):
        y = (key[i] & upper) | (key[i + 1] & lower)
        key[i] = key[i + _M] ^ (y >> one) ^ (matrix_a if y & one else zero)
    for i in range(_N - _M, _N - 1):
        y = (key[i] & upper) | (key[i + 1] & lower)
        key[i] = key[i + _M - _N] ^ (y >> one) ^ (matrix_a if y & one else zero)
    y = (key[_N - 1] & upper) | (key[0] & lower)
    key[_N - 1] = key[_M - 1] ^ (y >> one) ^ (matrix_a if y & one else zero)


@njit(nogil=True, cache=True, inline="always")
def _temper(y):
    y ^= y >> np.uint64(11)
    y ^= (y << np.uint64(7)) & np.uint64(0x9D2C5680)
    y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
    y ^= y >> np.uint64(18)
    return y & np.uint64(0xFFFFFFFF)


@njit(nogil=True, cache=True, inline="always")
def _double(w0, w1):
    """``mt19937_next_double`` from two tempered words."""
    a = np.int64(w0 >> np.uint64(5))
    b = np.int64(w1 >> np.uint64(6))
    return (a * 67108864.0 + b) * _TWO_POW_M53


@njit(nogil=True, cache=True)
def _run(key, meta, out, count, write):
    """Draw ``count`` legacy normals into ``out`` (``write``) or just skip them.

    Uniform doubles are made a whole MT block at a time (the block is only
    twisted when a double from the next block is actually needed, so the stored
    position is exact wherever the run stops), then paired by the polar method.
    When skipping, log/sqrt are only evaluated for a value left cached at the end.
    """
    produced = 0
    if count > 0 and meta[1] != 0.0:
        if write:
            out[0] = meta[2]
        meta[1] = 0.0
        meta[2] = 0.0
        produced = 1
    pos = int(meta[0])
    doubles = np.empty(_N // 2 + 1)
    have_first = False
    d_first = 0.0
    while produced < count:
        if pos == _N:
            _twist(key)
            pos = 0
        straddle = pos == _N - 1
        if straddle:
            w0 = _temper(key[_N - 1])
            _twist(key)
            doubles[0] = _double(w0, _temper(key[0]))
            available = 1
        else:
            available = (_N - pos) // 2
            for j in range(available):
                doubles[j] = _double(
                    _temper(key[pos + 2 * j]), _temper(key[pos + 2 * j + 1])
                )
        used = 0
        while used < available:
            d = doubles[used]
            used += 1
            if not have_first:
                d_first = d
                have_first = True
                continue
            have_first = False
            x1 = 2.0 * d_first - 1.0
            x2 = 2.0 * d - 1.0
            r2 = x1 * x1 + x2 * x2
            if r2 >= 1.0 or r2 == 0.0:
                continue
            if produced + 1 < count:
                if write:
                    f = math.sqrt(-2.0 * math.log(r2) / r2)
                    out[produced] = f * x2
                    out[produced + 1] = f * x1
                produced += 2
            else:
                f = math.sqrt(-2.0 * math.log(r2) / r2)
                if write:
                    out[produced] = f * x2
                meta[2] = f * x1
                meta[1] = 1.0
                produced += 1
            if produced >= count:
                break
        pos = 1 if straddle else pos + 2 * used
    meta[0] = pos


@njit(nogil=True, cache=True)
def _block_doubles(key, out):
    """The 312 doubles of the current MT block, all of them.

    A fixed-length loop over the whole block, which LLVM vectorises (a loop from a
    variable position it does not); a caller that starts mid-block reads from
    ``pos // 2``.
    """
    for j in range(_N // 2):
        out[j] = _double(_temper(key[2 * j]), _temper(key[2 * j + 1]))


@njit(nogil=True, cache=True, inline="always")
def _accepted(d1, d2):
    x1 = 2.0 * d1 - 1.0
    x2 = 2.0 * d2 - 1.0
    r2 = x1 * x1 + x2 * x2
    return (r2 < 1.0) & (r2 != 0.0), x1, r2


@njit(nogil=True, cache=True)
def fill_gauss(key, meta, out):
    """Fill ``out`` with the next legacy standard normals (as numpy would).

    A whole MT block at a time, in two passes: the polar method's accept test over
    all pairs of the block, recording the accepted ones (branch-free), then the
    transform of the accepted pairs only (log, division, sqrt: no mispredicted
    branch between them, so consecutive pairs overlap in the pipeline). The values
    are computed with the same operations as numpy's ``legacy_gauss``; the position
    stored is right after the pair giving the last normal. An odd word position
    (after 32-bit draws) takes the pair-by-pair walk (`_run`).
    """
    count = out.shape[0]
    produced = 0
    if count > 0 and meta[1] != 0.0:
        out[0] = meta[2]
        meta[1] = 0.0
        meta[2] = 0.0
        produced = 1
    if produced >= count:
        return
    pos = int(meta[0])
    if pos % 2 == 1:
        _run(key, meta, out[produced:], count - produced, True)
        return
    doubles = np.empty(_N // 2)
    pairs = _N // 4 + 1
    x1s = np.empty(pairs)
    x2s = np.empty(pairs)
    r2s = np.empty(pairs)
    ends = np.empty(pairs, dtype=np.int64)  # doubles used (from pos) up to this pair
    carry = -1.0  # a double left over from the previous block (pairs straddle)
    while True:
        if pos == _N:
            _twist(key)
            pos = 0
        _block_doubles(key, doubles)
        start = pos // 2
        j = start
        accepted = 0
        if carry >= 0.0:  # pos is 0 here
            ok, x1, r2 = _accepted(carry, doubles[0])
            x1s[0], x2s[0], r2s[0], ends[0] = x1, 2.0 * doubles[0] - 1.0, r2, 1
            accepted = 1 if ok else 0
            j = 1
        while j + 1 < _N // 2:
            ok, x1, r2 = _accepted(doubles[j], doubles[j + 1])
            x1s[accepted] = x1
            x2s[accepted] = 2.0 * doubles[j + 1] - 1.0
            r2s[accepted] = r2
            ends[accepted] = j + 2 - start
            accepted += 1 if ok else 0
            j += 2
        take = min(accepted, (count - produced + 1) // 2)
        whole = take if 2 * take <= count - produced else take - 1
        for i in range(whole):
            r2 = r2s[i]
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            out[produced + 2 * i] = f * x2s[i]
            out[produced + 2 * i + 1] = f * x1s[i]
        produced += 2 * whole
        if whole < take:  # the run's last normal: the pair's other one is cached
            r2 = r2s[take - 1]
            f = math.sqrt(-2.0 * math.log(r2) / r2)
            out[produced] = f * x2s[take - 1]
            meta[2] = f * x1s[take - 1]
            meta[1] = 1.0
            produced += 1
        if produced >= count:
            pos += 2 * ends[take - 1]
            break
        carry = doubles[_N // 2 - 1] if j < _N // 2 else -1.0
        pos = _N
    meta[0] = pos


@njit(nogil=True, cache=True)
def skip_gauss(key, meta, count):
    """Advance the stream by ``count`` normals without computing them.

    Block by block (624 words), accepted polar pairs are counted branch-free; the
    block where the count is reached is walked again to find the exact position.
    Needs an even word position (always the case unless 32-bit draws were made),
    otherwise the stream is walked pair by pair (`_run`).
    """
    if count <= 0:
        return
    if meta[1] != 0.0:  # the cached value is the first normal
        meta[1] = 0.0
        meta[2] = 0.0
        count -= 1
    pos = int(meta[0])
    if pos % 2 == 1:
        _run(key, meta, np.empty(0), count, False)
        return
    needed = (count + 1) // 2  # accepted pairs producing `count` normals
    doubles = np.empty(_N // 2)
    carry = -1.0  # a double left over from the previous block (pairs straddle)
    while needed > 0:
        if pos == _N:
            _twist(key)
            pos = 0
        _block_doubles(key, doubles)
        first = pos // 2
        accepted = 0
        if carry >= 0.0:  # pos is 0 here
            accepted += _accepted(carry, doubles[0])[0]
            first = 1
        pairs = (_N // 2 - first) // 2
        for k in range(pairs):
            accepted += _accepted(doubles[first + 2 * k], doubles[first + 2 * k + 1])[0]
        if accepted < needed:
            needed -= accepted
            leftover = first + 2 * pairs
            carry = doubles[leftover] if leftover < _N // 2 else -1.0
            pos = _N
            continue
        # The last accepted pair is in this block: find it.
        used = pos // 2
        x1 = r2 = 0.0
        if carry >= 0.0:
            ok, x1, r2 = _accepted(carry, doubles[0])
            used = 1
            needed -= ok
        while needed > 0:
            ok, x1, r2 = _accepted(doubles[used], doubles[used + 1])
            used += 2
            needed -= ok
        pos = 2 * used
        if count % 2 == 1:  # the last pair gave one normal and cached the other
            meta[2] = math.sqrt(-2.0 * math.log(r2) / r2) * x1
            meta[1] = 1.0
    meta[0] = pos


def state_from_numpy(random_state: np.random.RandomState | None = None):
    """(key, meta) copied from a legacy RandomState (the global one by default)."""
    rs = np.random.mtrand._rand if random_state is None else random_state
    name, key, pos, has_gauss, cached = rs.get_state(legacy=True)
    if name != "MT19937":
        raise ValueError(f"expected a legacy MT19937 RandomState, got {name}")
    return key.astype(np.uint64), np.array([pos, has_gauss, cached], dtype=np.float64)


def state_to_numpy(key, meta, random_state: np.random.RandomState | None = None):
    """Write (key, meta) back into a legacy RandomState (the global one by default)."""
    rs = np.random.mtrand._rand if random_state is None else random_state
    rs.set_state(
        ("MT19937", key.astype(np.uint32), int(meta[0]), int(meta[1]), float(meta[2]))
    )


def copy_state(key, meta):
    return key.copy(), meta.copy()
