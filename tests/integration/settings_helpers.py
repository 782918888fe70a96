"""What the settings service tests share (``test_settings_services``, ``test_settings_agencies``):
a user by name, the demo's Total Notifiable Offences adoption in Barking and Dagenham
(``conftest.bd``), and a target's preview against the December 2016 figures."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from indicators.models import Adoption
from indicators.settings.targets import Preview, TargetInput, target_preview
from tests.integration.conftest import bd

DEC_END = dt.date(2016, 12, 31)  # the latest figures up to then are December 2016's


def user_named(name: str):
    return get_user_model().objects.get(username=name)


def tno_adoption() -> Adoption:
    return Adoption.objects.select_related("indicator", "partnership").get(
        partnership=bd(), indicator__code="tno"
    )


def tno_preview(target: TargetInput) -> Preview:
    return target_preview(
        adoption=tno_adoption(), financial_year=2016, category_id=None, target=target,
        today=DEC_END,
    )  # fmt: skip
