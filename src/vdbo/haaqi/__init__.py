"""Fast exact HAAQI (drop-in for pyclarity 0.3.4 ``compute_haaqi``).

``from vdbo.haaqi import compute_haaqi`` gives the official score bit for bit, with the
same global ``np.random`` draws, several times faster and with a small fraction of
the memory; bands run on ``threads`` / ``$VDBO_HAAQI_THREADS`` / numba's thread count.

Which module replaces which pyclarity function, by which routes (each with its
condition and fallback), pinned by which tests: ``docs/haaqi-engine-map.md``.
"""

from vdbo.haaqi.engine import THREADS_ENV, compute_haaqi, haaqi_v1, resolve_threads

__all__ = ["THREADS_ENV", "compute_haaqi", "haaqi_v1", "resolve_threads"]
