"""``python -m rules`` — see `rules.cli`."""

from .cli import main

raise SystemExit(main())
