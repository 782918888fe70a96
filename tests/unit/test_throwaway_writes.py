from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_writes_into_the_checkout() -> None:
    (ROOT / "docs" / "screenshots" / "summary.png").write_bytes(b"not a png")
    (ROOT / "stray-output.txt").write_text("x")
