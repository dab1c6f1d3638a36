#!/usr/bin/env python
"""The Django example's command line: migrate, seed_users, runserver."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostapp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
