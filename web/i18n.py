"""Simplified Chinese first, English on request: Flask-Babel with the catalogue compiled from
its ``.po`` file when the app starts (compiled files are never committed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, redirect, request, session, url_for
from flask_babel import Babel

SOURCE = Path(__file__).parent / "translations"
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
DEFAULT = "zh"


def compile_catalogues(target: Path) -> Path:
    """Compile every ``.po`` under the package's translations into ``target``."""
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        out = target / po_path.relative_to(SOURCE).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with out.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return target


def chosen_language() -> str:
    return session.get("lang", DEFAULT)


def register_i18n(app: Flask) -> None:
    compiled = compile_catalogues(Path(tempfile.mkdtemp(prefix="ledger-i18n-")))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    Babel(app, locale_selector=lambda: LANGUAGES[chosen_language()])

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
