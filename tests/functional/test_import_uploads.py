"""The import page keeps large files off the request: limits checked before reading, previews of
big files in a task, and the upload kept in file storage (any worker can confirm it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from csp.models import Area
from indicators.engine.periods import add_months
from indicators.models import MonthValue
from submissions.models import ImportJob

pytestmark = pytest.mark.django_db


def _client(username: str = "coordinator") -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def not_read(monkeypatch):
    """Fail the test if the file reaches the reader (it must be refused before)."""

    def read_table(*args, **kwargs):
        raise AssertionError("the file was read: it should have been refused before reading")

    monkeypatch.setattr("submissions.imports.reader.read_table", read_table)


def borough_rows(n: int) -> bytes:
    """n distinct tno rows for boroughs other than the partnership's own, from January 2000."""
    areas = [a.code for a in Area.objects.exclude(code="E09000002").order_by("code")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["area", "indicator", "month", "value"])
    for i in range(n):
        month = add_months(dt.date(2000, 1, 1), i // len(areas))
        writer.writerow([areas[i % len(areas)], "tno", month.strftime("%Y-%m"), 100 + i % 7])
    return out.getvalue().encode()


def upload(client: Client, name: str, content: bytes, kind: str = "month_values"):
    return client.post(
        "/imports/",
        {"kind": kind, "action": "preview", "file": SimpleUploadedFile(name, content)},
    )


def xlsx_with_sheet(sheet_xml: bytes | None = None, padding: int = 0) -> bytes:
    """A real workbook (header and one row), with its sheet replaced or padded with spaces."""
    book = openpyxl.Workbook()
    book.active.append(["area", "indicator", "month", "value"])
    book.active.append(["Barnet", "tno", "2017-01", 5])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, data)
                continue
            if sheet_xml is not None:
                data = sheet_xml
            with target.open(info.filename, "w", force_zip64=True) as member:
                head, tail = data.split(b"<sheetData>", 1)
                member.write(head)
                chunk = b" " * (1 << 20)
                for _ in range(padding >> 20):  # whitespace between elements is valid XML
                    member.write(chunk)
                member.write(b"<sheetData>" + tail)
    return out.getvalue()


def test_a_19_mb_csv_of_828000_rows_is_refused_before_it_is_read(not_read) -> None:
    content = b"area,indicator,month,value\n" + b"Barnet,tno,2017-01,123\n" * 828_000
    assert 18 * 2**20 < len(content) < 20 * 2**20
    page = upload(_client(), "big.csv", content)
    assert page.status_code == 200
    assert "828,000 rows" in page.context["error"] and "500,000" in page.context["error"]
    assert not ImportJob.objects.exists()


def test_an_xlsx_that_unpacks_to_234_mb_is_refused_before_it_is_opened(not_read) -> None:
    content = xlsx_with_sheet(padding=234 * 2**20)
    assert len(content) < 2**20  # under a megabyte on the wire
    page = upload(_client(), "bomb.xlsx", content)
    assert page.status_code == 200
    assert "unpacks to 234 MB" in page.context["error"]
    assert "100 MB" in page.context["error"]
    assert not ImportJob.objects.exists()


def test_an_xlsx_with_more_rows_than_the_limit_is_refused_whatever_its_dimension_says(
    not_read,
) -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Barnet</t></is></c></row>' % (i, i)
        for i in range(1, 600_002)
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:D2"/><sheetData>' + rows + b"</sheetData></worksheet>"
    )
    page = upload(_client(), "tall.xlsx", xlsx_with_sheet(sheet))
    assert page.status_code == 200
    assert "600,000 rows" in page.context["error"] and "500,000" in page.context["error"]


def test_a_file_over_20_mb_is_refused_with_a_message(not_read) -> None:
    page = upload(_client(), "huge.csv", b"area,indicator,month,value\n" + b"x" * (20 * 2**20))
    assert "larger than 20 MB" in page.context["error"]


