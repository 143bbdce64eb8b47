"""`python -m bot` runs the bot (long polling); `python -m bot <command> …` is the CLI."""

import asyncio
import logging
import sys

from bot.cli import COMMANDS
from bot.cli import main as cli_main
from bot.config import ConfigError, load_settings


def run_bot() -> int:
    try:
        settings = load_settings()
        settings.require_token()
    except ConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    from bot.app import BotApp  # aiogram takes seconds to import: only when it will run
    from services.migrations import upgrade_database

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    upgrade_database(settings.database_url)
    app = BotApp.create(settings)
    asyncio.run(app.run_polling())
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in COMMANDS:
        return cli_main(sys.argv[1:])
    if len(sys.argv) > 1:
        print(f"Error: unknown argument {sys.argv[1]!r}. Run `pakn --help`.", file=sys.stderr)
        return 2
    return run_bot()


if __name__ == "__main__":
    sys.exit(main())
