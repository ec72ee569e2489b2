"""The built-in remix strategies; add your own here.

A strategy decides the gain in dB of each stem on each side for one listener. It is
chosen by name with the config key ``strategy``.

* ``baseline``: 0 dB everywhere, written by the official ``save_flac_signal`` with
  clipping (bit-identical to pyclarity 0.3.4 CAD1 Task 1 baseline). No overrides, no
  level safety: its loudness depends on song and audiogram and it can clip.
* ``baseline_normalised``: the same sum, but written with loudness normalisation and
  the true-peak limiter, so it can be compared at equal loudness.
* ``fixed_gains``: the config's ``gains_db`` per stem, same for every listener and
  both sides (E022's proportions are about vocals +7.6, drums -8.0, bass -4.4, other
  -4.4 dB).
* ``audiogram``: :mod:`vdbo.remix.audiogram_rule`, per ear.

Adding a strategy (one place, this file)::

    @register_strategy("my_rule")
    def my_rule(listener: dict, config: dict) -> SideGains:
        return {side: {"vocals": 3.0, "drums": 0.0, "bass": -3.0, "other": 0.0}
                for side in SIDES}

then set ``strategy: my_rule`` in the config (the JSON schema takes any name here;
:func:`vdbo.remix.get_strategy` refuses an unregistered one). ``listener`` is the
CAD1 listener dict (read ears with :func:`vdbo.core.metadata.ear_audiogram`),
``config`` the resolved remix config;
return a gain for every stem on both sides. Mixing, overrides (unless
``accepts_overrides=False``), loudness normalisation and limiting (unless
``level_safe=False``) are applied for you.
"""

from __future__ import annotations

from vdbo import SIDES, STEMS
from vdbo.core.metadata import ear_audiogram
from vdbo.remix.audiogram_rule import ear_gains_db, rule_from_config
from vdbo.remix.registry import SideGains, register_strategy


def _unity() -> SideGains:
    return {side: dict.fromkeys(STEMS, 0.0) for side in SIDES}


@register_strategy("baseline", level_safe=False, accepts_overrides=False, official=True)
def baseline(listener: dict, config: dict) -> SideGains:
    """The official remix: every stem at 0 dB."""
    return _unity()


@register_strategy("baseline_normalised", accepts_overrides=False)
def baseline_normalised(listener: dict, config: dict) -> SideGains:
    """The official sum, written at the loudness target under the true-peak limit."""
    return _unity()


@register_strategy("fixed_gains")
def fixed_gains(listener: dict, config: dict) -> SideGains:
    """The configured per-stem gains (``gains_db``), on both sides, for everyone.

    The schema (remix.strategies.<name>.gains_db) has checked the stems and the
    +-MAX_GAIN_DB range when the config was resolved; a missing stem gets 0 dB.
    """
    gains = {stem: float(config["gains_db"].get(stem, 0.0)) for stem in STEMS}
    return {side: dict(gains) for side in SIDES}


@register_strategy("audiogram")
def audiogram(listener: dict, config: dict) -> SideGains:
    """Vocals up and band down as this ear's loss grows (see audiogram_rule)."""
    rule = rule_from_config(config["audiogram_rule"])
    return {side: ear_gains_db(*ear_audiogram(listener, side), rule) for side in SIDES}
