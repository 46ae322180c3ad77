#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["generate_field_key"]:
        # Before the settings load: production settings refuse to load without the very key this
        # command is run to make (QINGLANG_ENV=production is exactly when it is needed).
        from core.crypto import generate_key

        sys.stdout.write(generate_key() + "\n")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
