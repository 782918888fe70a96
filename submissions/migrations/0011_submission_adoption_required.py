"""Adoptions (ADR 0015), step 3 of 3: every submission names its adoption, and lists in the
partnership's pack order."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0010_submission_adoption_data"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="submission",
            options={"ordering": ["round", "adoption__pack_order"]},
        ),
        migrations.AlterField(
            model_name="submission",
            name="adoption",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="indicators.adoption",
            ),
        ),
    ]
