import json

from django.core.management.base import BaseCommand, CommandError

from csp.models import Area
from indicators.engine.periods import parse_month
from indicators.models import Indicator
from indicators.selectors import metrics_for_month


class Command(BaseCommand):
    help = "Print the derived figures of one area and month as JSON, keyed by indicator code."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="ONS area code, e.g. E09000002")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--indicator", action="append", help="indicator code (repeatable)")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, area, month, indicator=None, **options):
        try:
            the_month = parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        area_obj = Area.objects.filter(code=area).first()
        if area_obj is None:
            raise CommandError(f"Unknown area code {area!r}")
        if indicator:
            known = set(Indicator.objects.filter(code__in=indicator).values_list("code", flat=True))
            unknown = sorted(set(indicator) - known)
            if unknown:
                raise CommandError(f"Unknown indicator code(s): {', '.join(unknown)}")
        data = metrics_for_month(area_id=area_obj.id, month=the_month, indicator_codes=indicator)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
