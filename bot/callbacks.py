"""Typed callback data. Prefixes carry a version, so buttons on old messages never break
a newer bot: an unknown prefix is answered as a stale button."""

from aiogram.filters.callback_data import CallbackData


class KindChoice(CallbackData, prefix="k1"):
    kind: str


class CategoryChoice(CallbackData, prefix="c1"):
    category_id: int


class VillageChoice(CallbackData, prefix="v1"):
    village_id: int  # 0: not given


class FlowAction(CallbackData, prefix="f1"):
    action: str  # next, submit, edit, cancel


class EditField(CallbackData, prefix="e1"):
    field: str


class QuickFile(CallbackData, prefix="q1"):
    message_id: int
    action: str  # send, details, no


class CommuneChoice(CallbackData, prefix="m1"):
    commune_id: int


class PhoneReveal(CallbackData, prefix="p1"):
    ticket_id: int


class LanguageChoice(CallbackData, prefix="l1"):
    language: str


class TicketDetails(CallbackData, prefix="s1"):
    ticket_id: int
