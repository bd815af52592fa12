"""The `paperdeck` command line: argument parsing and one module per family of commands."""
