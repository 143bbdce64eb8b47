"""How a stored Telegram message becomes the page's JSON: escaped HTML from the entities,
files as sandbox URLs, edits and deletions flagged."""

from zoneinfo import ZoneInfo

from bot.emulator.state import StoredMessage
from bot.sandbox.chatlog import message_json
from bot.sandbox.markup import to_html


def test_entities_become_escaped_html() -> None:
    text = "Mã <PA26-0001> & 😀 xem https://example.org\nhết"
    entities = [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "code", "offset": 3, "length": 11},
        {"type": "url", "offset": 24, "length": 19},  # after 😀, two UTF-16 units
    ]
    assert to_html(text, entities) == (
        "<b>Mã</b> <code>&lt;PA26-0001&gt;</code> &amp; 😀 xem "
        '<a href="https://example.org" target="_blank" rel="noopener noreferrer">'
        "https://example.org</a><br>hết"
    )


def test_only_safe_links_and_nested_tags() -> None:
    text = "bấm vào đây"
    sneaky = [{"type": "text_link", "offset": 0, "length": 3, "url": "javascript:alert(1)"}]
    assert to_html(text, sneaky) == "bấm vào đây"
    nested = [
        {"type": "bold", "offset": 0, "length": 11},
        {"type": "italic", "offset": 4, "length": 3},
    ]
    assert to_html(text, nested) == "<b>bấm <i>vào</i> đây</b>"
    assert to_html("<script>", None) == "&lt;script&gt;"


def test_a_document_edited_then_deleted() -> None:
    data = {
        "message_id": 7,
        "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
        "chat": {"id": 5, "type": "private"},
        "date": 1_780_000_000,  # 2026-05-28 20:26:40 UTC
        "document": {"file_id": "BQACdoc", "file_unique_id": "u", "file_name": "bao-cao.docx"},
        "caption": "Dự thảo",
        "edit_date": 1,
        "reply_markup": {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok:1"}]]},
    }
    stored = StoredMessage(data, from_bot=True, deleted=True)
    shown = message_json(stored, 3, me=5, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert shown["from"] == "bot" and shown["text"] == "Dự thảo" and shown["seq"] == 3
    assert shown["document"] == {"name": "bao-cao.docx", "url": "/sandbox/api/files/BQACdoc"}
    assert shown["inline_keyboard"] == [[{"text": "Duyệt", "callback_data": "ok:1"}]]
    assert shown["edited"] and shown["deleted"] and shown["photo"] is None
    assert shown["time"] == "03:26" and shown["reply_to"] is None
