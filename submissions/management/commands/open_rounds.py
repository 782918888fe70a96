"""Open every partnership's round for the month just ended (what beat runs on the 1st)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.engine.formatting import month_label
from indicators.engine.periods import add_months
from submissions.cycle.services import rounds_open_all


class Command(BaseCommand):
    help = (
        "Open the round for the month just ended in every partnership that has none (each in "
        "its own transaction; running it again opens nothing) and say what was done."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day it runs on, YYYY-MM-DD (default: today)")
        parser.add_argument("--deadline-day", type=int, default=10, help="of this month")

    def handle(self, *args, today=None, deadline_day=10, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today {today!r}: give a date as YYYY-MM-DD.") from exc
        if not 1 <= deadline_day <= 28:
            raise CommandError("--deadline-day must be between 1 and 28.")
        done = rounds_open_all(
            month=add_months(day.replace(day=1), -1), deadline=day.replace(day=deadline_day)
        )
        for round_ in done.opened:
            self.stdout.write(
                f"Opened {month_label(round_.month)} for {round_.partnership.name}: "
                f"{round_.submissions.count()} items, due {round_.deadline:%d %B %Y}"
            )
        self.stdout.write(self.style.SUCCESS(done.summary()))
