"""The coordinator's partnership settings pages (issue 12): indicators, targets, the new year
and agencies. The adoption and target services are ``indicators.settings``; the agencies' are
here (``agencies``), since retiring one reads the rounds' open submissions."""
