"""Adoptions (ADR 0015), step 3 of 3: the owner, pack place and threshold leave the catalogue,
targets belong to an adoption only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_adoption_data"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="historyentry",
            options={
                "ordering": ["indicator", "adoption", "order"],
                "verbose_name_plural": "history entries",
            },
        ),
        migrations.AlterModelOptions(
            name="indicator",
            options={"ordering": ["code"]},
        ),
        migrations.AlterModelOptions(
            name="target",
            options={"ordering": ["adoption", "financial_year"]},
        ),
        migrations.RemoveField(model_name="historicaltarget", name="indicator"),
        migrations.RemoveField(model_name="target", name="indicator"),
        migrations.RemoveField(model_name="indicator", name="owner"),
        migrations.RemoveField(model_name="indicator", name="pack_order"),
        migrations.RemoveField(model_name="indicator", name="portfolio"),
        migrations.RemoveField(model_name="indicator", name="suppression_threshold"),
        migrations.AlterField(
            model_name="target",
            name="adoption",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="targets",
                to="indicators.adoption",
            ),
        ),
    ]
