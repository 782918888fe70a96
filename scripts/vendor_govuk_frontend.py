"""Vendor GOV.UK Frontend's compiled CSS and JS from its npm package, without its font.

    python scripts/vendor_govuk_frontend.py [govuk-frontend-VERSION.tgz]

With no argument, runs ``npm pack govuk-frontend@VERSION`` in a temporary directory. Writes
``csp/static/vendor/govuk-frontend-VERSION/``: the JS and its map as published, and the CSS with
every ``@font-face`` rule (and the font's copyright comment) removed. GDS Transport is licensed
for gov.uk services only, so the font is not ours to serve; without the rules no page asks for
``/assets/fonts/...`` (which would 404), and text falls back to the stacks' own ``arial,
sans-serif``. The CSS's source map no longer matches the edited file, so it is left out and the
``sourceMappingURL`` comment with it. Running it twice gives the same bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.6.0"
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "csp" / "static" / "vendor" / f"govuk-frontend-{VERSION}"
DIST = "package/dist/govuk/"
COPIED_AS_PUBLISHED = ("govuk-frontend.min.js", "govuk-frontend.min.js.map")

FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
FONT_COPYRIGHT = re.compile(r"/\*![^*]*Margaret Calvert[^*]*\*/")
SOURCE_MAP = re.compile(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$")


def without_fonts(css: str) -> str:
    """The stylesheet with no ``@font-face`` rule, no font copyright and no source-map link."""
    css = FONT_FACE.sub("", css)
    css = FONT_COPYRIGHT.sub("", css)
    return SOURCE_MAP.sub("\n", css)


def tarball(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: pass the package's tarball instead")
    # Fixed arguments (the pinned version), no input reaches the command.
    subprocess.run(  # noqa: S603
        [npm, "pack", f"govuk-frontend@{VERSION}", "--silent"], cwd=workdir, check=True
    )
    return workdir / f"govuk-frontend-{VERSION}.tgz"


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(argv[1]).resolve() if len(argv) > 1 else tarball(Path(tmp))
        with tarfile.open(source) as tar:

            def read(name: str) -> bytes:
                member = tar.extractfile(DIST + name)
                assert member is not None, name
                return member.read()

            TARGET.mkdir(parents=True, exist_ok=True)
            for name in COPIED_AS_PUBLISHED:
                (TARGET / name).write_bytes(read(name))
            css = without_fonts(read("govuk-frontend.min.css").decode("utf-8"))
    assert "@font-face" not in css and "/assets/fonts/" not in css
    (TARGET / "govuk-frontend.min.css").write_text(css, encoding="utf-8")
    (TARGET / "govuk-frontend.min.css.map").unlink(missing_ok=True)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
