"""Adoptions (ADR 0015): a submission names its round's partnership's adoption of its
indicator. Step 1 of 3: the nullable column (0010 fills it, 0011 requires it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_adoption"),
        ("submissions", "0008_pack_snapshot_schema_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsubmission",
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
            model_name="submission",
            name="adoption",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="indicators.adoption",
            ),
        ),
    ]
