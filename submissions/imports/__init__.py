"""Spreadsheet imports: the reader (sizes, CSV/XLSX), one module per import, jobs and pages.

May read ``cycle``'s selectors and services and import ``indicators`` and ``csp``; never
``packs`` or ``demo``.
"""
