"""The README's pictures of the dashboard, the report and Mode TV: present, made by scripts/screenshots.py, light."""
import re
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent


def test_every_readme_picture_is_a_small_png_the_script_makes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(docs/img/(readme-[a-z-]+\.png)\)", readme))
    made = set(re.findall(r'"(readme-[a-z-]+\.png)"', (REPO / "scripts" / "screenshots.py").read_text()))
    assert shown == made == {"readme-dashboard.png", "readme-report.png", "readme-tv.png"}
    for name in shown:
        path = REPO / "docs" / "img" / name
        assert path.stat().st_size < 300_000, name
        with Image.open(path) as picture:
            assert picture.format == "PNG" and picture.width >= 600, name
