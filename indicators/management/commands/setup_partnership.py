from django.core.management.base import BaseCommand, CommandError

from indicators.partnerships import SetupRefused, partnership_setup


class Command(BaseCommand):
    help = (
        "Set up a partnership for an existing area: optionally copy another partnership's "
        "agencies (without people), adoptions, local texts and targets, and invite the "
        "coordinator by e-mail (username = e-mail address; a single-use link that expires)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="ONS code of the area, e.g. E09000003")
        parser.add_argument("--name", required=True, help="the partnership's name")
        parser.add_argument("--coordinator-email", required=True, help="the coordinator's e-mail")
        parser.add_argument(
            "--indicators-from", help="ONS code of the partnership to copy indicators from"
        )

    def handle(self, *args, area, name, coordinator_email, indicators_from=None, **options):
        try:
            report = partnership_setup(
                area_code=area,
                name=name,
                coordinator_email=coordinator_email,
                indicators_from=indicators_from,
            )
        except SetupRefused as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{report.partnership.name} is set up."))
