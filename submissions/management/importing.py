"""The shared body of the import commands."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from submissions.imports.common import ImportRefused, ImportReport


class ImportCommand(BaseCommand):
    """Import a CSV or XLSX file: all or nothing, bad rows listed, non-zero exit on refusal."""

    importer: Callable[..., ImportReport]

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, store nothing")

    def handle(self, *args: Any, file: str, dry_run: bool = False, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = type(self).importer(
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
