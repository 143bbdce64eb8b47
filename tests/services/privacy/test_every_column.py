"""Every column of the database, and whether it may hold a resident's identifiers (Telegram
chat id, name, username, phone, words, raw updates). A column added without saying so fails
here: decide, and if it may, have the erasure (services/privacy) clear it. After an
erasure, none of the resident's identifiers is left in any value of any table."""

from pathlib import Path

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.privacy import erasure
from services.privacy.ledger import ErasureLedger
from tests.services.privacy.scan import traces
from tests.services.privacy.world import HOA_ID, NOW, SECRETS, hoa_world

RESIDENT = "a resident's: the erasure clears, redacts or deletes it"
OFFICIAL = "staff, the commune, its superiors: people acting for the state, kept"
NONE = "no person's: ids, times, states, counts, codes, settings, keys"


def _columns(kind: str, table: str, *names: str) -> dict[str, str]:
    return {f"{table}.{name}": kind for name in names}


COLUMNS = {
    **_columns(RESIDENT, "resident", "telegram_id", "full_name", "username", "phone"),
    # the key stays: a pseudonym for exports and the erasure ledger, naming no one
    **_columns(NONE, "resident", "id", "commune_id", "language", "consent_at", "blocked_at"),
    **_columns(NONE, "resident", "erasure_requested_at", "erased_at", "public_key", "created_at"),
    **_columns(RESIDENT, "ticket", "text", "contact_phone", "latitude", "longitude"),
    **_columns(NONE, "ticket", "id", "commune_id", "code", "year", "seq", "kind", "category_id"),
    **_columns(NONE, "ticket", "channel", "status", "resident_id", "village_id", "assignee_id"),
    **_columns(NONE, "ticket", "received_at", "ack_due_at", "resolve_due_at", "forward_due_at"),
    **_columns(NONE, "ticket", "resolve_due_original_at", "deadline_rule", "deadline_basis"),
    **_columns(NONE, "ticket", "acknowledged_at", "closed_at", "first_answered_at", "rating"),
    **_columns(NONE, "ticket", "merged_into_id", "rated_at", "created_at", "received_us"),
    **_columns(NONE, "ticket", "ack_due_us", "resolve_due_us", "forward_due_us", "closed_us"),
    **_columns(NONE, "ticket", "acknowledged_us", "first_answered_us", "rated_us"),
    # their own words are replaced; their name or number inside staff words is cut out
    **_columns(RESIDENT, "ticketevent", "text", "data"),
    **_columns(NONE, "ticketevent", "id", "ticket_id", "at", "kind", "actor_type"),
    **_columns(NONE, "ticketevent", "actor_resident_id", "actor_staff_id", "from_status"),
    **_columns(NONE, "ticketevent", "to_status"),
    # their files are deleted; staff's stay
    **_columns(RESIDENT, "attachment", "file_ref", "file_unique_id", "media_group", "caption"),
    **_columns(RESIDENT, "attachment", "file_name"),
    **_columns(NONE, "attachment", "id", "ticket_id", "event_id", "kind", "channel", "created_at"),
    **_columns(RESIDENT, "apologyletter", "text"),
    **_columns(NONE, "apologyletter", "id", "ticket_id", "commune_id", "status", "version"),
    **_columns(NONE, "apologyletter", "drafted_at", "edited_by_id", "edited_at"),
    **_columns(NONE, "apologyletter", "approved_by_id", "sent_at"),
    # what Telegram answered (their chat id, message ids) is emptied; payloads hold ids, and
    # staff names for staff's own messages; errors are Telegram's and the push services'
    **_columns(RESIDENT, "notification", "result"),
    **_columns(OFFICIAL, "notification", "payload"),
    **_columns(NONE, "notification", "id", "kind", "commune_id", "ticket_id", "recipient_kind"),
    **_columns(NONE, "notification", "recipient_id", "channel", "status", "attempts"),
    **_columns(NONE, "notification", "next_attempt_at", "created_at", "sent_at", "last_error"),
    # a done update's payload is dropped; whose chat it came from is forgotten
    **_columns(RESIDENT, "inboxupdate", "chat_id", "payload"),
    **_columns(NONE, "inboxupdate", "update_id", "received_at", "attempts", "lease_until"),
    **_columns(NONE, "inboxupdate", "done_at", "error"),
    **_columns(RESIDENT, "conversationstate", "key", "state", "data"),  # their rows deleted
    **_columns(NONE, "conversationstate", "updated_at"),
    **_columns(RESIDENT, "channelmessage", "chat_id", "message_id"),  # their rows deleted
    **_columns(NONE, "channelmessage", "id", "channel", "ticket_id", "notification_id"),
    **_columns(NONE, "channelmessage", "purpose", "sent_at"),
    # who tried what: a resident's id is cleared, staff's stay; the detail names staff
    **_columns(RESIDENT, "auditentry", "actor_telegram_id"),
    **_columns(OFFICIAL, "auditentry", "detail"),
    **_columns(NONE, "auditentry", "id", "at", "commune_id", "staff_id", "action", "allowed"),
    # a browser's push address and keys reach the person: deleted with their cases
    **_columns(RESIDENT, "pushsubscription", "endpoint", "p256dh", "auth"),
    **_columns(NONE, "pushsubscription", "id", "ticket_id", "created_at"),
    # only a hash of the link's token: it opens the anonymous case, names no one
    **_columns(NONE, "caselink", "id", "ticket_id", "token_hash", "created_at"),
    **_columns(OFFICIAL, "staff", "telegram_id", "username", "name", "title"),
    **_columns(NONE, "staff", "id", "commune_id", "role", "active", "created_at", "account_id"),
    # the desk's sign-in: staff's login and e-mail; a hash, secrets, times and counts
    **_columns(OFFICIAL, "staffaccount", "login", "email"),
    **_columns(NONE, "staffaccount", "id", "password_hash", "password_set_at", "totp_secret"),
    **_columns(NONE, "staffaccount", "totp_last_step", "created_at"),
    **_columns(NONE, "desksession", "id", "token_hash", "account_id", "commune_id"),
    **_columns(NONE, "desksession", "created_at", "last_seen_at", "ended_at", "ended_reason"),
    **_columns(NONE, "passwordlink", "id", "token_hash", "account_id", "created_at"),
    **_columns(NONE, "passwordlink", "expires_at", "used_at"),
    # hashes of a typed login or of an address (keyed), counts and times; gone after a day
    **_columns(NONE, "signinthrottle", "key", "failures", "last_failed_at", "wait_until"),
    **_columns(OFFICIAL, "staffinvite", "name", "title", "used_by_telegram_id"),
    **_columns(NONE, "staffinvite", "id", "token", "commune_id", "role", "created_by_staff_id"),
    **_columns(NONE, "staffinvite", "created_at", "expires_at", "used_at", "revoked_at"),
    **_columns(NONE, "staffinvite", "revoked_reason"),  # removed, demoted, revoked: no name
    **_columns(OFFICIAL, "commune", "name", "address", "reception_schedule", "staff_chat_id"),
    **_columns(NONE, "commune", "id", "code", "division_type", "province_code", "province_name"),
    **_columns(NONE, "commune", "work_week", "report_year_start", "created_at"),
    **_columns(NONE, "commune", "desk_totp_required"),
    **_columns(OFFICIAL, "superior", "name", "short_name", "telegram_chat_id", "email"),
    **_columns(NONE, "superior", "id", "commune_id", "position", "addressed", "copied", "active"),
    **_columns(OFFICIAL, "reportsettings", "place_name", "signer_name", "copy_lines"),
    **_columns(NONE, "reportsettings", "commune_id", "signer_role", "monthly_day", "send_time"),
    **_columns(NONE, "reportsettings", "annual_on", "monthly_channels", "annual_channels"),
    **_columns(NONE, "reportsettings", "updated_at"),
    **_columns(OFFICIAL, "reportsection", "body"),  # a leader's text; figures, no case words
    **_columns(NONE, "reportsection", "id", "commune_id", "section", "updated_at"),
    **_columns(NONE, "reportsection", "updated_by_id"),
    **_columns(OFFICIAL, "reportversion", "title", "summary", "sections", "statistics", "docx"),
    **_columns(NONE, "reportversion", "id", "commune_id", "kind", "period_start", "period_end"),
    **_columns(NONE, "reportversion", "channels", "version", "status", "as_of", "number"),
    **_columns(NONE, "reportversion", "created_at", "created_by_id", "approved_by_id"),
    **_columns(NONE, "reportversion", "approved_at", "sent_at"),
    **_columns(OFFICIAL, "calendarday", "note"),
    **_columns(NONE, "calendarday", "id", "commune_id", "day", "kind", "created_at"),
    **_columns(OFFICIAL, "replytemplate", "text"),
    **_columns(NONE, "replytemplate", "id", "commune_id", "category_id", "active"),
    **_columns(OFFICIAL, "category", "name"),
    **_columns(NONE, "category", "id", "commune_id", "slug", "position", "active"),
    **_columns(NONE, "category", "default_staff_id"),
    **_columns(OFFICIAL, "village", "name"),
    **_columns(NONE, "village", "id", "commune_id", "active"),
    **_columns(NONE, "deadlinerule", "id", "commune_id", "kind", "category_id", "name"),
    **_columns(NONE, "deadlinerule", "legal_basis", "ack_days", "resolve_days", "forward_days"),
    **_columns(NONE, "deadlinerule", "unit"),
    **_columns(NONE, "communepopulation", "id", "commune_id", "year", "population"),
    **_columns(NONE, "communepopulation", "households"),
    **_columns(NONE, "ticketsequence", "commune_id", "year", "last_seq"),
    **_columns(NONE, "jobmark", "id", "job", "key", "done_at"),
    **_columns(NONE, "schedulerlease", "name", "holder", "expires_at"),
    **_columns(NONE, "sitekey", "name", "value", "created_at"),
}


