from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from submissions.imports import ImportRefused, benchmarks_import


class Command(BaseCommand):
    help = (
        "Import benchmarks from a CSV or XLSX file. All or nothing: one bad row and nothing "
        "is stored; every bad row is listed with its line number. Exits non-zero on a refusal."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")

    def handle(self, *args, file, dry_run=False, **options):  # type: ignore[no-untyped-def]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = benchmarks_import(
                content=path.read_bytes(),
                filename=path.name,
                user=None,
                now=timezone.now(),
                dry_run=dry_run,
            )
        except ImportRefused as exc:
            for error in exc.report.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.report.summary()) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
