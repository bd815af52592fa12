"""`python -m tui` runs paperdeck exactly as the `paperdeck` command does."""

from tui.cli import main

raise SystemExit(main())
