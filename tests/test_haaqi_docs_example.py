"""The example of docs/haaqi-in-your-code.md, run as it stands, scores as pyclarity.

The page tells users to swap one import. This runs the page's code block as written,
then again with pyclarity 0.3.4's own ``compute_haaqi`` imported instead, and checks
that the scores, and numpy's global random state after the call, are equal.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from workflow_runner import REPO

pytest.importorskip("clarity.evaluator.haaqi")

PAGE = REPO / "docs" / "haaqi-in-your-code.md"
OURS = "from vdbo.haaqi import compute_haaqi"
OFFICIAL = "from clarity.evaluator.haaqi import compute_haaqi"


def example_code() -> str:
    """The page's one Python block."""
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, f"{PAGE}: expected one python block, found {len(blocks)}"
    return blocks[0]


def run_example(code: str) -> tuple[float, tuple]:
    """The block's ``score`` and numpy's global random state after it."""
    namespace = {}
    exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace["score"], np.random.get_state()


def test_docs_example_scores_as_pyclarity(capsys):
    code = example_code()
    assert code.count(OURS) == 1
    ours, ours_state = run_example(code)
    assert f"HAAQI {ours:.6f}" in capsys.readouterr().out

    official, official_state = run_example(code.replace(OURS, OFFICIAL))
    assert 0.0 < official < 1.0
    assert ours == official
    assert np.array_equal(ours_state[1], official_state[1])
    assert ours_state[2:] == official_state[2:]
