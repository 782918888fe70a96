"""The adoption migrations (ADR 0015) move an install's indicators onto adoptions without loss,
and can be undone. They run on a database of their own (``tests.migration_scripts``), never on
the test database."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.migration_scripts import migration_script_run

SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    BEFORE = [("indicators", "0002_derived_store"),
              ("submissions", "0007_import_uploads_in_file_storage")]
    call_command("migrate", "submissions", "0007", verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    M = lambda app, name: old.get_model(app, name).objects
    order = lambda rows: sorted(rows, key=lambda r: ["" if x is None else str(x) for x in r])

    # Barking and Dagenham (police, fire) runs the cycle; Barnet has a police agency only.
    bd_area = M("csp", "Area").create(code="E09000002", name="Barking and Dagenham")
    barnet_area = M("csp", "Area").create(code="E09000003", name="Barnet")
    bd = M("csp", "Partnership").create(name="B&D CSP", area=bd_area)
    barnet = M("csp", "Partnership").create(name="Barnet CSP", area=barnet_area)
    police = M("csp", "Agency").create(partnership=bd, code="police", name="B&D police")
    fire = M("csp", "Agency").create(partnership=bd, code="fire", name="B&D fire")
    M("csp", "Agency").create(partnership=barnet, code="police", name="Barnet police")
    crime = M("indicators", "Portfolio").create(name="Crime", order=1)
    safety = M("indicators", "Portfolio").create(name="Fire safety", order=2)
    tno = M("indicators", "Indicator").create(
        code="tno", title="TNO", portfolio=crime, owner=police, pack_order=1, kind="count",
        definition="All notifiable offences.", what_good_looks_like="A decrease.",
        why_important="Comparisons.", issues_to_consider="Reporting campaigns.")
    arson = M("indicators", "Indicator").create(
        code="arson", title="Arson", portfolio=safety, owner=fire, pack_order=2,
        kind="breakdown", suppression_threshold=10)
    M("indicators", "Indicator").create(
        code="idap", title="IDAP", portfolio=crime, owner=None, pack_order=3, kind="snapshot")
    whole = M("indicators", "IndicatorCategory").create(
        indicator=arson, code="all", label="All", order=1)
    reduce = M("indicators", "Target").create(
        indicator=tno, financial_year=2016, kind="reduce", value=-5, text="Reduction")
    M("indicators", "Target").create(
        indicator=arson, financial_year=2016, kind="ceiling", value=169, tolerance=5)
    M("indicators", "Target").create(
        indicator=arson, financial_year=2016, category=whole, kind="range", lower=1, upper=2)
    M("indicators", "HistoricalTarget").create(
        id=reduce.id, indicator_id=tno.id, financial_year=2016, kind="reduce", value=-5,
        text="Reduction", history_date=dt.datetime(2016, 4, 1, tzinfo=dt.UTC),
        history_type="+")
    M("indicators", "HistoryEntry").create(
        indicator=tno, year_label="2015/16", text="17,428 offences (+8%)", order=1)
    dec = M("submissions", "ReportingRound").create(
        partnership=bd, month=dt.date(2016, 12, 1), deadline=dt.date(2017, 1, 10))
    sub = M("submissions", "Submission").create(round=dec, indicator=tno, value=1386)
    M("submissions", "Submission").create(round=dec, indicator=arson)
    M("submissions", "HistoricalSubmission").create(
        id=sub.id, round_id=dec.id, indicator_id=tno.id, value=1386, version=1,
        status="draft", entry_status="reported",
        updated_at=dt.datetime(2017, 1, 2, tzinfo=dt.UTC),
        history_date=dt.datetime(2017, 1, 2, tzinfo=dt.UTC), history_type="~")

    call_command("migrate", verbosity=0)
    from indicators.models import Adoption, HistoryEntry, Indicator, Target
    from submissions.models import Submission
    HT = Target.history.model
    HS = Submission.history.model
    after = {
        "adoptions": order(
            [a.partnership.area.code, a.indicator.code, a.owner.name if a.owner else None,
             a.portfolio.name, a.pack_order, a.suppression_threshold,
             a.what_good_looks_like, a.why_important, a.issues_to_consider]
            for a in Adoption.objects.all()),
        "targets": order(
            [t.adoption.partnership.area.code, t.adoption.indicator.code, t.financial_year,
             t.category.code if t.category else None, t.kind, str(t.value), str(t.tolerance),
             str(t.lower), t.text]
            for t in Target.objects.all()),
        "history": order(
            [h.adoption.partnership.area.code, h.indicator.code, h.year_label, h.text]
            for h in HistoryEntry.objects.all()),
        "target_audit": [
            [h.adoption.partnership.area.code, h.adoption.indicator.code]
            for h in HT.objects.all()],
        "submissions": order(
            [s.indicator.code, s.adoption.indicator.code, s.adoption.partnership.area.code]
            for s in Submission.objects.all()),
        "submission_audit": [
            [h.adoption.indicator.code, h.adoption.partnership.area.code]
            for h in HS.objects.all()],
        "shared_texts": list(Indicator.objects.filter(code="tno").values_list(
            "definition", "what_good_looks_like")[0]),
    }

    call_command("migrate", "indicators", "0002", verbosity=0)
    back = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    B = lambda app, name: back.get_model(app, name).objects
    undone = {
        "indicators": order(
            [i.code, i.owner.name if i.owner else None, i.portfolio.name, i.pack_order,
             i.suppression_threshold, i.what_good_looks_like]
            for i in B("indicators", "Indicator").all()),
        "targets": order(
            [t.indicator.code, t.category_id is not None, t.kind]
            for t in B("indicators", "Target").all()),
        "history": [h.indicator.code for h in B("indicators", "HistoryEntry").all()],
        "target_audit": [h.indicator_id == tno.id for h in B("indicators", "HistoricalTarget")
                         .all()],
        "submissions": B("submissions", "Submission").count(),
    }
    print(json.dumps({"after": after, "undone": undone}))
    """
)


