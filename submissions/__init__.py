"""The monthly cycle and what is built on it, one package per capability.

``cycle`` (rounds and submissions), ``packs`` (published versions), ``imports`` (spreadsheets),
``api`` (JSON), ``demo`` (the seed loader). Here at the top: ``models`` and ``migrations`` (one
Django app, label ``submissions``), ``tasks`` (Celery), ``urls``, ``jobs`` (queued-job records)
and ``spreadsheet`` (cell neutralising, shared by imports and exports). May import ``indicators``
(through ``indicators.services``, ``selectors`` and ``models``) and ``csp``; nothing imports it.
"""
