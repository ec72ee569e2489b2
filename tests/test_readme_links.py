"""The README's relative links lead somewhere: mkdocs --strict checks docs/, not it."""

from __future__ import annotations

import re

from workflow_runner import REPO

README = REPO / "README.md"


def test_readme_links_resolve():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    relative = [link for link in links if "://" not in link]
    assert any(link.startswith("docs/") for link in relative)
    missing = [link for link in relative if not (REPO / link).is_file()]
    assert not missing, f"README.md links to missing files: {missing}"
