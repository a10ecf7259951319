"""The README and docs/ stand on their own: no pointers outside the repository, and every relative link resolves."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", REPO / "collector" / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_page_never_sends_readers_outside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "shared/DESIGN.md" not in text and "shared/SKM.md" not in text
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(REPO), f"{target} points outside the repository"
        assert resolved.exists(), f"{target} does not exist"


def test_design_and_regulation_pages_are_linked_from_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/design.md)" in readme and "(docs/skm.md)" in readme
