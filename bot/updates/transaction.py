"""What an update changes is committed together: its effects, its conversation state and
the mark that it is done in the inbox.

Handlers and services commit the session of the update (DbSessionMiddleware) themselves,
sometimes more than once. Two things ride along with those commits, written just before
each one (SQLAlchemy's `before_commit`):
- the conversation (FSM) state the handler set for the update's own chat, buffered in
  memory until then, so the state and the case it describes never disagree after a crash,
  and the write lock is taken only when the session commits, never while a handler talks to
  Telegram. The chat's next update waits for this one, so it sees the state. State set for
  another chat (an officer asked in private after a tap in the group) is written at once:
  their answer may arrive before this update's commit;
- once the handler runs, the inbox row of the update is marked done, so a crash before the
  first commit of the handler's effects processes the update again and a crash after it
  does not process it twice. So a handler commits its work once: an earlier commit of its
  own would carry the mark, and a crash after it would lose the rest. The update counts as
  marked only once that commit succeeded:
  a commit refused by the database (locked, connection lost) leaves it to be tried again.
A rollback forgets the buffered state, as it forgets everything else."""

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, event, null, update
from sqlalchemy.orm import Session
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ConversationState, InboxUpdate
from models.base import utcnow

UNSET: Any = object()


@dataclass
class PendingState:
    state: str | None = UNSET
    data: dict[str, Any] = UNSET


@dataclass
class UpdateWork:
    """What rides on the next commit of the update's session."""

    chat_id: int | None = None  # the update's own chat: only its state is buffered
    update_id: int | None = None  # set when the handler starts; cleared once marked
    marking: int | None = None  # the update id a commit under way marks done
    marked: bool = False  # a commit that succeeded marked the update done
    states: dict[str, PendingState] = field(default_factory=dict)
    # the own chat's state as the database holds it, read once per update: handlers and
    # filters ask for it several times, and only this update writes it while it runs
    stored: dict[str, tuple[str | None, dict[str, Any]]] = field(default_factory=dict)
    # the rows behind `stored` (None: there is none), held so the commit writes them without
    # reading them again: the session's identity map holds its rows only weakly
    rows: dict[str, ConversationState | None] = field(default_factory=dict)


@dataclass
class UpdateOutcome:
    """What the update runner learns after the handler: whether it must still mark the
    update done itself."""

    marked_done: bool = False
    may_retry: bool = False  # a passing database fault is tried again, not apologised for
    again: bool = False  # claimed before: a run that died, or a fault, may have done part


_current: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)
_outcome: ContextVar[UpdateOutcome | None] = ContextVar("update_outcome", default=None)
_KEY = "pakn_update_work"


def current_session() -> AsyncSession | None:
    """The session of the update being handled in this task, if any."""
    return _current.get()


def bind(session: AsyncSession, chat_id: int | None) -> Any:
    """Make `session` the update's session for this task; returns the token to `unbind`."""
    session.sync_session.info[_KEY] = UpdateWork(chat_id=chat_id)
    return _current.set(session)


def unbind(token: Any) -> None:
    _current.reset(token)


def watch_outcome(*, may_retry: bool = False, again: bool = False) -> UpdateOutcome:
    """Called by the update's task before it feeds the update to the dispatcher."""
    outcome = UpdateOutcome(may_retry=may_retry, again=again)
    _outcome.set(outcome)
    return outcome


def processing_again() -> bool:
    """Whether the update being handled was claimed before (its Telegram side effects up to
    the failure may be there already)."""
    outcome = _outcome.get()
    return outcome is not None and outcome.again


def may_retry() -> bool:
    """Whether the update being handled will be tried again if it fails now."""
    outcome = _outcome.get()
    return outcome is not None and outcome.may_retry


def report_outcome(session: AsyncSession) -> None:
    """Called by the session's middleware when the handler is over, committed or not."""
    outcome, pending = _outcome.get(), work(session)
    if outcome is not None and pending is not None and pending.marked:
        outcome.marked_done = True


def work(session: AsyncSession) -> UpdateWork | None:
    found = session.sync_session.info.get(_KEY)
    return found if isinstance(found, UpdateWork) else None


def arm_inbox_mark(session: AsyncSession, update_id: int) -> None:
    """From now on, the next commit also marks the update done."""
    pending = work(session)
    if pending is not None:
        pending.update_id = update_id


# Built once, as it runs for every update; no InboxUpdate object in the update's session
# needs keeping in step (which costs the ORM a pass over the session's objects).
_MARK_DONE = (
    update(InboxUpdate)
    .where(col(InboxUpdate.update_id) == bindparam("marked_update_id"))
    .where(col(InboxUpdate.done_at).is_(None))
    .values(done_at=bindparam("marked_at"), payload=null(), lease_until=None)
    .execution_options(synchronize_session=False)
)


@event.listens_for(Session, "before_commit")
def _ride_along(session: Session) -> None:
    pending = session.info.get(_KEY)
    if not isinstance(pending, UpdateWork):
        return
    for key, change in pending.states.items():
        pending.stored[key] = _write_state(session, key, change, pending.rows)
    pending.states.clear()
    if pending.update_id is not None:
        session.execute(_MARK_DONE, {"marked_update_id": pending.update_id, "marked_at": utcnow()})
        pending.marking, pending.update_id = pending.update_id, None


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    pending = session.info.get(_KEY)
    if isinstance(pending, UpdateWork) and pending.marking is not None:
        pending.marking = None
        pending.marked = True


async def rollback(session: AsyncSession) -> None:
    """Undo the update's work, its buffered state included (a rollback with no transaction
    begun fires no event)."""
    _forget(session.sync_session)
    await session.rollback()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    pending = session.info.get(_KEY)
    if isinstance(pending, UpdateWork):
        pending.states.clear()
        pending.stored.clear()  # may hold what the failed commit wrote: read it again
        pending.rows.clear()
        if pending.marking is not None:  # the commit that would have marked it failed
            pending.update_id, pending.marking = pending.marking, None


def _write_state(
    session: Session, key: str, change: PendingState, rows: dict[str, ConversationState | None]
) -> tuple[str | None, dict[str, Any]]:
    """Returns the state and data the row now holds; `rows` has the row read for this update
    (or None for none), kept up to date."""
    row = rows[key] if key in rows else session.get(ConversationState, key)
    if row is None:
        row = ConversationState(key=key)
    if change.state is not UNSET:
        row.state = change.state
    if change.data is not UNSET:
        row.data = dict(change.data)
    row.updated_at = utcnow()
    if row.state is None and not row.data:
        if row in session:
            session.delete(row)
        rows[key] = None
    else:
        session.add(row)
        rows[key] = row
    return row.state, dict(row.data or {})
