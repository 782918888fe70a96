"""The published-pack notice: an e-mail to the partnership's board members when a version is
published, with the summary's counts of ratings and a link to the pack.

Queued by ``publish.round_publish`` once its transaction has committed (``pack_notice_queue``):
the version is published whatever happens to the e-mail. A mail outage is logged, never raised
into the publish.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.urls import reverse

from csp.mail import templated_message
from csp.models import Role, RoleKind
from indicators.engine.formatting import month_label
from submissions.models import PackVersion
from submissions.packs.pages import rag_counts, summary_rows
from submissions.packs.schema import snapshot_read

logger = logging.getLogger(__name__)


def board_addresses(partnership_id: int) -> list[str]:
    """The e-mail addresses of the partnership's board members (active accounts with one)."""
    ids = Role.objects.filter(
        partnership_id=partnership_id, kind=RoleKind.BOARD_MEMBER
    ).values("user_id")
    return sorted(
        set(
            get_user_model()
            .objects.filter(id__in=ids, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def pack_notice_send(*, version_id: int) -> int:
    """E-mail each board member of the version's partnership (one message each, so nobody sees
    the others' addresses); the number of messages sent."""
    version = PackVersion.objects.select_related("round__partnership__area").get(pk=version_id)
    round_ = version.round
    partnership = round_.partnership
    to = board_addresses(partnership.id)
    if not to:
        return 0
    snapshot = snapshot_read(version.snapshot, version.schema_version)
    rows = summary_rows(snapshot)
    month = month_label(round_.month)
    link = (
        settings.SITE_URL
        + reverse("packs:summary", args=[partnership.area.code, round_.month.strftime("%Y-%m")])
        + f"?version={version.number}"
    )
    context = {
        "partnership": partnership.name,
        "month": month,
        "version": version.number,
        "previous": version.number - 1,
        "change_note": version.change_note,
        "counts": rag_counts(rows),
        "total": len(rows),
        "link": link,
    }
    subject = f"CSP Performance: the {month} board pack is published (version {version.number})"
    messages = [
        templated_message(name="pack_published", subject=subject, context=context, to=[address])
        for address in to
    ]
    return get_connection().send_messages(messages) or 0


# Listed in ``submissions.tasks`` for Celery's autodiscovery; its name never changes.
@shared_task(name="submissions.send_pack_notice")
def send_pack_notice(*, version_id: int) -> int:
    try:
        return pack_notice_send(version_id=version_id)
    except Exception:  # the pack is published: a failed notice is logged, not raised
        logger.exception("Could not e-mail the board about pack version %s", version_id)
        return 0


def pack_notice_queue(version_id: int) -> None:
    """Queue the notice (call after the publish commits). A broker that is down loses the
    notice, not the publish: it is logged."""
    try:
        send_pack_notice.delay(version_id=version_id)
    except Exception:
        logger.exception("Could not queue the board's e-mail about pack version %s", version_id)