def test_every_column_says_whether_it_holds_a_residents_identifiers() -> None:
    found = {f"{t.name}.{c.name}" for t in SQLModel.metadata.sorted_tables for c in t.columns}
    assert sorted(found - COLUMNS.keys()) == [], (
        "new columns: may they hold a resident's chat id, name, phone or words? Place them "
        "in COLUMNS, and if they may, make services/privacy erase them"
    )
    assert sorted(COLUMNS.keys() - found) == [], "columns that are gone"


async def test_after_an_erasure_no_value_anywhere_holds_the_resident(
    session: AsyncSession, tmp_path: Path
) -> None:
    _commune, _officer, hoa, _an, _closed, _others = await hoa_world(session)
    words = tuple(s for s in SECRETS if s != str(HOA_ID))
    before = await traces(session, chat_id=HOA_ID, words=words)
    places = {hit.split(":")[0] for hit in before}
    assert places >= {
        "resident.telegram_id",
        "ticket.text",
        "notification.result",
        "inboxupdate.chat_id",
        "conversationstate.key",
        "channelmessage.chat_id",
        "auditentry.actor_telegram_id",
    }, "she is everywhere a resident leaves a trace"
    assert {p for p in places if COLUMNS[p] != RESIDENT} == set(), "and only there"

    await erasure.request_erasure(
        session, hoa, NOW, ledger=ErasureLedger(tmp_path / "erasures.ledger")
    )

    assert await traces(session, chat_id=HOA_ID, words=words) == []
