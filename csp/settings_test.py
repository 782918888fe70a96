"""Test settings: the main settings with a development key and fast password hashing."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "true")

from csp.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files go to a directory of the test run's own, never into the project's media/; a
# worker the tests start inherits the environment, and with it the same directory.
if os.environ.get("CSP_TEST_MEDIA_ROOT"):
    MEDIA_ROOT = os.environ["CSP_TEST_MEDIA_ROOT"]
else:
    MEDIA_ROOT = os.environ["CSP_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="csp-test-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
# Tests run eager jobs inline (in the request, or when they capture on_commit callbacks), so a
# test's transaction sees them; a test that checks the background thread turns it on.
EAGER_JOBS_IN_BACKGROUND = False
