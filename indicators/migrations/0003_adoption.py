"""Adoptions (ADR 0015), step 1 of 3: the new table and the new columns, all nullable.

Step 2 (0004) adopts every indicator for every partnership with today's owner, pack place,
texts, threshold, targets and history; step 3 (0005) removes what moved off the catalogue.
Targets are unique per adoption from here on. The columns that go in step 3 are made nullable, so that undoing step 3 can add them back
before step 2's undoing fills them.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("csp", "0002_heartbeat"),
        ("indicators", "0002_derived_store"),
    ]

    operations = [
        migrations.CreateModel(
            name="Adoption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pack_order", models.PositiveSmallIntegerField()),
                (
                    "suppression_threshold",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Counts under this are shown as '<N', never as 0.",
                        null=True,
                    ),
                ),
                (
                    "tolerance",
                    models.DecimalField(
                        blank=True,
                        decimal_places=3,
                        help_text="Amber band in % for this partnership's targets that give "
                        "none (default 10).",
                        max_digits=6,
                        null=True,
                    ),
                ),
                (
                    "what_good_looks_like",
                    models.TextField(blank=True, help_text="Blank: the catalogue's."),
                ),
                ("why_important", models.TextField(blank=True, help_text="Blank: the catalogue's.")),
                (
                    "issues_to_consider",
                    models.TextField(blank=True, help_text="Blank: the catalogue's."),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="adoptions",
                        to="indicators.indicator",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adoptions",
                        to="csp.agency",
                    ),
                ),
                (
                    "partnership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="adoptions",
                        to="csp.partnership",
                    ),
                ),
                (
                    "portfolio",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adoptions",
                        to="indicators.portfolio",
                    ),
                ),
            ],
            options={
                "ordering": ["partnership", "pack_order", "indicator__code"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("partnership", "indicator"), name="one_adoption_per_partnership"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("tolerance__isnull", True), ("tolerance__gte", 0), _connector="OR"
                        ),
                        name="adoption_tolerance_not_negative",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="target",
            name="adoption",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="targets",
                to="indicators.adoption",
            ),
        ),
        migrations.AddField(
            model_name="historicaltarget",
            name="adoption",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.adoption",
            ),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="adoption",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="history",
                to="indicators.adoption",
            ),
        ),
        # A partnership's targets are unique per adoption, no longer per indicator.
        migrations.RemoveConstraint(
            model_name="target",
            name="one_target_per_indicator_year",
        ),
        migrations.RemoveConstraint(
            model_name="target",
            name="one_target_per_indicator_year_category",
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("category__isnull", True)),
                fields=("adoption", "financial_year"),
                name="one_target_per_adoption_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("category__isnull", False)),
                fields=("adoption", "financial_year", "category"),
                name="one_target_per_adoption_year_category",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="targets",
                to="indicators.indicator",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="pack_order",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="portfolio",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="indicators.portfolio",
            ),
        ),
    ]
