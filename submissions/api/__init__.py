"""The JSON API (DRF): views and serializers calling the same services and selectors as the pages.

May import ``cycle``'s and ``packs``' services and selectors, ``indicators`` and ``csp``; never
views of any package.
"""
