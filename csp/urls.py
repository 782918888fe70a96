from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from csp.health import readiness
from csp.switcher import switch_partnership


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers (and the trivial baseline of bench/pack_load.py): touches
    nothing, so a database or broker outage never takes the web servers out of rotation."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness for monitoring: database, cache, broker, worker heartbeat, recompute age."""
    ready, report = readiness(now=timezone.now())
    return JsonResponse(report, status=200 if ready else 503)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("partnership/", switch_partnership, name="switch_partnership"),
    path("", include("csp.people.urls")),
    path("accounts/", include("csp.accounts.urls")),
    path("api/", include("submissions.api.urls")),
    path("packs/", include("submissions.packs.urls")),
    path("", include("submissions.urls")),
]
