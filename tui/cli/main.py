"""The `paperdeck` command: open the reader, or add, fetch, check, list and export from the shell.

Exit status: 0 clean, 1 when an error diagnostic was printed, 2 for usage errors and
paths that cannot be read. No traceback ever reaches the user: an unexpected failure is
written to a crash log in the data home and named in a one-line message.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from tui import __version__
from tui.cli import (
    add_commands,
    app_commands,
    config_commands,
    doctor_command,
    export_commands,
    library_commands,
    review_commands,
    shell_commands,
    state_commands,
    stats_and_settings,
    sync_commands,
)
from tui.cli.output import EXIT_ERRORS, EXIT_OK, EXIT_USAGE
from tui.config import config_path
from tui.config import load as load_config
from tui.home import Home, resolve_home
from tui.library.opening import LibraryUnavailable
from tui.settings import SETTINGS, choose_defaults
from tui.sorting import DATE, SORTS

# Each command, and how it is called with the parsed arguments.
COMMANDS: dict[str, Callable[[Home, argparse.Namespace], int]] = {
    "open": lambda home, args: app_commands.open_reader(
        home, args.paths, year=args.year, config_problems=args.loaded_config.problems
    ),
    "add": lambda home, args: add_commands.add_or_link(
        home, args.paths, year=args.year, link=args.link, unlink=args.unlink, linked=args.linked
    ),
    "check": lambda _home, args: library_commands.check(args.paths, as_json=args.json, year=args.year, jobs=args.jobs),
    "list": lambda home, args: library_commands.list_papers(
        home,
        date_filter=args.date,
        tag=args.tag,
        as_json=args.json,
        starred=args.starred,
        unread=args.unread,
        query_text=args.query,
        sort=args.sort,
    ),
    "mark": lambda home, args: state_commands.mark(home, args.action, args.ids),
    "watch": lambda home, args: state_commands.watch(
        home, args.watch_action, getattr(args, "kind", None), getattr(args, "value", []), as_json=args.json
    ),
    "review": lambda home, args: app_commands.review(home, year=args.year, config_problems=args.loaded_config.problems),
    "config": lambda home, args: config_commands.config(
        home, args.loaded_config, path_only=args.path, init=args.init, force=args.force
    ),
    "stats": lambda home, args: stats_and_settings.stats(home, as_json=args.json),
    "optimize": lambda home, args: review_commands.optimize(home, reset=args.reset, as_json=args.json),
    "settings": lambda home, args: stats_and_settings.settings(home, args.name, args.value),
    "fetch": lambda home, args: library_commands.fetch(
        home, day_text=args.date, week=args.week, base_url=args.base_url, timeout=args.timeout
    ),
    "export": lambda home, args: export_commands.export_papers(
        home, format_name=args.format, starred=args.starred, query_text=args.query, output=args.output
    ),
    "sync": lambda home, args: sync_commands.sync(home, args.folder, status=args.status, as_json=args.json),
    "doctor": lambda home, args: doctor_command.doctor(home, args.loaded_config),
    "completions": lambda _home, args: shell_commands.completions(build_parser(), args.shell),
    "backup": lambda home, args: export_commands.backup(home, args.file, force=args.force),
    "restore": lambda home, args: export_commands.restore(home, args.file, force=args.force),
}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data home (default: $PAPERDECK_HOME, else the platform's user data folder)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: $PAPERDECK_CONFIG, else config.toml in the platform's user config folder)",
    )
    year = argparse.ArgumentParser(add_help=False)
    year.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="year of Daily Papers pages whose dates carry none (default: inferred)",
    )

    parser = argparse.ArgumentParser(
        prog="paperdeck",
        description="A terminal reader for daily machine-learning paper digests, with spaced review.",
        epilog="With no command, opens the reader: paperdeck [PATH ...].",
    )
    parser.add_argument("--version", action="version", version=f"paperdeck {__version__}")
    parser.add_argument("--home", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--config", metavar="FILE", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    open_ = commands.add_parser(
        "open",
        parents=[common, year],
        help="open the reader (the default command)",
        description="Open the reader on the library, plus any digest files or folders given.",
    )
    open_.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="extra digest files or folders")

    add = commands.add_parser(
        "add",
        parents=[common, year],
        help="copy digest files into the library",
        description="Copy digest files (a folder: every .txt and .json in it; '-': standard input) into the "
        "library, skipping files already there, and report what they hold. With --link, a folder of notes "
        "(a vault: every .md in it and its subfolders) is read where it is instead, never written to.",
    )
    add.add_argument("paths", nargs="*", metavar="PATH", help="digest file, folder, or - for stdin")
    linking = add.add_mutually_exclusive_group()
    linking.add_argument("--link", metavar="DIR", help="add a folder of notes to the library by reference")
    linking.add_argument("--unlink", metavar="DIR", help="take a linked folder out of the library (it is not touched)")
    linking.add_argument("--linked", action="store_true", help="list the linked folders")

    check = commands.add_parser(
        "check",
        parents=[year],
        help="parse digests without importing them",
        description="Parse digest files and report per file: format, dates, papers, diagnostics.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="digest file or folder")
    check.add_argument("--json", action="store_true", help="print one JSON object per paper per line")
    check.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="parse in N processes when there are many files (default: one per CPU)",
    )

    list_ = commands.add_parser(
        "list",
        parents=[common],
        help="list the library's papers, for scripts",
        description="List the papers of the library as tab-separated lines: date, id, title, tags.",
    )
    list_.add_argument(
        "--date", metavar="D", help="only papers of this digest date (2025-06-11, 2025-06, 'Jun 11 2025')"
    )
    list_.add_argument("--tag", metavar="T", help="only papers with this tag")
    list_.add_argument("--starred", action="store_true", help="only starred papers")
    list_.add_argument("--unread", action="store_true", help="only papers not yet read")
    list_.add_argument(
        "--query",
        metavar="Q",
        help='only papers this filter keeps, as the reader\'s / filter: words, "phrases", '
        "tag:rl, unread, read, starred, due, after:2025-06-01, before:2025-07",
    )
    list_.add_argument(
        "--sort",
        default=DATE,
        metavar="ORDER",
        help="list in this order: "
        + "; ".join(f"{name} ({about})" for name, about in SORTS.items())
        + f" (default: {DATE})",
    )
    list_.add_argument("--json", action="store_true", help="print one JSON object per paper per line")

    mark = commands.add_parser(
        "mark",
        parents=[common],
        help="mark papers read or unread, starred or not",
        description="Mark papers, by the ids 'paperdeck list' prints, read, unread, starred or unstarred, "
        "all in one change. Starring puts each paper newly starred in the review deck when the setting "
        "star_adds_card is on; unstarring keeps the cards. If any id is not a paper of the library, "
        "nothing is changed.",
    )
    mark.add_argument("action", choices=tuple(state_commands.MARKS), help="what to mark the papers")
    mark.add_argument("ids", nargs="+", metavar="ID", help="a paper id, or - to read them from stdin, one per line")

    watch = commands.add_parser(
        "watch",
        parents=[common],
        help="watch authors, words and tags",
        description="Add to, take from or list the watch list the reader's tree shows: authors (a name "
        "in a paper's authors), words (where a word starts in title, abstract or commentary) and tags.",
    )
    watching = watch.add_subparsers(dest="watch_action", metavar="ACTION", required=True)
    for action, about in (("add", "watch an author, a word or a tag"), ("remove", "stop watching one")):
        changing = watching.add_parser(
            action, parents=[common], help=about, description=about[0].upper() + about[1:] + "."
        )
        changing.add_argument("kind", metavar="KIND", help="author, word or tag")
        changing.add_argument("value", nargs="+", metavar="VALUE", help="the name, word or tag (words are joined)")
    listing = watching.add_parser(
        "list",
        parents=[common],
        help="the watched items and how many papers each matches",
        description="Print each watched item with the number of the library's papers it matches.",
    )
    listing.add_argument("--json", action="store_true", help="print one JSON object per item per line")
    watch.set_defaults(json=False)

    commands.add_parser(
        "review",
        parents=[common, year],
        help="review your flashcards now",
        description="Open a review session of the cards due (and new ones up to the daily limit), then leave.",
    )
    stats = commands.add_parser(
        "stats",
        parents=[common],
        help="review statistics: calendar, forecast, retention",
        description="Print the review calendar of the last year, the cards due in the next 30 days, "
        "and the cards by state, true retention and average retrievability.",
    )
    stats.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    optimize = commands.add_parser(
        "optimize",
        parents=[common],
        help="fit the review's FSRS parameters to your own answers",
        description="Fit FSRS's 21 parameters to your review log with fsrs-rs, measure the log loss and "
        "RMSE(bins) of the defaults and of the fit on the same answers, and keep the fit only if it predicts "
        "better. Each card's memory is then worked out again; due dates stay. Needs at least 8 answers on a "
        "later day than the card's answer before (64 to fit more than the first four parameters).",
    )
    optimize.add_argument("--reset", action="store_true", help="go back to the parameters used before")
    optimize.add_argument(
        "--json",
        action="store_true",
        help='print {"answers", "default": {"log_loss", "rmse_bins"}, "fitted": {...}, "kept", ...}',
    )
    settings = commands.add_parser(
        "settings",
        parents=[common],
        help="show or change the settings",
        description="With no arguments, print every setting; with NAME, print one; with NAME VALUE, change "
        "it. Settings: " + "; ".join(f"{setting.name} ({setting.expects()})" for setting in SETTINGS) + ".",
    )
    settings.add_argument("name", nargs="?", metavar="NAME")
    settings.add_argument("value", nargs="?", metavar="VALUE")

    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="sync marks, stars, notes and answers through a folder a sync tool keeps",
        description="With DIR, make DIR this machine's sync folder (a folder Syncthing, Dropbox, iCloud Drive, "
        "a git repository or rsync keeps alike on every machine) and sync now; without it, sync again. Each "
        "machine writes only its own files there; changes merge field by field, the later winning, and every "
        "review answer from every machine is kept. The open reader syncs by itself.",
    )
    sync.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="the folder to sync through, from now on")
    sync.add_argument("--status", action="store_true", help="say where and when this machine syncs, and who else")
    sync.add_argument("--json", action="store_true", help="print what went out and came in as one JSON object")

    commands.add_parser(
        "doctor",
        parents=[common],
        help="check the config file, data home, store, index, library, clipboard, terminal and sync",
        description="Look at everything paperdeck depends on and say, one line each, whether it is OK "
        "or what to do. Nothing is changed. Exit status 1 when something needs fixing.",
    )
    config = commands.add_parser(
        "config",
        parents=[common],
        help="show the config file's path, its settings, or write a commented one",
        description="Print every setting as it holds and where it comes from (set in the app or with "
        "`paperdeck settings`, the config file, or paperdeck's default), and any problem of the config file.",
    )
    config.add_argument("--path", action="store_true", help="print only where the config file is")
    config.add_argument("--init", action="store_true", help="write a commented config file with every setting")
    config.add_argument("--force", action="store_true", help="with --init: replace an existing file")
    completions = commands.add_parser(
        "completions",
        help="print the tab-completion script for bash, zsh or fish",
        description="Print a script that completes paperdeck's commands, options and paths in SHELL. "
        + "; ".join(f"{shell}: {how}" for shell, how in shell_commands.INSTALL.items())
        + ".",
    )
    completions.add_argument("shell", choices=shell_commands.SHELLS, metavar="SHELL", help="bash, zsh or fish")

    fetch = commands.add_parser(
        "fetch",
        parents=[common],
        help="download Hugging Face Daily Papers into the library",
        description="Download the Hugging Face daily papers API's list of a day (default: today) or "
        "of every day of an ISO week so far, and save each day into the library as "
        "hf-api-YYYY-MM-DD.json, replacing an earlier fetch of that day. A day that fails saves nothing.",
    )
    when = fetch.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="the day to fetch (default: today)")
    when.add_argument("--week", metavar="YYYY-Www", help="every day of this ISO week up to today, e.g. 2025-W24")
    fetch.add_argument(
        "--base-url",
        metavar="URL",
        help="where the API lives (default: $PAPERDECK_HF_URL, else https://huggingface.co)",
    )
    fetch.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="give up on a day after this long (default: 20)"
    )

    export = commands.add_parser(
        "export",
        parents=[common],
        help="write papers as Markdown, JSON, CSV or BibTeX",
        description="Write the library's papers, newest first, as a Markdown reading list, JSON "
        "(every field and your state; 'paperdeck add' reads it back), CSV for spreadsheets "
        "(UTF-8 with a byte-order mark) or BibTeX.",
    )
    export.add_argument("--format", required=True, choices=("md", "json", "csv", "bibtex"), help="the file format")
    export.add_argument("--starred", action="store_true", help="only starred papers")
    export.add_argument(
        "--query",
        metavar="Q",
        help='only papers this filter keeps, as the reader\'s / filter: words, "phrases", '
        "tag:rl, unread, read, starred, due, after:2025-06-01, before:2025-07",
    )
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: standard output)")

    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="save your store, review log, library and themes in one archive",
        description="Write the data home's store.json, reviews.jsonl, library/ and themes/ into one "
        ".tar.gz archive, with a manifest of checksums. The library index is left out.",
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="the archive to write, e.g. paperdeck-backup.tar.gz")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="bring a backup back into the data home",
        description="Check a backup made by 'paperdeck backup' and put its files in the data home. "
        "A home that already has a store or a library is left alone unless --force is given; "
        "then what was there is moved into a folder replaced-by-restore-DATE in the home.",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="the archive 'paperdeck backup' wrote")
    restore.add_argument("--force", action="store_true", help="replace an existing store and library")
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """`paperdeck [PATH ...]` means `paperdeck open [PATH ...]`."""
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("-h", "--help", "--version") or arg in COMMANDS:
            return argv
        if arg in ("--home", "--config"):
            index += 2
            continue
        if arg.startswith(("--home=", "--config=")):
            index += 1
            continue
        break
    return [*argv[:index], "open", *argv[index:]]


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(with_default_command(args_list))
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `paperdeck list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        # The data home or a file could not be used: the user can act on a plain message.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"paperdeck: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except LibraryUnavailable as exc:  # not even a temporary index (a full disk, no writable folder)
        print(f"paperdeck: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    except Exception:
        return _report_crash(args)


def _run(args: argparse.Namespace) -> int:
    home = resolve_home(getattr(args, "home", None))
    config = load_config(config_path(getattr(args, "config", None)))
    choose_defaults(config.settings)
    args.loaded_config = config
    if args.command not in ("open", "review", "config", "doctor", None):
        for problem in config.problems:  # the reader shows them; `config` lists them itself
            print(f"paperdeck: {problem}", file=sys.stderr)
    # A bare trailing `--home` takes the `open` put after it as its folder, leaving no command.
    return COMMANDS.get(args.command, COMMANDS["open"])(home, args)


def _report_crash(args: argparse.Namespace) -> int:
    text = traceback.format_exc()
    try:
        home = resolve_home(getattr(args, "home", None))
        home.root.mkdir(parents=True, exist_ok=True)
        log = home.root / "crash.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} paperdeck {__version__}\n{text}\n")
        where = f"details are in {log}"
    except OSError:
        where = "and the crash log could not be written"
    last = text.strip().splitlines()[-1] if text.strip() else "unknown error"
    print(f"paperdeck: internal error ({last}); {where}. Please report it.", file=sys.stderr)
    return EXIT_USAGE