def test_a_small_file_is_previewed_in_the_request_and_kept_in_file_storage() -> None:
    client = _client()
    page = upload(client, "barnet.csv", b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n")
    assert page.status_code == 200 and b"Check before storing" in page.content
    job = ImportJob.objects.get()
    assert job.status == "checked" and job.rows == 1
    assert job.file.name.startswith("imports/") and "barnet" not in job.file.name  # random name
    assert default_storage.exists(job.file.name)
    assert not MonthValue.objects.filter(area__name="Barnet").exists()


def test_a_confirmation_works_on_any_worker_because_the_upload_is_not_in_a_cache(settings) -> None:
    # Each gunicorn worker had its own memory cache: another worker never saw the upload.
    # A cache that remembers nothing shows the same thing in one process.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = _client()
    page = upload(client, "barnet.csv", b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n")
    job = page.context["job"]
    stored = client.post("/imports/", {"action": "confirm", "job": job.pk}, follow=True)
    assert b"expired" not in stored.content
    assert MonthValue.objects.get(area__name="Barnet", indicator__code="tno").value == 2345
    job.refresh_from_db()
    assert job.status == "done"
    assert not job.file and not default_storage.exists(f"imports/{job.pk}")  # deleted when done


def test_a_second_confirmation_stores_nothing_more() -> None:
    client = _client()
    page = upload(client, "barnet.csv", b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n")
    job = page.context["job"]
    assert client.post("/imports/", {"action": "confirm", "job": job.pk}).status_code == 302
    again = client.post("/imports/", {"action": "confirm", "job": job.pk}, follow=True)
    assert b"already stored" in again.content
    assert MonthValue.objects.filter(area__name="Barnet", indicator__code="tno").count() == 1


def test_the_preview_of_a_file_over_5000_rows_runs_in_a_task_then_confirm_stores_it(
    eager, django_capture_on_commit_callbacks
) -> None:
    client = _client()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(client, "big.csv", borough_rows(6_000))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert len(queued) == 1  # the preview task
    job.refresh_from_db()
    assert (job.status, job.rows, job.progress) == ("checked", 6000, 100)
    page = client.get(f"/imports/{job.pk}/")
    assert b"Check before storing" in page.content
    assert b"6000 row(s) checked (nothing stored yet): 6000 new" in page.content
    new_cell = b'<td class="govuk-table__cell">new</td>'
    assert page.content.count(new_cell) == 500 and b"5500 more rows" in page.content
    assert b'name="action" value="confirm"' in page.content
    assert not MonthValue.objects.filter(indicator__code="tno", month__year=2000).exists()

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post("/imports/", {"action": "confirm", "job": job.pk})
    assert response["Location"] == f"/imports/{job.pk}/"  # the store is a task too
    assert len(queued) >= 1
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert not job.file
    assert (
        MonthValue.objects.filter(indicator__code="tno").exclude(area__code="E09000002").count()
        == 6_000
    )
    assert b"6000 row(s) stored" in client.get(f"/imports/{job.pk}/").content


def test_a_task_preview_of_10000_rows_names_the_one_bad_row_and_keeps_no_file(
    eager, django_capture_on_commit_callbacks
) -> None:
    content = borough_rows(10_000).replace(b",tno,2008-01,", b",tno,2008-01x,", 1)
    client = _client()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "big.csv", content)
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "refused" and not job.file
    assert len(job.errors) == 1 and "is not YYYY-MM" in job.errors[0]["message"]
    page = client.get(f"/imports/{job.pk}/")
    assert f'<td class="govuk-table__cell">{job.errors[0]["line"]}</td>'.encode() in page.content
    assert b'value="confirm"' not in page.content


def test_another_coordinator_cannot_see_or_confirm_an_upload() -> None:
    from csp.models import Partnership, Role

    client = _client()
    upload(client, "barnet.csv", b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n")
    job = ImportJob.objects.get()
    other = Partnership.objects.create(name="Bexley CSP", area=Area.objects.get(name="Bexley"))
    stranger = get_user_model().objects.create(username="bexley-coordinator")
    Role.objects.create(user=stranger, partnership=other, kind="coordinator")
    intruder = Client()
    intruder.force_login(stranger)
    assert intruder.get(f"/imports/{job.pk}/").status_code == 404
    refused = intruder.post("/imports/", {"action": "confirm", "job": job.pk}, follow=True)
    assert b"expired" in refused.content
    job.refresh_from_db()
    assert job.status == "checked"
    assert not MonthValue.objects.filter(area__name="Barnet", month="2017-01-01").exists()


def test_a_few_rows_that_unpack_to_much_are_checked_by_a_task_too(
    eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(_client(), "padded.xlsx", xlsx_with_sheet(padding=6 * 2**20))
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert (job.background, job.status, job.rows) == (True, "checked", 1)
