from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        from csp import health
        from indicators.health import check_recompute

        health.register("recompute", check_recompute)
