"""The regional reader and the regional comparison (issue 11, item 3; ADR 0017).

London (the MET comparator group) holds Barking and Dagenham (the demo) and Barnet, set up with
``partnership_setup`` and given test figures for Total Notifiable Offences (TNO). Expected
figures: B&D from the seed pack (December 2016: 1,386 in the month, 13,207 year to date, +1%,
87.07 per 1,000 residents, ranked 21 of 32 in the MET and 10 of 15 in its MSG, Red); Barnet by
hand (``BARNET_*`` below).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csp.models import (
    Partnership,
    Population,
    PopulationSeries,
    Region,
    RegionalReader,
)
from indicators.models import Adoption, Indicator, MonthValue
from indicators.partnerships import partnership_setup
from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import ReportingRound, Submission
from submissions.packs import publish
from submissions.spreadsheet import unneutralise

pytestmark = pytest.mark.django_db
DEC, JAN = dt.date(2016, 12, 1), dt.date(2017, 1, 1)
APR_2016 = dt.date(2016, 4, 1)
NOW = dt.datetime(2017, 1, 20, 9, 0, tzinfo=dt.UTC)
BARNET_EMAIL = "barnet.coordinator@example.org"
URL = "/packs/region/london/tno/2016-12/"

# Barnet's TNO: 2,000 a month from April 2015 to March 2016, 2,100 a month from April to
# November 2016, and 2,250 entered for December 2016; 380,000 residents.
#   year to date Apr-Dec 2016: 8 x 2,100 + 2,250 = 19,050; Apr-Dec 2015: 9 x 2,000 = 18,000
#   change: 1,050 / 18,000 = +5.8%, printed "+6%"
#   rolling 12 months Jan-Dec 2016: 3 x 2,000 + 19,050 = 25,050
#   rate: 25,050 / 380,000 x 1,000 = 65.92 per 1,000 residents
#   rating: the target is a reduction on last year and the year to date is up: Red
BARNET_ROW = ["2,250", "19,050", "+6%", "65.92 per 1,000 residents"]
BD_ROW = ["1,386", "13,207", "+1%", "87.07 per 1,000 residents"]


def _user(name: str):
    return get_user_model().objects.get(username=name)


def _months(start: dt.date, end: dt.date):
    month = start
    while month <= end:
        yield month
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _barnet_round(month: dt.date, tno: int) -> ReportingRound:
    """Barnet's round for the month: TNO entered, everything else not available, all approved."""
    barnet = Partnership.objects.get(area__code="E09000003")
    coordinator = _user(BARNET_EMAIL)
    round_ = services.round_create(
        partnership_id=barnet.id, month=month, deadline=month, user=coordinator, now=NOW
    )
    for sub in Submission.objects.filter(round=round_).select_related("indicator"):
        entry = (
            Entry(value=tno, confirm_note="Checked with the police")
            if sub.indicator.code == "tno"
            else Entry(entry_status="not_available", reason="Not supplied")
        )
        services.submission_save(
            submission_id=sub.pk,
            user=coordinator,
            entry=entry,
            expected_version=sub.version,
            submit=True,
            now=NOW,
        )
    services.submissions_bulk_approve(
        submission_ids=list(round_.submissions.values_list("id", flat=True)),
        user=coordinator,
        now=NOW,
    )
    return round_


@pytest.fixture
def london() -> Region:
    partnership_setup(
        area_code="E09000003",
        name="Barnet Community Safety Partnership",
        coordinator_email=BARNET_EMAIL,
        indicators_from="E09000002",
    )
    barnet = Partnership.objects.get(area__code="E09000003")
    tno = Indicator.objects.get(code="tno")
    MonthValue.objects.bulk_create(
        MonthValue(indicator=tno, area=barnet.area, month=m, value=2000 if m < APR_2016 else 2100)
        for m in _months(dt.date(2015, 4, 1), dt.date(2016, 11, 1))
    )
    Population.objects.create(
        area=barnet.area,
        series=PopulationSeries.objects.get(code="residents-mye"),
        value=380_000,
        in_force_from=dt.date(2015, 1, 1),
    )
    publish.round_publish(
        round_id=_barnet_round(DEC, 2250).pk, user=_user(BARNET_EMAIL), change_note="", now=NOW
    )
    _barnet_round(JAN, 9999)  # approved, not published: a round in progress
    return Region.objects.get(code="london")  # the demo's, read by "mopac" (MET boroughs)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(_user(username))
    return client


