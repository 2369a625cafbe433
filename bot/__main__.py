"""`python -m bot` is the same program as the `conciliazione-bot` console script."""

from bot.cli import main

raise SystemExit(main())
