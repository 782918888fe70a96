"""The lists' pages: ``?page=`` is a page number, as the schema declares it (an integer); an
empty or unnumbered one is refused (404 "Invalid page."), never read as the first page."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    def get_page_number(self, request: Any, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        numbered = raw is None or (raw.isascii() and raw.isdigit()) or raw in self.last_page_strings
        if not numbered:
            raise NotFound("Invalid page: give a page number (1, 2, ...).")
        return super().get_page_number(request, paginator)
