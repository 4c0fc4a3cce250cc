"""Bilingual interface: Simplified Chinese by default, English on request.

Strings live side by side (``t(zh, en)``), like the engine's messages, rather than in gettext catalogues:
the engine already speaks both languages and the legal terms must stay exact in Chinese.
The language comes from ``?lang=`` (remembered in a cookie), then the cookie, else Chinese.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

COOKIE = "hnte_lang"
LANGS = ("zh", "en")


def request_lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.COOKIES.get(COOKIE) or "zh"
    return lang if lang in LANGS else "zh"


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.lang = request_lang(request)
        translation.activate("en" if request.lang == "en" else "zh-hans")
        response = self.get_response(request)
        if request.GET.get("lang") in LANGS and request.COOKIES.get(COOKIE) != request.GET["lang"]:
            response.set_cookie(COOKIE, request.GET["lang"], max_age=365 * 86400, samesite="Lax")
        return response


def t(request_or_lang, zh: str, en: str) -> str:
    lang = request_or_lang if isinstance(request_or_lang, str) else getattr(request_or_lang, "lang", "zh")
    return en if lang == "en" else zh


def context(request):
    lang = getattr(request, "lang", "zh")
    return {"lang": lang, "html_lang": "en" if lang == "en" else "zh-CN"}
