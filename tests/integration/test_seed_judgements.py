"""The seed's own judgements (issue 13, item 3): where the December 2016 pack's coordinator
rated an indicator by judgement that no rule derives, the demo holds the rating as an override
quoting the seed page; where the rating contradicts the page's data (IDAP Green, every month
"TBC"), the same rule the service applies refuses it and the pack says why.

Expected ratings are the seed's printed ones (``rag_printed``, checked against the seed text);
the quotes must occur verbatim in the seed pack."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client

from submissions.cycle import services
from submissions.cycle.errors import CycleError
from submissions.models import PackVersion, Submission
from tests.integration.cycle_helpers import NOW, jan, user
from tests.integration.test_metrics_seed import PAGES

pytestmark = pytest.mark.django_db
SEED = Path("/work/shared/seed/board-pack-2016-12.txt")
DEC = dt.date(2016, 12, 1)

# code: (the seed's printed rating, what the December 2016 pack holds after the rule)
# Held: the page has a figure to judge (the month's, or hate crime's September rolling count,
# ASB satisfaction's July survey). Refused: both IDAP pages print "TBC" or "Data collected
# quarterly" for every month April to December, so there is nothing to rate Green; re-offending
# (all cohorts) prints no figure at all. MARAC (25% against a 28-40% range: the rule gives Red,
# the seed's Amber rests on a rounded rate) and custody (1.14 against London's 0.66, no figure of
# a year earlier) are judged against figures the pack holds, so they stand.
EXPECTED = {
    "marac-repeat-referrals": ("A", "A"),
    "youth-custody": ("R", "R"),
    "reoffending-all": ("G", None),
    "idap-on-programme": ("G", None),
    "idap-completions": ("G", None),
    "asb-calls": ("R", "R"),
    "asb-satisfaction": ("G", "G"),
    "atr-completions": ("G", "G"),
    "drr-completions": ("R", "R"),
    "vs-homes-secured": ("A", "A"),
    "vs-referrals": ("A", "A"),
    "vs-re-referrals": ("G", "G"),
    "vehicle-arson": ("R", "R"),
    "hate-crime": ("A", "A"),
}


def _snapshot_pages() -> dict[str, dict]:
    version = PackVersion.objects.get(round__month=DEC, number=1)
    return {p["code"]: p for p in version.snapshot["indicators"]}


def test_the_judged_pages_are_exactly_those_with_a_quote_and_the_quotes_are_the_seeds() -> None:
    judged = {p["code"]: p for p in PAGES if p.get("rag_judgement")}
    assert set(judged) == set(EXPECTED)
    if SEED.exists():  # the oracle, where this checkout can see it
        seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
        for code, page in judged.items():
            assert page["rag_judgement"] in seed, code
    for code, (printed, _) in EXPECTED.items():
        assert judged[code]["rag_printed"] == printed, code


def test_the_pack_holds_the_seeds_judgements_beside_the_computed_rating() -> None:
    pages = _snapshot_pages()
    for code, (printed, held) in EXPECTED.items():
        page = pages[code]
        assert page["rag_effective"] == held, code
        assert page["rag"] is None, code  # no rule derives the seed's rating
        if held:
            assert page["rag_override"] == printed, code
            quote = next(p["rag_judgement"] for p in PAGES if p["code"] == code)
            assert page["rag_override_justification"] == quote, code
        else:
            assert page["rag_override"] == "None", code
            assert page["rag_override_justification"] == (
                "The 2016 pack rated this Green, but there are no figures: not rated."
            )


def test_the_refusal_is_in_the_submissions_history() -> None:
    sub = Submission.objects.get(round__month=DEC, indicator__code="idap-completions")
    reasons = list(sub.history.values_list("history_change_reason", flat=True))
    assert any(
        r and r.startswith("override to G refused: A rating of Green needs a figure")
        for r in reasons
    ), reasons


def test_the_pages_show_the_held_rating_with_the_computed_one(client: Client) -> None:
    client.force_login(user("board"))
    summary = client.get("/packs/E09000002/2016-12/").content.decode()
    assert (
        "Amber (coordinator&#x27;s judgement: ‘September 2016 (373) compared to the previous year "
        "September 2015 (396) B&amp;D shows an -5.8% decrease (Down 23 offences).’); computed: "
        "Not rated — Monitoring only: not rated"
    ) in summary
    page = client.get("/packs/E09000002/2016-12/idap-on-programme/").content.decode()
    assert (
        "Not rated (coordinator&#x27;s note: ‘The 2016 pack rated this Green, but there are no "
        "figures: not rated.’); computed: Not rated"
    ) in page


def test_the_service_refuses_a_rating_with_nothing_to_judge_and_keeps_nothing() -> None:
    sub = jan("idap-completions")  # January 2017: open; no IDAP figure since April 2016
    with pytest.raises(CycleError, match="needs a figure to judge"):
        services.submission_override_rag(
            submission_id=sub.pk, user=user("coordinator"), rag="G", justification="x", now=NOW
        )
    sub.refresh_from_db()
    assert sub.rag_override == ""
    # "None" (rated as not rated) needs no figure.
    services.submission_override_rag(
        submission_id=sub.pk, user=user("coordinator"), rag="None", justification="y", now=NOW
    )
    # Hate crime's latest figure (September 2016) is within twelve months of January 2017.
    hate = jan("hate-crime")
    services.submission_override_rag(
        submission_id=hate.pk, user=user("coordinator"), rag="A", justification="z", now=NOW
    )
    hate.refresh_from_db()
    assert hate.rag_override == "A"
