"""`paperdeck completions SHELL`: tab completion for bash, zsh and fish, made from the parser.

shtab writes each shell's script from the argument parser itself, so the completions are the
commands and options `paperdeck --help` lists, never a copy that drifts from them. Arguments
named PATH, FILE and DIR complete as files and folders.
"""

from __future__ import annotations

import argparse
import sys

from tui.cli.output import EXIT_OK

SHELLS = ("bash", "zsh", "fish")
# Where each shell looks for a completion script, for the help and the README.
INSTALL = {
    "bash": 'eval "$(paperdeck completions bash)"   # in ~/.bashrc',
    "zsh": 'eval "$(paperdeck completions zsh)"    # in ~/.zshrc, after compinit',
    "fish": "paperdeck completions fish > ~/.config/fish/completions/paperdeck.fish",
}


def completions(parser: argparse.ArgumentParser, shell: str) -> int:
    """Prints the completion script for `shell`."""
    import shtab

    kinds = {"PATH": shtab.FILE, "FILE": shtab.FILE, "DIR": shtab.DIRECTORY}
    for action in _actions(parser):
        if action.metavar in kinds:
            action.complete = kinds[action.metavar]  # type: ignore[attr-defined]
    sys.stdout.write(shtab.complete(parser, shell=shell))
    return EXIT_OK


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every argument of the parser and of its commands."""
    found = []
    # argparse has no public way to walk its tree; `_actions` is what shtab itself walks.
    for action in parser._actions:
        found.append(action)
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _actions(sub)
    return found
