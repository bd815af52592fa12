"""`python -m tui` runs paperdeck exactly as the `paperdeck` command does."""

from tui.cli.main import main

# Guarded: a child process that paperdeck spawns (`tui.runtime.run_apart`) imports this module
# again under another name, and must not start a second paperdeck.
if __name__ == "__main__":
    raise SystemExit(main())
