"""`python -m bot` runs the product: the residents' web page, the scheduler and, with a
BOT_TOKEN, the Telegram bot (long polling or webhook); `python -m bot <command> …` is the CLI;
`python -m bot --sandbox` is the training sandbox (no token, no Telegram)."""

import argparse
import asyncio
import gc
import logging
import sys

from config.settings import ConfigError, load_settings
from server.roles import ROLES, plan_for


def freeze_startup_objects() -> None:
    """Move what the imports and the app's setup built (~1,800 modules' worth, alive as long
    as the process) out of the collector's reach. Otherwise every full collection walks it
    all again: 150–170 ms pauses while residents wait, measured under load; 25–30 ms after
    (bench/README.md)."""
    gc.collect()
    gc.freeze()


def run(role: str, *, webhook: bool = False) -> int:
    """all: whatever is configured — the web and the scheduler, and Telegram when BOT_TOKEN
    is set (the embedded default); telegram (or bot): only the Telegram bot; web: only the
    web server; scheduler: only the scheduled jobs. Several processes may share one
    database: one scheduler runs. `webhook`: serve Telegram's webhook instead of long
    polling (WEBHOOK_* settings)."""
    try:
        settings = load_settings()
        plan = plan_for(role, settings, webhook=webhook)
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    from services.database.migrations import upgrade_database  # aiogram takes seconds: import late

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bot.runtime.logs import install_token_filter

    install_token_filter(settings.bot_token, settings.webhook_secret, settings.smtp_password)
    upgrade_database(settings.database_url)
    from server import process

    freeze_startup_objects()
    asyncio.run(process.run(settings, plan))
    return 0


def main() -> int:
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # the CLI's modules (and alembic's scripts) only when a command is given: the bot
        # process does without their ~5 MB
        from cli.main import COMMANDS
        from cli.main import main as cli_main

        if sys.argv[1] in COMMANDS:
            return cli_main(sys.argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bot", description="Hòm thư số")
    parser.add_argument("--role", choices=ROLES, default="all")
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of long polling",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="try the bot in a browser: a local Telegram emulator, a demo commune, no token",
    )
    parser.add_argument("--port", type=int, default=8080, help="the sandbox page's port")
    args = parser.parse_args()
    if args.sandbox:
        from bot.sandbox.run import run as run_sandbox

        return run_sandbox(args.port)
    return run(args.role, webhook=args.webhook)


if __name__ == "__main__":
    sys.exit(main())
