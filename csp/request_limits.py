"""Limits on what a request may carry, applied before any view, session or database lookup:
no NUL characters (middleware), and JSON bodies of bounded size and depth (DRF parser)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

NUL = "\x00"
NUL_MESSAGE = (
    "The request contains a null character (%00 or \\u0000), which no value on this site can "
    "hold: remove it and try again."
)

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(texts: Iterable[str]) -> bool:
    return any(NUL in text for text in texts)


class RefuseNullCharactersMiddleware:
    """Answer 400 to a request with a NUL character in its path, query, cookies, headers or
    form fields.

    PostgreSQL refuses NUL in text, so such a value used in a lookup (an area code in the path, a
    filter, a session key) raised a database error, i.e. a 500. No value of this site contains
    one, so the request is refused whole instead of each view guarding each lookup. Form bodies
    are parsed here as CsrfViewMiddleware parses them anyway (so a view cannot set its own
    upload handlers; none does); uploaded files' contents are not text and are left alone.
    JSON bodies are checked by ``LimitedJSONParser``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        texts: list[Iterable[str]] = [
            [request.path, request.path_info],
            _keys_and_values(request.GET.lists()),
            _keys_and_values((k, [v]) for k, v in request.COOKIES.items()),
            [v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)],
        ]
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # Read uploads through a handler that stops at the limit, so a huge file never
            # reaches the disk; views (the import page) see whether it did.
            limit = UploadLimit(request, settings.FILE_UPLOAD_LIMIT_BYTES)
            request.upload_handlers.insert(0, limit)
            request.upload_limit = limit  # type: ignore[attr-defined]  # read by the import page
        if request.method == "POST" and request.content_type in FORM_TYPES:
            # A body over the upload limits raises RequestDataTooBig or TooManyFieldsSent here,
            # which Django answers with 400.
            texts.append(_keys_and_values(request.POST.lists()))
        return any(_has_nul(group) for group in texts)


def _keys_and_values(pairs: Iterable[tuple[str, list[str]]]) -> Iterable[str]:
    for key, values in pairs:
        yield key
        yield from values


MAX_JSON_DEPTH = 20  # the deepest body the API takes is 3 (categories -> code -> n/N)


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing with 400 what would otherwise raise deep inside a view:
    nesting deeper than ``MAX_JSON_DEPTH`` (a deep body raised RecursionError), NaN and
    Infinity, and strings with NUL or unpaired surrogates (which no database column stores).
    The body's size is bounded before this runs: DRF reads it through ``request.body``, which
    refuses more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (see ``api_exception_handler``)."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
            raise ParseError(f"JSON parse error: {exc}") from None
        _check_tree(data)
        return data


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus a JSON 400 for a body over Django's upload limits (Django would
    answer these with its HTML "Bad Request" page)."""
    # Imported here: rest_framework.views reads the parser setting, which names this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = ParseError(f"The request body is too large: this API takes at most {limit:,} bytes.")
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ParseError("The request has too many form fields.")
    return exception_handler(exc, context)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _too_deep() -> str:
    return f"The JSON body is nested too deeply: at most {MAX_JSON_DEPTH} levels."


def _check_tree(data: Any) -> None:
    """Walk the parsed body without recursion: depth, and text every column can store."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            items: Iterable[Any] = [*node.keys(), *node.values()]
        elif isinstance(node, list):
            items = node
        else:
            if isinstance(node, str):
                _check_text(node)
            continue
        if depth >= MAX_JSON_DEPTH:
            raise ParseError(_too_deep())
        stack.extend((item, depth + 1) for item in items)


def _check_text(text: str) -> None:
    if NUL in text:
        raise ParseError(NUL_MESSAGE)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(
            "The JSON body contains an unpaired surrogate (\\ud800-\\udfff)."
        ) from None


class UploadLimit(FileUploadHandler):
    """Stops reading an upload at the size limit, so a huge file never reaches the disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
