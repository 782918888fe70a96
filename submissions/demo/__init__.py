"""The demo loader: the seed partnership, its people and its December 2016 pack, from ``data/``.

Owns ``loader`` (``load_demo``), ``derive`` (the previous-year block of each page) and ``data/``.
May import everything below it (``cycle``, ``packs``, ``indicators``); nothing imports it but the
``load_demo`` command and the tests.
"""

from submissions.demo.loader import DemoDataError, demo_load

__all__ = ["DemoDataError", "demo_load"]
