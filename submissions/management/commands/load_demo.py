from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from submissions.demo import DemoDataError, demo_load


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the Barking and Dagenham demo: the partnership, the 34 "
        "indicators of the December 2016 pack with their figures, the demo users and rounds. "
        "Running it twice changes nothing."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = demo_load(password=settings.DEMO_PASSWORD)
        except DemoDataError as exc:
            raise CommandError(
                f"The demo data could not be loaded, nothing was saved: {exc}"
            ) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Demo data loaded and its figures computed."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))
