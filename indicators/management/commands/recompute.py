from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.engine.periods import parse_month
from indicators.models import Indicator
from indicators.services import RecomputeRefused, area_ids_for_codes, metrics_recompute


class Command(BaseCommand):
    help = (
        "Recompute the derived figures (synchronously) and say what was done and how long it took."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", action="append", help="ONS area code (repeatable)")
        parser.add_argument("--indicator", action="append", help="indicator code (repeatable)")
        parser.add_argument("--from", dest="from_month", help="first month to rewrite, YYYY-MM")

    def handle(self, *args, area=None, indicator=None, from_month=None, **options):
        try:
            area_ids = area_ids_for_codes(area) if area else None
            month = parse_month(from_month) if from_month else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        indicator_ids = None
        if indicator:
            found = dict(Indicator.objects.filter(code__in=indicator).values_list("code", "id"))
            unknown = sorted(set(indicator) - set(found))
            if unknown:
                raise CommandError(f"Unknown indicator code(s): {', '.join(unknown)}")
            indicator_ids = list(found.values())
        try:
            report = metrics_recompute(
                now=timezone.now(), area_ids=area_ids, indicator_ids=indicator_ids, from_month=month
            )
        except RecomputeRefused as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(report.summary()))