def _table(html: str) -> dict[str, list[str]]:
    """The comparison table as text: partnership -> its cells, in the page's order."""
    from html.parser import HTMLParser

    rows: dict[str, list[str]] = {}

    class Parser(HTMLParser):
        row: list[str] | None = None
        cell: list[str] | None = None
        inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "table" and ("id", "region-table") in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.row = []
            elif self.inside and tag in {"td", "th"} and self.row is not None:
                self.cell = []

        def handle_endtag(self, tag):
            if tag in {"td", "th"} and self.cell is not None and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row:
                rows[self.row[0]] = self.row[1:]
                self.row = None
            elif tag == "table":
                self.inside = False

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    Parser().feed(html)
    return rows


BD = "Barking and Dagenham Community Safety Partnership"
BARNET = "Barnet Community Safety Partnership"


def test_the_regional_reader_compares_both_published_packs(
    london, django_assert_max_num_queries
) -> None:
    client = _client("mopac")
    client.get("/packs/region/")  # the session, warmed
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert response.status_code == 200
    table = _table(response.content.decode())
    assert list(table) == ["Partnership", BD, BARNET]  # by name
    assert table[BD][:4] == [BD_ROW[0], BD_ROW[1], BD_ROW[2] + " (YTD)", BD_ROW[3]]
    assert table[BD][4:] == ["MET 21 of 32; MSG 10 of 15", "Red"]
    assert table[BARNET][:4] == [*BARNET_ROW[:2], BARNET_ROW[2] + " (YTD)", BARNET_ROW[3]]
    assert table[BARNET][5] == "Red"
    # The reader opens both partnerships' published packs.
    assert client.get("/packs/E09000003/2016-12/tno/").status_code == 200
    assert client.get("/packs/E09000002/2016-12/").status_code == 200
    chart = json.loads(
        response.content.decode()
        .split('id="region-chart-data" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert chart["labels"] == [BD, BARNET]
    assert [round(v, 2) for v in chart["datasets"][0]["data"]] == [87.07, 65.92]


def test_columns_sort_on_the_server_with_aria_sort(london) -> None:
    client = _client("mopac")
    by_ytd = client.get(URL + "?sort=ytd&order=desc")
    assert list(_table(by_ytd.content.decode()))[1:] == [BARNET, BD]  # 19,050 before 13,207
    html = by_ytd.content.decode()
    assert '<th scope="col" class="govuk-table__header" aria-sort="descending">' in html
    assert 'href="?sort=ytd&amp;order=asc"' in html  # a second click reverses it
    by_rate = client.get(URL + "?sort=rate")
    assert list(_table(by_rate.content.decode()))[1:] == [BARNET, BD]  # 65.92 before 87.07


def test_the_csv_holds_the_figures_of_the_page(london) -> None:
    client = _client("mopac")
    page = _table(client.get(URL).content.decode())
    response = client.get(URL + "export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Partnership", "Area code", "Pack version"]
    got = {r[0]: [unneutralise(c) for c in r[3:]] for r in rows[1:]}
    assert got[BARNET][:4] == BARNET_ROW and got[BD][:4] == BD_ROW
    for name in (BD, BARNET):
        shown = page[name]
        assert got[name] == [shown[0], shown[1], shown[2].rsplit(" (", 1)[0], *shown[3:]]


def test_nothing_unpublished_reaches_the_regional_reader(london) -> None:
    client = _client("mopac")
    january = client.get("/packs/region/london/tno/2017-01/")
    table = _table(january.content.decode())
    assert table[BARNET] == ["No published pack for January 2017"]
    assert table[BD] == ["No published pack for January 2017"]
    assert b"9,999" not in january.content and b"9999" not in january.content
    assert b"9,999" not in client.get(URL).content
    barnet_january = ReportingRound.objects.get(partnership__area__code="E09000003", month=JAN)
    sub = barnet_january.submissions.first()
    for path in (
        "/packs/E09000003/2017-01/",
        f"/rounds/{barnet_january.pk}/",
        f"/rounds/{barnet_january.pk}/audit/",
        f"/submissions/{sub.pk}/",
    ):
        assert client.get(path).status_code in {403, 404}, path
    for path in (
        "/api/month-values/",
        "/api/derived-metrics/",
        "/api/submissions/",
        "/api/rounds/",
    ):
        response = client.get(path)
        assert response.status_code in {403, 404} or b"9999" not in response.content, path
        if response.status_code == 200:
            assert response.json()["count"] == 0, path
    assert client.get("/review/").status_code in {302, 403, 404}


def test_a_coordinator_without_the_regional_role_cannot_open_the_comparison(london) -> None:
    client = _client("coordinator")  # Barking and Dagenham's
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.csv").status_code == 404
    assert b"London" not in client.get("/packs/region/").content
    # Their own pack, as before; Barnet's is not theirs to read.
    assert client.get("/packs/E09000002/2016-12/").status_code == 200
    assert client.get("/packs/E09000003/2016-12/").status_code == 404


def test_the_index_lists_the_regions_read_and_their_published_months(london) -> None:
    response = _client("mopac").get("/packs/region/")
    html = response.content.decode()
    assert "London" in html and "2 partnerships" in html
    assert 'href="/packs/region/london/tno/2016-12/"' in html
    assert 'href="/packs/region/london/tno/2017-01/"' not in html  # nothing published yet
    assert RegionalReader.objects.filter(region=london).count() == 1


def test_a_region_of_named_partnerships_reads_those_and_no_other(london) -> None:
    from csp import permissions

    barnet = Partnership.objects.get(area__code="E09000003")
    north = Region.objects.create(code="north", name="North London")  # no comparator group
    north.partnerships.add(barnet)
    reader = get_user_model().objects.create_user("north-reader")
    RegionalReader.objects.create(user=reader, region=north)
    assert permissions.regional_partnerships(reader) == {barnet.id}
    assert permissions.can_view_published_pack(reader, barnet.id)
    assert not permissions.can_view_region(reader, london.id)
    client = Client()
    client.force_login(reader)
    assert client.get("/packs/E09000003/2016-12/").status_code == 200
    assert client.get("/packs/E09000002/2016-12/").status_code == 404
    assert client.get(URL).status_code == 404  # London is not theirs
    table = _table(client.get("/packs/region/north/tno/2016-12/").content.decode())
    assert list(table) == ["Partnership", BARNET]
    assert b"E09000003/2016-12" in client.get("/packs/").content
    assert b"E09000002/2016-12" not in client.get("/packs/").content
    assert client.get("/api/packs/").json()["count"] == 1  # Barnet's December 2016


def test_the_regional_reader_reads_published_packs_through_the_api(london) -> None:
    packs = _client("mopac").get("/api/packs/").json()
    assert packs["count"] == 2  # December 2016: Barking and Dagenham's and Barnet's


def test_a_published_versions_rows_are_read_from_its_snapshot_once(london) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client("mopac")
    first = client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL + "?sort=rate")
    assert not [q["sql"] for q in queries if '"snapshot"' in q["sql"]]
    assert _table(again.content.decode())[BARNET] == _table(first.content.decode())[BARNET]


def test_a_published_pack_without_the_indicator_says_so(db) -> None:
    """Barnet adopts every indicator but TNO and publishes December 2016: its row names the
    pack it has, instead of claiming it has none (issue 11's bug)."""
    partnership_setup(
        area_code="E09000003",
        name=BARNET,
        coordinator_email=BARNET_EMAIL,
        indicators_from="E09000002",
    )
    Adoption.objects.filter(partnership__area__code="E09000003", indicator__code="tno").delete()
    publish.round_publish(
        round_id=_barnet_round(DEC, 0).pk, user=_user(BARNET_EMAIL), change_note="", now=NOW
    )
    client = _client("mopac")
    table = _table(client.get(URL).content.decode())
    assert table[BARNET] == [
        "Its published pack for December 2016 (version 1) does not include this indicator"
    ]
    assert table[BD][:2] == BD_ROW[:2]  # the seed pack's figures, as before
    rows = list(csv.reader(io.StringIO(client.get(URL + "export.csv").content.decode("utf-8-sig"))))
    barnet = next(r for r in rows if r[0] == BARNET)
    assert barnet[2:4] == [
        "1",
        "Its published pack for December 2016 (version 1) does not include this indicator",
    ]
    # January: nothing published by either, as before.
    january = _table(client.get("/packs/region/london/tno/2017-01/").content.decode())
    assert january[BARNET] == ["No published pack for January 2017"]
