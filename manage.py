#!/usr/bin/env python
"""Django's manage.py for those who expect it; ``lintas`` is the same command."""

from lintas.cli import main

if __name__ == "__main__":
    main()
