from pathlib import Path

from django.core.management.base import BaseCommand

from submissions.imports.export import month_values_export


class Command(BaseCommand):
    help = "Export month values in the import's column layout (CSV or XLSX by file extension)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--area", action="append", help="ONS code (repeatable)")
        parser.add_argument("--indicator", action="append", help="indicator code (repeatable)")

    def handle(self, *args, file, area=None, indicator=None, **options):
        path = Path(file)
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        path.write_bytes(month_values_export(area_codes=area, indicator_codes=indicator, fmt=fmt))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