def test_every_indicator_is_adopted_by_every_partnership_without_loss_and_back(
    tmp_path: Path,
) -> None:
    out = migration_script_run(SCRIPT, tmp_path, name="adoption")
    after, undone = out["after"], out["undone"]
    texts = ["A decrease.", "Comparisons.", "Reporting campaigns."]
    # B&D keeps today's owner, portfolio, pack order, threshold and texts; Barnet adopts too,
    # owned by its own agency of the same code where it has one.
    assert after["adoptions"] == [
        ["E09000002", "arson", "B&D fire", "Fire safety", 2, 10, "", "", ""],
        ["E09000002", "idap", None, "Crime", 3, None, "", "", ""],
        ["E09000002", "tno", "B&D police", "Crime", 1, None, *texts],
        ["E09000003", "arson", None, "Fire safety", 2, 10, "", "", ""],
        ["E09000003", "idap", None, "Crime", 3, None, "", "", ""],
        ["E09000003", "tno", "Barnet police", "Crime", 1, None, *texts],
    ]
    # Targets rated every area before; each partnership keeps them (B&D's are the originals).
    targets = [
        ["arson", 2016, None, "ceiling", "169.000", "5.000", "None", ""],
        ["arson", 2016, "all", "range", "None", "None", "1.000", ""],
        ["tno", 2016, None, "reduce", "-5.000", "None", "None", "Reduction"],
    ]
    assert after["targets"] == [[area, *t] for area in ("E09000002", "E09000003") for t in targets]
    assert after["history"] == [
        ["E09000002", "tno", "2015/16", "17,428 offences (+8%)"],
        ["E09000003", "tno", "2015/16", "17,428 offences (+8%)"],
    ]
    assert after["target_audit"] == [["E09000002", "tno"]]
    assert after["submissions"] == [
        ["arson", "arson", "E09000002"],
        ["tno", "tno", "E09000002"],
    ]
    assert after["submission_audit"] == [["tno", "E09000002"]]
    assert after["shared_texts"] == ["All notifiable offences.", "A decrease."]
    # Undone: the first partnership's adoption is back on the indicator.
    assert undone["indicators"] == [
        ["arson", "B&D fire", "Fire safety", 2, 10, ""],
        ["idap", None, "Crime", 3, None, ""],
        ["tno", "B&D police", "Crime", 1, None, "A decrease."],
    ]
    assert undone["targets"] == [
        ["arson", False, "ceiling"],
        ["arson", True, "range"],
        ["tno", False, "reduce"],
    ]
    assert undone["history"] == ["tno"]
    assert undone["target_audit"] == [True]
    assert undone["submissions"] == 2
