"""The database is away (restarting, unreachable, locked): answer 503 with a clear message in Chinese and
English — structured JSON for the API, a small page otherwise — never a traceback, and let the next request
reconnect by itself (``CONN_HEALTH_CHECKS`` drops a dead connection before it is reused).

``process_exception`` catches what a view raises; an error raised elsewhere (a middleware saving the session,
say) reaches Django's own 500 handling first, so the ``got_request_exception`` signal notes it on the request
and ``__call__`` turns that 500 into the same 503. This middleware comes first in ``MIDDLEWARE``.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("hnte.database")

UNAVAILABLE = (OperationalError, InterfaceError)
MESSAGE_ZH = "数据库暂时不可用，请稍后重试（您的操作未被保存）。"
MESSAGE_EN = "The database is temporarily unavailable: please try again in a moment (nothing was saved)."
RETRY_AFTER_SECONDS = 5


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request) -> HttpResponse:
    lang = "en" if request.GET.get("lang") == "en" or request.COOKIES.get("hnte_lang") == "en" else "zh"
    if _wants_json(request):
        response = JsonResponse({"error": "database_unavailable", "message": MESSAGE_EN if lang == "en" else MESSAGE_ZH,
                                 "issues": []}, status=503, json_dumps_params={"ensure_ascii": False})
    else:  # rendered without the request: no context processor may touch the database
        response = HttpResponse(render_to_string("unavailable.html", {"zh": MESSAGE_ZH, "en": MESSAGE_EN, "lang": lang}),
                                status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_exception(sender, request=None, **kwargs):
    if request is not None:
        request._hnte_exception = sys.exc_info()[1]


got_request_exception.connect(_note_exception, dispatch_uid="hnte-database-unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and isinstance(getattr(request, "_hnte_exception", None), UNAVAILABLE):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            logger.error("database unavailable on %s %s: %s", request.method, request.path, exception, exc_info=exception)
            return unavailable_response(request)
        return None
