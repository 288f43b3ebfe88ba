"""Japanese first, English complete: the catalogues and the language the pages come in.

The source strings (msgids) are Japanese; ``ja`` maps each to itself and ``en`` translates
every one of them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

import medcyber
from medcyber.core.models import ProgrammeContact

PACKAGE_DIR = Path(medcyber.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("ja", "en")


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def load(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    with po_path(language, locale_dir).open("rb") as f:
        return read_po(f, locale=language)


def message_keys(catalog: Catalog) -> set[tuple[Any, str | None]]:
    return {(message.id, message.context) for message in catalog if message.id}


def forms(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


@pytest.fixture
def compiled_catalogues(tmp_path: Path, settings: Any) -> Path:
    """The .po files compiled into a private locale dir, so the pages use today's catalogues
    whether or not ``make install`` has compiled the .mo files yet."""
    locale_dir = tmp_path / "locale"
    for language in LANGUAGES:
        target = locale_dir / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "django.mo").open("wb") as f:
            write_mo(f, load(language))
    settings.LOCALE_PATHS = [locale_dir]  # resets Django's translation caches
    return locale_dir


# --- the catalogues ------------------------------------------------------------------------


def test_every_english_entry_is_translated_and_none_is_fuzzy() -> None:
    catalog = load("en")

    assert not catalog.fuzzy, "the header of the en catalogue is marked fuzzy"
    untranslated = [
        message.id
        for message in catalog
        if message.id and not all(form.strip() for form in forms(message.string))
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert untranslated == [], f"untranslated in en: {untranslated}"
    assert fuzzy == [], f"fuzzy in en: {fuzzy}"
    plural_entries = [message for message in catalog if message.pluralizable]
    assert all(len(forms(message.string)) == 2 for message in plural_entries)


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdifr])")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_translations_keep_the_placeholders_of_their_source(language: str) -> None:
    # A translation that drops or renames %(name)s fails at run time in that language only.
    wrong = []
    for message in load(language):
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(forms(message.id)[-1]))
        for form in forms(message.string):
            if sorted(PLACEHOLDER.findall(form)) != wanted:
                wrong.append((forms(message.id)[0], form))
    assert wrong == []


def test_japanese_catalogue_maps_every_source_string_to_itself() -> None:
    catalog = load("ja")

    assert not catalog.fuzzy
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        source = forms(message.id)[0]
        if source.isascii():
            # "FAX", or English kept from a library template (allauth's login page).
            assert forms(message.string)[0], source
        else:
            assert forms(message.string)[0] == source, source


def test_both_catalogues_hold_the_same_messages() -> None:
    assert message_keys(load("ja")) == message_keys(load("en"))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_match_what_makemessages_extracts_now(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string added to the code or the templates without `make messages` fails here."""
    tree = tmp_path / "medcyber"
    shutil.copytree(
        PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
    )
    (tree / "locale").mkdir()
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)

    call_command("makemessages", locale=["en"], no_obsolete=True, add_location="file", verbosity=0)

    extracted = message_keys(load("en", tree / "locale"))
    catalogued = message_keys(load("en"))
    assert extracted, "makemessages extracted nothing"
    missing = sorted(str(key[0]) for key in extracted - catalogued)
    stale = sorted(str(key[0]) for key in catalogued - extracted)
    assert missing == [], f"not in the catalogues (run `make messages`): {missing}"
    assert stale == [], f"no longer in the source (run `make messages`): {stale}"


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_is_japanese_by_default_and_shows_the_desk_phone_from_the_database(
    client: Any, compiled_catalogues: Path
) -> None:
    contact = ProgrammeContact.current()
    contact.desk_phone = "0120-000-999"
    contact.desk_hours = "平日 9:00〜17:00"
    contact.save()

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert django_settings.LANGUAGE_CODE == "ja"
    assert '<html lang="ja">' in page
    assert "0120-000-999" in page
    assert 'href="tel:0120000999"' in page
    assert "平日 9:00〜17:00" in page
    assert django_settings.MEDCYBER_CONTACT_DEFAULTS["desk_phone"] not in page
    assert "相談窓口" in page


@pytest.mark.django_db
def test_home_is_english_with_accept_language(client: Any, compiled_catalogues: Path) -> None:
    response = client.get(reverse("home"), headers={"accept-language": "en"})

    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Japan Medical Association Cybersecurity Support Programme" in page
    assert "Consultation desk" in page
    assert "支援制度の四つの柱" not in page
    assert ProgrammeContact.current().desk_phone in page


@pytest.mark.django_db
def test_language_switcher_sets_english_for_later_pages(
    client: Any, compiled_catalogues: Path
) -> None:
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert switched.status_code == 302
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Enquiries about the programme" in page


@pytest.mark.django_db
def test_language_cookie_selects_english(client: Any, compiled_catalogues: Path) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    assert "Sign in for members and staff" in page
