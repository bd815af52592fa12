"""`python -m tui` runs paperdeck exactly as the `paperdeck` command does."""

from tui.cli.main import main

raise SystemExit(main())
