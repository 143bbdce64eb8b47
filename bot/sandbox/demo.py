"""The demo commune, made through the services as `pakn` would, and the people on the page:
residents, the staff group and the staff members' private chats."""

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram, FakeUser
from bot.ui.keyboards.resident import main_menu
from models import Commune, Role
from services.communes import registry as communes
from services.people import residents, staff

DEMO_CODE = "7060"  # Xã Thống Nhất, Quảng Ninh
POPULATION, HOUSEHOLDS = 12290, 3100
VILLAGES = ("Thôn Yên Phú", "Thôn Yên Mỹ", "Thôn Đồng Sơn", "Thôn Khe Cát")
ADDRESS = "Thôn Yên Phú, xã Thống Nhất, tỉnh Quảng Ninh"
RECEPTION = "Thứ Năm hằng tuần, 7:30–11:00"
PLACE = (21.0464, 107.1536)  # a point in the demo commune, for "send my location"
PLACES = [  # presets for the page's location picker (approximate points in the commune)
    {"name": "UBND xã Thống Nhất", "latitude": 21.0464, "longitude": 107.1536},
    {"name": "Nhà văn hóa Thôn Yên Phú", "latitude": 21.0512, "longitude": 107.1489},
    {"name": "Trường Tiểu học Thống Nhất", "latitude": 21.0431, "longitude": 107.1602},
    {"name": "Đường liên thôn Yên Mỹ – Đồng Sơn", "latitude": 21.0387, "longitude": 107.1451},
]
GROUP_TITLE = "Tổ xử lý PAKN xã Thống Nhất"


@dataclass(frozen=True)
class Person:
    name: str  # the whole name in first_name, as most Vietnamese accounts have it
    phone: str
    role: Role | None = None
    title: str | None = None


STAFF = (  # (who, shown with a private chat on the page)
    (Person("Trần Thị Lan", "0903111222", Role.OFFICER, "Công chức Văn phòng – Thống kê"), True),
    (Person("Ngô Xuân Mạnh", "0903333444", Role.ADMIN, "Phó Chủ tịch UBND xã"), True),
    (Person("Lê Văn Hùng", "0903555666", Role.OFFICER, "Công chức Địa chính – Xây dựng"), False),
)
RESIDENTS = (
    Person("Nguyễn Thị Hoa", "0912345678"),
    Person("Trần Văn Bình", "0987654321"),
    Person("Lê Thị Cúc", "0977123456"),
    Person("Phạm Văn Dũng", "0966234567"),
    Person("Hoàng Thị Hạnh", "0355345678"),
    Person("Vũ Đình Khoa", "0388456789"),
)


@dataclass
class Phone:
    """One chat on the page and the person who speaks in it."""

    chat_id: int
    kind: str  # resident, group, officer
    title: str
    user_id: int
    phone: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.chat_id, "kind": self.kind, "title": self.title, "user_id": self.user_id}


def _user(fake: FakeTelegram, person: Person, lang: str, *, started: bool) -> FakeUser:
    return fake.add_user(person.name, language_code=lang, started=started)


async def seed(session: AsyncSession, fake: FakeTelegram, lang: str) -> tuple[Commune, list[Phone]]:
    """The commune, its villages, population, staff and group, and the first resident."""
    commune = await communes.add_commune(
        session, DEMO_CODE, year=_year(fake), population=POPULATION, households=HOUSEHOLDS
    )
    for village in VILLAGES:
        await communes.add_village(session, commune, village)
    phones: list[Phone] = []
    members: list[tuple[FakeUser, Person, bool]] = []
    for person, shown in STAFF:
        user = _user(fake, person, lang, started=True)  # staff have talked to the bot before
        assert person.role is not None
        await staff.add_staff(
            session,
            commune,
            telegram_id=user.id,
            role=person.role,
            name=person.name,
            title=person.title,
        )
        members.append((user, person, shown))
    group = fake.add_group(GROUP_TITLE, members=[user for user, _, _ in members])
    await communes.update_commune(
        session, commune, staff_chat_id=group.id, address=ADDRESS, reception_schedule=RECEPTION
    )
    officer, officer_person, _ = members[0]
    phones.append(Phone(group.id, "group", GROUP_TITLE, officer.id, officer_person.phone))
    for user, person, shown in members:
        if shown:
            title = f"{person.name} · {person.title}"
            phones.append(Phone(user.id, "officer", title, user.id, person.phone))
    first = await add_resident(session, fake, 0, lang)
    return commune, [first, *phones]


async def add_resident(session: AsyncSession, fake: FakeTelegram, index: int, lang: str) -> Phone:
    """The index-th demo resident, with a Telegram account that has not written yet."""
    person = RESIDENTS[index]
    user = _user(fake, person, lang, started=False)
    if lang != "vi":  # the bot speaks the resident's chosen language
        await set_language(session, [user], lang)
    return Phone(user.id, "resident", person.name, user.id, person.phone)


async def set_language(session: AsyncSession, users: list[FakeUser], lang: str) -> None:
    """As if each had chosen the language in the bot: their phone and the bot agree."""
    for user in users:
        user.user.language_code = lang
        resident = await residents.get_or_create_by_telegram(
            session, user.id, full_name=user.first_name, username=user.username
        )
        await residents.set_language(session, resident, lang)


async def menus_again(bot: Bot, i18n: I18n, users: list[FakeUser], lang: str) -> None:
    """Phones showing the main menu get it again in the new language, as the bot's own
    /language does: a keyboard left in the old one would not match its handlers."""
    token = I18n.set_current(i18n)
    try:
        with i18n.use_locale(lang):
            for user in users:
                shown = user.private_chat.reply_keyboard
                if shown is not None and shown[1].get("is_persistent"):
                    await bot.send_message(
                        user.id, _("Language: English"), reply_markup=main_menu()
                    )
    finally:
        I18n.reset_current(token)


def _year(fake: FakeTelegram) -> int:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(fake.state.clock(), UTC).year
