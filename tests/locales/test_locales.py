"""Every string the code shows has a Vietnamese translation with the same placeholders."""

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.runtime.i18n import LOCALES_DIR, build_i18n
from tests import ROOT

# where the code's strings live (scripts/update_locales.py extracts the same folders)
EXTRACTED = ("bot", "handlers", "cli", "services", "locales", "web", "news")

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+")


def _code_messages() -> set[str]:
    found: set[str] = set()
    for folder in EXTRACTED:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**.j2", "jinja2")],
            options_map={"**.j2": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "__": None, "lazy_gettext": None, "N_": None},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=language)


def test_every_message_in_the_code_is_translated_to_vietnamese() -> None:
    catalog = _catalog("vi")
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_code_messages() - translated.keys())
    assert missing == [], "run scripts/update_locales.py and translate these"


def test_translations_keep_placeholders_and_markup() -> None:
    for message in _catalog("vi"):
        if not message.id:
            continue
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
            PLACEHOLDER.findall(message.string)
        ), message.id
        assert sorted(TAG.findall(message.id)) == sorted(TAG.findall(message.string)), message.id


def test_vietnamese_is_the_default_and_english_the_second() -> None:
    i18n = build_i18n()
    assert set(i18n.available_locales) >= {"vi", "en"}
    with i18n.context():
        assert i18n.gettext("Send feedback", locale="vi") == "Gửi phản ánh, kiến nghị"
        assert i18n.gettext("Send feedback", locale="en") == "Send feedback"
        with i18n.use_locale(i18n.default_locale):
            assert i18n.gettext("Skip") == "Bỏ qua"
