"""The translation catalogues are complete, consistent and up to date with the source.

Runs without the app: it reads the .po files and extracts the source strings with Babel,
the same way `flask translate extract` does (babel.cfg, default keywords plus `_l`).
After adding or changing strings: `flask --app app translate extract`, translate what is
new in app/translations/{fi,sv}/LC_MESSAGES/messages.po (en: msgstr = msgid), then
`make translations`.
"""
import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
POT = ROOT / "messages.pot"
LANGUAGES = ("fi", "sv", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}  # keep in step with `-k _l` in app/cli.py

# A printf-style conversion: %(name)s, %(num)d, %s, %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def catalogue_path(language: str) -> Path:
    return APP / "translations" / language / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=None)
def catalogue(language: str):
    with open(catalogue_path(language), "rb") as f:
        return read_po(f, locale=language)


@lru_cache(maxsize=None)
def template():
    with open(POT, "rb") as f:
        return read_po(f)


def messages(catalog):
    """The catalogue's messages, without the header entry."""
    return [message for message in catalog if message.id]


def key(message_id):
    """What a catalogue is indexed by: the singular msgid."""
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def _method_map():
    from babel.messages import frontend

    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        return parse(f)


@lru_cache(maxsize=None)
def source_messages() -> dict:
    """msgid (singular) -> msgid as extracted (a (singular, plural) tuple for ngettext)."""
    method_map, options_map = _method_map()
    app_dir = str(APP)

    def only_app(dirpath: str) -> bool:  # babel.cfg only maps app/: don't walk .venv, tests, ...
        dirpath = os.path.abspath(dirpath)
        name = os.path.basename(dirpath)
        inside = dirpath == str(ROOT) or dirpath == app_dir or dirpath.startswith(app_dir + os.sep)
        return inside and not name.startswith((".", "_"))

    found = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=only_app):
        if key(message):
            found[key(message)] = message
    return found


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def stray_percent(text: str) -> bool:
    """A % that is not part of a placeholder (a bare % breaks formatting in templates)."""
    return "%" in PLACEHOLDER.sub("", text)


def test_extraction_finds_the_source_strings():
    found = source_messages()
    assert len(found) > 100
    assert "Welcome to Kyläraati" in found
    assert found["%(num)d association"] == ("%(num)d association", "%(num)d associations")


def test_messages_pot_is_up_to_date_with_the_source():
    in_pot = {message.id if not message.pluralizable else tuple(message.id) for message in messages(template())}
    in_source = set(source_messages().values())
    missing = sorted(map(str, in_source - in_pot))
    stale = sorted(map(str, in_pot - in_source))
    assert not missing, f"run `flask --app app translate extract`; not in messages.pot: {missing}"
    assert not stale, f"run `flask --app app translate extract`; no longer in the source: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_exists(language):
    assert catalogue_path(language).is_file()
    catalog = catalogue(language)
    assert str(catalog.locale) == language
    assert catalog.num_plurals == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_source_string(language):
    catalog = catalogue(language)
    missing = [msgid for msgid in source_messages() if catalog.get(msgid) is None]
    assert not missing, f"run `flask --app app translate extract` and translate: {missing}"
    wrong_plural = [msgid for msgid, extracted in source_messages().items()
                    if isinstance(extracted, tuple) != catalog.get(msgid).pluralizable]
    assert not wrong_plural


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_untranslated_or_fuzzy_messages(language):
    catalog = catalogue(language)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    fuzzy = [m.id for m in messages(catalog) if m.fuzzy]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"
    untranslated = [m.id for m in messages(catalog)
                    if not (all(m.string) if m.pluralizable else m.string)]
    assert not untranslated, f"untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_every_form(language):
    catalog = catalogue(language)
    for message in messages(catalog):
        if message.pluralizable:
            assert isinstance(message.string, (tuple, list)) and len(message.string) == catalog.num_plurals, \
                message.id
            assert all(form.strip() for form in message.string), message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    problems = []
    for message in messages(catalogue(language)):
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected = set()
        for msgid in ids:
            expected |= set(placeholders(msgid))
        for string in strings:
            if set(placeholders(string)) != expected or stray_percent(string):
                problems.append((message.id, string))
    assert not problems, f"placeholders differ in {language}: {problems}"


def test_english_catalogue_repeats_the_source():
    for message in messages(catalogue("en")):
        expected = tuple(message.id) if message.pluralizable else message.id
        actual = tuple(message.string) if message.pluralizable else message.string
        assert actual == expected, message.id


@pytest.mark.parametrize("language, msgid, expected", [
    ("fi", "Welcome to Kyläraati", "Tervetuloa Kyläraatiin"),
    ("sv", "Welcome to Kyläraati", "Välkommen till Kyläraati"),
])
def test_front_page_greeting(language, msgid, expected):
    assert catalogue(language).get(msgid).string == expected


def test_finnish_404_message():
    message = catalogue("fi").get("The page was not found. It may have been moved, or the address is mistyped.")
    assert "Sivua ei löytynyt" in message.string
