"""The `outsidein` command: every subcommand is a Django management command (serve, worker, demo, import, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["outsidein", *argv])
    args[0] = "outsidein"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
