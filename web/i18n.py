"""Simplified Chinese first, English on request: Flask-Babel, with the catalogues compiled from
their ``.po`` files in memory, once per process (about 20 ms). No compiled file is written
anywhere: none is committed, none is left behind in a temporary folder, none can be stale."""

from __future__ import annotations

import io
from functools import cached_property
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, redirect, request, session, url_for
from flask_babel import Babel, Domain, get_locale

from domain.moments import zone

SOURCE = Path(__file__).parent / "translations"
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
DEFAULT = "zh"


def compile_catalogues(source: Path = SOURCE) -> dict[str, Translations]:
    """Every ``<language>/LC_MESSAGES/messages.po`` under ``source``, compiled, by language."""
    compiled = {}
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo = io.BytesIO()
        write_mo(mo, catalog)
        mo.seek(0)
        compiled[po_path.parts[-3]] = Translations(mo, domain="messages")
    return compiled


class CompiledDomain(Domain):
    """Flask-Babel's message domain, answered from catalogues compiled in memory (the source
    text, Chinese, where a language has none)."""

    def __init__(self, catalogues: dict[str, Translations]) -> None:
        super().__init__(domain="messages")
        self.catalogues = catalogues

    def get_translations(self) -> NullTranslations:
        locale = get_locale()
        found = self.catalogues.get(str(locale)) if locale is not None else None
        return found or NullTranslations()


class LedgerBabel(Babel):
    """Flask-Babel whose message domain is the compiled catalogues (Flask-Babel 4 asks its
    ``domain_instance`` for the domain of a request: tests/web/test_language.py pins it)."""

    catalogues: dict[str, Translations] = {}

    @cached_property
    def domain_instance(self) -> Domain:
        return CompiledDomain(self.catalogues)


def chosen_language() -> str:
    """The page's language (``zh`` or ``en``); the default outside a request."""
    return session.get("lang", DEFAULT) if has_request_context() else DEFAULT


def register_i18n(app: Flask) -> None:
    babel = LedgerBabel()
    babel.catalogues = compile_catalogues()
    app.config["BABEL_DEFAULT_TIMEZONE"] = str(zone())  # Babel's own formats, were they used
    babel.init_app(app, locale_selector=lambda: LANGUAGES[chosen_language()])

    @app.context_processor
    def language() -> dict:
        return {
            "lang": chosen_language(),
            "html_lang": "zh-Hans" if chosen_language() == "zh" else "en",
        }

    @app.get("/language/<code>")
    def switch_language(code: str):
        session["lang"] = code if code in LANGUAGES else DEFAULT
        back = request.referrer
        if back and back.startswith(request.host_url):
            return redirect(back)
        return redirect(url_for("accounts.home"))
