"""Adoptions (ADR 0015), step 2 of 3: every indicator adopted by every partnership, nothing lost.

An install has one partnership (the demo's Barking and Dagenham) until now: its adoptions get the
indicator's owner, portfolio, pack order, suppression threshold and texts, and the indicator's
targets, target history and history entries move onto them. Targets used to rate every area, so
if there are more partnerships each gets a copy of the targets and history; its owner is its own
agency with the same code as the indicator's owner, if it has one.

Undoing it puts the first partnership's adoption back on the indicator.
"""

from django.db import migrations

LOCAL_TEXTS = ("what_good_looks_like", "why_important", "issues_to_consider")
TARGET_FIELDS = (
    "financial_year",
    "category_id",
    "kind",
    "value",
    "lower",
    "upper",
    "volume",
    "tolerance",
    "text",
)


def adopt_everything(apps, schema_editor):
    Partnership = apps.get_model("csp", "Partnership")
    Agency = apps.get_model("csp", "Agency")
    Indicator = apps.get_model("indicators", "Indicator")
    Adoption = apps.get_model("indicators", "Adoption")
    Target = apps.get_model("indicators", "Target")
    HistoricalTarget = apps.get_model("indicators", "HistoricalTarget")
    HistoryEntry = apps.get_model("indicators", "HistoryEntry")

    partnerships = list(Partnership.objects.order_by("id").values_list("id", flat=True))
    if not partnerships:
        if Target.objects.exists():
            raise RuntimeError(
                "Targets now belong to a partnership's adoption of an indicator, and this "
                "install has targets but no partnership: create the partnership first."
            )
        return
    agencies = {(a.partnership_id, a.code): a.id for a in Agency.objects.all()}
    for ind in Indicator.objects.select_related("owner").order_by("id"):
        home = ind.owner.partnership_id if ind.owner_id else partnerships[0]
        ordered = [home] + [p for p in partnerships if p != home]
        adoptions = {}
        for p in ordered:
            owner = None
            if ind.owner_id:
                owner = ind.owner_id if p == home else agencies.get((p, ind.owner.code))
            adoptions[p] = Adoption.objects.create(
                partnership_id=p,
                indicator_id=ind.id,
                owner_id=owner,
                portfolio_id=ind.portfolio_id,
                pack_order=ind.pack_order,
                suppression_threshold=ind.suppression_threshold,
                **{name: getattr(ind, name) for name in LOCAL_TEXTS},
            )
        primary = adoptions[home]
        Target.objects.filter(indicator_id=ind.id).update(adoption_id=primary.id)
        HistoricalTarget.objects.filter(indicator_id=ind.id).update(adoption_id=primary.id)
        HistoryEntry.objects.filter(indicator_id=ind.id, adoption__isnull=True).update(
            adoption_id=primary.id
        )
        targets = list(Target.objects.filter(adoption_id=primary.id))
        history = list(HistoryEntry.objects.filter(adoption_id=primary.id))
        for p in ordered[1:]:
            Target.objects.bulk_create(
                Target(
                    indicator_id=ind.id,
                    adoption_id=adoptions[p].id,
                    **{f: getattr(t, f) for f in TARGET_FIELDS},
                )
                for t in targets
            )
            HistoryEntry.objects.bulk_create(
                HistoryEntry(
                    indicator_id=ind.id,
                    adoption_id=adoptions[p].id,
                    year_label=h.year_label,
                    text=h.text,
                    order=h.order,
                )
                for h in history
            )


def put_back_on_the_indicator(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Adoption = apps.get_model("indicators", "Adoption")
    Target = apps.get_model("indicators", "Target")
    HistoricalTarget = apps.get_model("indicators", "HistoricalTarget")
    HistoryEntry = apps.get_model("indicators", "HistoryEntry")

    for ind in Indicator.objects.order_by("id"):
        adoptions = list(Adoption.objects.filter(indicator_id=ind.id).order_by("partnership_id"))
        if not adoptions:
            continue
        first = adoptions[0]
        ind.owner_id = first.owner_id
        ind.portfolio_id = first.portfolio_id
        ind.pack_order = first.pack_order
        ind.suppression_threshold = first.suppression_threshold
        for name in LOCAL_TEXTS:
            setattr(ind, name, getattr(first, name) or getattr(ind, name))
        ind.save()
        others = [a.id for a in adoptions[1:]]
        Target.objects.filter(adoption_id__in=others).delete()
        HistoryEntry.objects.filter(adoption_id__in=others).delete()
        Target.objects.filter(adoption_id=first.id).update(indicator_id=ind.id, adoption_id=None)
        HistoricalTarget.objects.filter(adoption_id=first.id).update(indicator_id=ind.id)
        HistoryEntry.objects.filter(adoption_id=first.id).update(adoption_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("csp", "0002_heartbeat"),
        ("indicators", "0003_adoption"),
    ]

    operations = [migrations.RunPython(adopt_everything, put_back_on_the_indicator)]
