"""The gettext catalogs: complete in every shipped language, in step with the code, compiled by the install."""
from __future__ import annotations

import gettext
import importlib.util
import re
import shutil
import string
from pathlib import Path

import pytest

from kiosk import i18n
from kiosk.questionnaire import PROFILE_FIELDS, SKM_UNSUR, Term

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)


def placeholders(text: str) -> set[str]:
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return braces | set(re.findall(r"%\((\w+)\)s", text))


def problems(catalog) -> list[str]:
    """Why a catalog cannot ship: a msgid with no (or only a fuzzy) translation, or other placeholders."""
    found = [f"untranslated: {msgid!r}" for msgid in tool.untranslated(catalog)]
    found += [f"placeholders differ: {m.id!r}" for m in catalog
              if m.id and m.string and placeholders(str(m.id)) != placeholders(m.string)]
    return found


def messages(catalog) -> set[tuple[str, str | None]]:
    return {(str(m.id), m.context) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted():
    return tool.extract()


def test_bahasa_indonesia_and_english_are_shipped():
    assert i18n.shipped_locales()[:1] == ("id",)
    assert {"id", "en"} <= set(i18n.shipped_locales())


@pytest.mark.parametrize("locale", i18n.shipped_locales())
def test_every_msgid_has_a_translation(locale):
    catalog = tool.read(locale)
    assert len(catalog) > 150, "the catalog was read"
    assert problems(catalog) == []


def test_the_completeness_check_sees_a_missing_translation():
    catalog = tool.read("id")
    catalog["Start the survey"].string = ""
    catalog["Question %(n)s of %(total)s"].string = "Pertanyaan %(n)s"
    catalog["Send"].flags.add("fuzzy")
    assert sorted(problems(catalog)) == [
        "placeholders differ: 'Question %(n)s of %(total)s'", "untranslated: 'Send'",
        "untranslated: 'Start the survey'"]


@pytest.mark.parametrize("locale", i18n.shipped_locales())
def test_every_string_of_the_code_is_in_the_catalog_and_nothing_else(extracted, locale):
    code = messages(extracted)
    assert len(code) > 150, "the extraction found the strings"
    # Spot checks that each kind of source is read: Python N_(), a pgettext call, a Jinja template.
    assert {("Start the survey", None), ("English", "endonym"), ("Please answer the marked questions.", None),
            ("SKM dashboard", None), ("Requirements", None)} <= code
    catalog = messages(tool.read(locale))
    assert code - catalog == set(), "run `make i18n-extract` and translate the new strings"
    assert catalog - code == set(), "strings no longer in the code: run `make i18n-extract`"


def test_the_indonesian_catalog_keeps_the_regulation_wording_of_the_questionnaire():
    terms = [t for u in SKM_UNSUR for t in (u.name, u.question, *u.labels)]
    terms += [t for f in PROFILE_FIELDS for t in (f.label, *(label for _, label in f.options))]
    assert len(terms) > 70 and all(isinstance(t, Term) for t in terms)
    indonesian = i18n.translator("id")
    assert [t.en for t in terms if indonesian(t.en) != t.id] == []
    assert SKM_UNSUR[0].name("id") == "Persyaratan" and SKM_UNSUR[0].name("en") == "Requirements"


def test_the_installed_catalogs_are_compiled_from_the_current_po(tmp_path):
    for locale in i18n.shipped_locales():
        installed, po = i18n.catalog_path(locale, ".mo"), i18n.catalog_path(locale)
        if not installed.exists():
            pytest.skip("the catalogs are not compiled here: `make install` compiles them")
        assert installed.stat().st_mtime >= po.stat().st_mtime, f"{installed} is older than its .po"
    fresh = tool.compile_catalogs(tmp_path)
    assert len(fresh) == len(i18n.shipped_locales())
    for path in fresh:
        locale = path.parent.parent.name
        with path.open("rb") as a, i18n.catalog_path(locale, ".mo").open("rb") as b:
            assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, locale


@pytest.fixture
def locale_dir(tmp_path, monkeypatch):
    """A copy of the shipped catalogs (sources only) that a test may add a language to."""
    from collector import pages

    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(tool, "LOCALE_DIR", copy)
    for cached in (i18n.translations, pages.environment):
        cached.cache_clear()
    yield copy
    for cached in (i18n.translations, pages.environment):
        cached.cache_clear()


def test_a_translator_adds_a_regional_language_without_touching_code(locale_dir):
    from collector import pages
    from screens import catalog as screen_texts

    tool.init("jv")
    javanese = tool.read("jv")
    assert len(javanese) == len(tool.read("en")) and tool.untranslated(javanese)
    translated = {("Start the survey", None): "Miwiti survei", ("English", "endonym"): "Basa Jawa",
                  ("Requirements", None): "Syarat", ("Send", None): "Kirim"}
    for message in javanese:
        message.string = translated.get((str(message.id), message.context), message.string)
    tool.write(javanese, tool.po_path("jv"))
    tool.compile_catalogs()

    assert "jv" in i18n.shipped_locales()
    assert screen_texts.t("start", "jv") == "Miwiti survei"
    assert screen_texts.t("language_jv", "id") == "Basa Jawa"
    assert SKM_UNSUR[0].name("jv") == "Syarat"
    # A string the translator has not done yet shows in Bahasa Indonesia, never as a blank.
    assert screen_texts.t("thanks_title", "jv") == "Terima kasih!"
    html = pages.environment("jv").get_template("thanks.html").render(locale="jv", other="id", office=None)
    assert "Terima kasih!" in html and "Bahasa Indonesia" in html
    assert problems(tool.read("jv")), "the completeness test would fail until jv is done"


@pytest.mark.parametrize("locale", i18n.shipped_locales())
def test_the_po_reader_of_an_uncompiled_install_gives_what_the_compiled_catalog_gives(tmp_path, locale):
    compiled = {path.parent.parent.name: path for path in tool.compile_catalogs(tmp_path)}
    with compiled[locale].open("rb") as mo:
        expected = gettext.GNUTranslations(mo)._catalog
    read = i18n.read_po(i18n.catalog_path(locale))._catalog
    assert len(read) > 150 and read == {k: v for k, v in expected.items() if k}  # the header has msgid ""


def test_an_install_without_compiled_catalogs_shows_every_language(locale_dir):
    assert not list(locale_dir.glob("*/LC_MESSAGES/*.mo"))
    assert i18n.translator("id")("Start the survey") == "Mulai survei"
    assert i18n.language_name("id") == "Bahasa Indonesia"


def test_the_po_reader_leaves_out_fuzzy_and_untranslated_entries(tmp_path):
    po = tmp_path / "skm.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: jv\\n"\n\n#, fuzzy\nmsgid "Send"\nmsgstr "Kirim"\n\n'
                  'msgid "Back"\nmsgstr ""\n\n#. a comment\nmsgctxt "endonym"\nmsgid "English"\n'
                  'msgstr "Basa "\n"Jawa"\n\nmsgid "Say \\"hi\\""\nmsgstr "Matur \\"sugeng\\""\n',
                  encoding="utf-8")
    assert i18n.read_po(po)._catalog == {"endonym\x04English": "Basa Jawa", 'Say "hi"': 'Matur "sugeng"'}


def test_an_unknown_language_falls_back_to_bahasa_indonesia():
    assert i18n.translator("xx")("Start the survey") == "Mulai survei"
    assert i18n.language_name("en") == "English" and i18n.language_name("id") == "Bahasa Indonesia"
