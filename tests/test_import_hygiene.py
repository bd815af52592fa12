"""The layers hold: only tui/ui/ imports Textual, and what lies below the UI never reaches up into it.

The data flows one way, files -> parse -> library -> state -> reading and review rules -> sync
-> cli and ui. These tests read every module's imports (those inside functions too) and fail naming
the module and line that breaks the rule; a second test imports the layers below the UI in a
fresh interpreter and checks that Textual was never loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tui"
# What each layer may import of paperdeck's own packages; a layer absent from a row may not be
# imported by it. Top-level modules (tui.model, tui.settings, tui.query, ...) are the "core".
MAY_IMPORT = {
    "parse": {"parse", "core"},
    "library": {"parse", "library", "core", "state"},
    "state": {"state", "core"},
    "review": {"review", "state", "core", "library"},
    "core": {"core", "parse", "library", "state", "review"},
    # Sync moves the state and the answers between machines; only the entry points start it.
    "sync": {"sync", "core", "library", "state", "review"},
    "cli": {"cli", "core", "parse", "library", "state", "review", "sync"},
    "ui": {"ui", "core", "parse", "library", "state", "review", "sync"},
    "entry": {"cli"},  # python -m tui
}
# The command line may reach into the UI only to launch the app.
CLI_MAY_LAUNCH = {"tui.ui.app"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    line: int
    target: str  # the imported module, dotted


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[Import]:
    return _imports_in(path.read_text(encoding="utf-8"), _module_name(path))


def _imports_in(source: str, module: str) -> list[Import]:
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(Import(module, node.lineno, node.module))
            # `from tui import cache` imports the module tui.cache
            found += [Import(module, node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _layer(dotted: str) -> str:
    if dotted == "tui.__main__":
        return "entry"
    parts = dotted.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1]
    return "core"


def _is_paperdeck_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (PACKAGE / relative).is_dir() or (PACKAGE / relative).with_suffix(".py").is_file()


MODULES = sorted(PACKAGE.rglob("*.py"))
ALL_IMPORTS = [found for path in MODULES for found in _imports(path)]


def test_the_modules_are_found():
    names = {_module_name(path) for path in MODULES}
    assert {"tui.ui.app", "tui.model", "tui.parse.detect", "tui.state.store", "tui.cli.main"} <= names
    assert len(ALL_IMPORTS) > 200


def _textual_outside_the_ui(imports: list[Import]) -> list[str]:
    return [
        f"{i.module}:{i.line} imports {i.target}"
        for i in imports
        if (i.target == "textual" or i.target.startswith("textual.")) and not i.module.startswith("tui.ui")
    ]


def _against_the_flow(imports: list[Import]) -> list[str]:
    offenders = []
    for i in imports:
        if not i.target.startswith("tui.") or not _is_paperdeck_module(i.target):
            continue
        source, target = _layer(i.module), _layer(i.target)
        if source == "cli" and target == "ui" and i.target in CLI_MAY_LAUNCH:
            continue
        if target not in MAY_IMPORT[source]:
            offenders.append(f"{i.module}:{i.line} ({source}) imports {i.target} ({target})")
    return offenders


def test_only_the_ui_imports_textual():
    offenders = _textual_outside_the_ui(ALL_IMPORTS)
    assert offenders == [], "Textual is the UI's business alone:\n" + "\n".join(offenders)


def test_each_layer_imports_only_the_layers_below_it():
    offenders = _against_the_flow(ALL_IMPORTS)
    assert offenders == [], "an import against the flow of the layers:\n" + "\n".join(offenders)


def test_the_rules_catch_what_they_are_meant_to():
    # The checks above pass on a clean tree; this shows they would fail on a dirty one, imports
    # inside functions included.
    source = "def f():\n    from textual.widgets import Static\n    import tui.ui.widgets.detail\n"
    imports = _imports_in(source, "tui.state.bad")
    assert _textual_outside_the_ui(imports) == [
        "tui.state.bad:2 imports textual.widgets",
        "tui.state.bad:2 imports textual.widgets.Static",
    ]
    assert _against_the_flow(imports) == ["tui.state.bad:3 (state) imports tui.ui.widgets.detail (ui)"]
    launching = _imports_in("from tui.ui.app import PaperdeckApp\nfrom tui.ui.screens import stats\n", "tui.cli.x")
    assert _against_the_flow(launching) == [
        "tui.cli.x:2 (cli) imports tui.ui.screens (ui)",
        "tui.cli.x:2 (cli) imports tui.ui.screens.stats (ui)",
    ]


BELOW_THE_UI = sorted(
    _module_name(path)
    for path in MODULES
    if not _module_name(path).startswith(("tui.ui", "tui.__main__")) and path.name != "__init__.py"
)


def test_the_layers_below_the_ui_load_without_textual():
    chunk = BELOW_THE_UI
    code = (
        "import importlib, sys\n"
        f"for name in {chunk!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(sys.modules)); print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.splitlines()
    assert int(count) > 50 and loaded == "[]", f"Textual was loaded by the layers below the UI: {loaded}"
