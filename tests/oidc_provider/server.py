"""Run the test provider: migrate its database, create its client and people from the config,
then serve on 127.0.0.1:<port> until killed.

    OIDC_TEST_CONFIG=/tmp/.../config.json python -m tests.oidc_provider.server
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

from tests.oidc_provider.validator import UNVERIFIED  # noqa: E402


def setup() -> None:
    config = settings.CONFIG
    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="CSP Performance",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    unverified = Group.objects.create(name=UNVERIFIED)
    for person in config["people"]:
        user = User.objects.create_user(
            person["username"], person["email"], person["password"], first_name=person["name"]
        )
        if not person.get("email_verified", True):
            user.groups.add(unverified)


if __name__ == "__main__":
    setup()
    run("127.0.0.1", int(settings.CONFIG["port"]), get_wsgi_application(), threading=True)
