"""Every text the pages show in Chinese has its English translation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import flask_babel
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import web
from tests.web.conftest import make_app, sign_in
from web.i18n import CompiledDomain

WEB = Path(web.__file__).parent


def test_every_page_text_has_an_english_translation():
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    used = {
        message for _, _, message, _, _ in extract_from_dir(str(WEB), method_map, keywords=keywords)
    }
    with (WEB / "translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    untranslated = sorted(m for m in used if not (catalog.get(m) and catalog.get(m).string))
    assert used and untranslated == []


def test_a_page_in_english(as_role):
    clerk = as_role("clerk")
    clerk.get("/language/en")
    page = clerk.get("/township/?period=2024").text
    assert '<html lang="en">' in page
    assert "Issues not yet rectified" in page and "Mediation success rate" in page


def test_starting_the_app_twice_leaves_no_folder_behind(site, tmp_path, monkeypatch):
    """The catalogues are compiled in memory: no start writes a file or a folder anywhere
    (each start made a temporary folder, never removed, before)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where temporary folders go
    apps = [make_app(site), make_app(site)]
    assert list(tmp_path.iterdir()) == []
    for app in apps:
        client = app.test_client()
        client.get("/language/en")
        assert "Log in" in client.get("/login").text
        with app.test_request_context("/"):
            assert isinstance(flask_babel.get_domain(), CompiledDomain)


def test_a_label_of_a_constant_is_in_each_pages_language(site):
    """A form's label written as a constant (``"occurred_on"|field_label``) is said in the
    language of each page, not in that of the page that came first (English pages said
    发生日期 once a Chinese page had been shown)."""
    app = make_app(site)
    app.config["WTF_CSRF_ENABLED"] = False
    clerk = app.test_client()
    assert sign_in(clerk, site.users["clerk"]).status_code == 302
    chinese = clerk.get("/township/record/dispute_registered").text
    clerk.get("/language/en")
    english = clerk.get("/township/record/dispute_registered").text
    assert '<label for="f-occurred_on">发生日期' in chinese
    assert '<label for="f-occurred_on">Date it happened' in english
    assert "发生日期" not in english
