from aiogram.fsm.state import State, StatesGroup


class Filing(StatesGroup):
    kind = State()
    category = State()
    description = State()
    attachments = State()
    location = State()
    village = State()
    phone = State()
    review = State()


class ChoosingCommune(StatesGroup):
    search = State()


class DeskInput(StatesGroup):
    """A staff member tapped a button that needs words (reply, result, reason…)."""

    waiting = State()


class FollowUp(StatesGroup):
    adding = State()
    reopen_reason = State()
    comment = State()


class ApologyInput(StatesGroup):
    """A leader tapped ✏️ on a draft apology letter and is writing its new text."""

    writing = State()


class ReportInput(StatesGroup):
    """A leader tapped ✏️ on a report draft and is writing a section's new text."""

    writing = State()


class LogCase(StatesGroup):
    """/log: a staff member records a case received on another channel."""

    commune = State()
    channel = State()
    received = State()
    kind = State()
    category = State()
    village = State()
    name = State()
    phone = State()
    text = State()
    photos = State()
    review = State()


class LogAnswer(StatesGroup):
    """The answer to a citizen without Telegram: how it was given, then on which day."""

    how = State()
    day = State()
