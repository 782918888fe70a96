"""Adoptions (ADR 0015), step 2 of 3: each submission (and its audit rows) gets the adoption of
its indicator by its round's partnership; 0004 of indicators made one for every pair. One
update per adoption, not per submission."""

from django.db import migrations


def fill(apps, schema_editor):
    Adoption = apps.get_model("indicators", "Adoption")
    ReportingRound = apps.get_model("submissions", "ReportingRound")
    Submission = apps.get_model("submissions", "Submission")
    HistoricalSubmission = apps.get_model("submissions", "HistoricalSubmission")

    rounds: dict[int, list[int]] = {}
    for round_id, partnership_id in ReportingRound.objects.values_list("id", "partnership_id"):
        rounds.setdefault(partnership_id, []).append(round_id)
    for adoption_id, partnership_id, indicator_id in Adoption.objects.values_list(
        "id", "partnership_id", "indicator_id"
    ):
        ids = rounds.get(partnership_id, [])
        if not ids:
            continue
        Submission.objects.filter(round_id__in=ids, indicator_id=indicator_id).update(
            adoption_id=adoption_id
        )
        HistoricalSubmission.objects.filter(round_id__in=ids, indicator_id=indicator_id).update(
            adoption_id=adoption_id
        )
    missing = Submission.objects.filter(adoption__isnull=True).count()
    if missing:
        raise RuntimeError(f"{missing} submission(s) have no adoption to name.")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_adoption_data"),
        ("submissions", "0009_submission_adoption"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
