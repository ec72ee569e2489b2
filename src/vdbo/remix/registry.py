"""The strategy registry: a name in the config maps to a gain rule and its write path.

A strategy only decides gains, in dB, per side and stem. Mixing (the official
``remix_signal``), per-listener overrides, loudness normalisation and limiting are
shared, so every strategy gets them the same way and a new strategy is one function.
How to add one: see :mod:`vdbo.remix.strategies`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vdbo.core.errors import InputError

SideGains = dict[str, dict[str, float]]
"""Gains in dB as ``{"left": {"vocals": 3.0, ...}, "right": {...}}``."""

GainRule = Callable[[dict, dict[str, Any]], SideGains]
"""``rule(listener, config) -> SideGains``; config is the resolved remix config."""


@dataclass(frozen=True)
class Strategy:
    """A registered strategy.

    ``level_safe``: the written file is loudness-normalised and true-peak limited
    (False only for the official ``baseline``, which must stay bit-identical).
    ``accepts_overrides``: per-listener override rows may replace its gains.
    ``official``: its remix is the official remix that encode writes (the workflow
    copies encode's file instead of writing it again).
    """

    name: str
    gains: GainRule
    level_safe: bool = True
    accepts_overrides: bool = True
    official: bool = False


STRATEGIES: dict[str, Strategy] = {}


def register_strategy(
    name: str,
    *,
    level_safe: bool = True,
    accepts_overrides: bool = True,
    official: bool = False,
) -> Callable[[GainRule], GainRule]:
    """Decorator that registers ``rule`` under ``name`` (names must be unique)."""

    def decorate(rule: GainRule) -> GainRule:
        if name in STRATEGIES:
            raise ValueError(f"remix strategy {name!r} is already registered")
        STRATEGIES[name] = Strategy(name, rule, level_safe, accepts_overrides, official)
        return rule

    return decorate


def get_strategy(name: str) -> Strategy:
    """Look up a strategy by its config name (the package ``vdbo.remix`` registers
    the built-in ones when it is first imported, before this module is reached)."""
    if name not in STRATEGIES:
        raise InputError(
            None,
            f"unknown remix strategy {name!r}",
            f"set remix `strategy` to one of {sorted(STRATEGIES)}, or register a new "
            "one in vdbo/remix/strategies.py",
        )
    return STRATEGIES[name]
