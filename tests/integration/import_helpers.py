"""What the tests of the imports share: a file's bytes from rows, and the errors of a refusal."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from submissions.imports.common import ImportRefused
from submissions.imports.month_values import month_values_import

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
BD = "E09000002"
HEADER = ["area", "indicator", "month", "value"]


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def refused(content: bytes, name: str = "figures.csv") -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as caught:
        month_values_import(content=content, filename=name, user=None, now=NOW)
    return [(e.line, e.message) for e in caught.value.report.errors]
