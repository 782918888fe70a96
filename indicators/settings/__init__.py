"""A partnership's settings, changed by its coordinator (issue 12): adoptions of the catalogue
(``adoptions``), targets and the new financial year (``targets``, ``new_year``). Each service
checks ``permissions.can_manage_settings``, writes in one transaction and names who and why in
the history (``stamp_change``). The pages are ``submissions.settings``."""

from __future__ import annotations


class SettingsError(Exception):
    """A change the service refuses, with a sentence for the person who tried."""
