#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safety_platform.settings.local")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] != ["runserver"]:
        # Commands (migrations on large tables, backups, recalculations) may run statements longer than a web
        # request's DJANGO_DB_STATEMENT_TIMEOUT; the development server keeps the web's limit.
        try:
            from safety_platform.db_timeouts import use_long_statement_timeout

            use_long_statement_timeout()
        except Exception:  # settings that do not load: the command below reports it properly
            pass
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
