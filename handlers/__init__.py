"""aiogram routers, the conversation: thin adapters that parse, call a service and reply.
`build_root_router` puts them in the order they are tried: staff first, then residents."""

from aiogram import Router

from handlers.desk import apology as desk_apology
from handlers.desk import buttons as desk_buttons
from handlers.desk import commands as desk_commands
from handlers.desk import export as desk_export
from handlers.desk import input as desk_input
from handlers.desk import report as desk_report
from handlers.desk import templates as desk_templates
from handlers.desk.log import answer as desk_log_answer
from handlers.desk.log import flow as desk_log
from handlers.desk.log import input as desk_log_input
from handlers.flood import FloodMiddleware
from handlers.gate import StaffGroupGate
from handlers.menu import MenuTaps
from handlers.resident import build_router as build_resident_router
from handlers.resident.fallback import stale_button
from handlers.routing import attach
from handlers.staff import admin as staff_admin
from handlers.staff import group as staff
from handlers.staff import help as staff_help
from handlers.staff import invitations as staff_invitations
from handlers.staff import onboarding as staff_onboarding


def build_root_router() -> Router:
    root = Router(name="root")
    flood = FloodMiddleware()  # one gate per dispatcher, for messages and buttons alike
    root.message.outer_middleware(flood)
    root.callback_query.outer_middleware(flood)
    root.message.outer_middleware(StaffGroupGate())  # a staff group answers its staff only
    root.message.outer_middleware(MenuTaps())  # before any question waiting for words
    stale = Router(name="stale_buttons")
    stale.callback_query.register(stale_button)  # last: a button nobody handles any more
    attach(
        root,
        staff_onboarding.router,
        staff_help.router,  # staff's /start and /help, before the residents'
        staff_invitations.router,
        staff_admin.router,
        staff.router,
        desk_log.router,  # /log: cases from other channels, before the resident flow
        desk_log_input.router,
        desk_log_answer.router,
        desk_templates.router,
        desk_apology.router,
        desk_report.router,
        desk_export.router,
        desk_buttons.router,
        desk_commands.router,
        desk_input.router,
        build_resident_router(),
        stale,
    )
    return root
