"""`paperdeck completions SHELL`: each script loads in its shell and completes the real commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PAPERDECK = Path(sys.executable).with_name("paperdeck")


def script(shell: str) -> str:
    result = subprocess.run([PAPERDECK, "completions", shell], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def bash_completes(tmp_path: Path, line: str) -> list[str]:
    """What bash offers for `line` (the cursor at its end), through the script as a shell loads it."""
    path = tmp_path / "paperdeck.bash"
    path.write_text(script("bash"))
    words = line.split(" ")
    program = (
        f"source {path} || exit 3\n"
        f"COMP_WORDS=({' '.join(repr(word) for word in words)}); COMP_CWORD={len(words) - 1}\n"
        f"COMP_LINE={line!r}; COMP_POINT={len(line)}\n"
        '_shtab_paperdeck paperdeck; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout.split()


def test_the_bash_script_loads_and_completes_commands_options_and_paths(tmp_path: Path):
    assert "sync" in bash_completes(tmp_path, "paperdeck sy")
    assert {"completions", "check"} <= set(bash_completes(tmp_path, "paperdeck c"))
    assert bash_completes(tmp_path, "paperdeck sync --st") == ["--status"]
    assert bash_completes(tmp_path, "paperdeck completions f") == ["fish"]
    (tmp_path / "digest-2026-12-04.txt").write_text("x")
    assert "digest-2026-12-04.txt" in bash_completes(tmp_path, "paperdeck check dig")


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_zsh_and_fish_scripts_load_in_their_shells(tmp_path: Path, shell: str):
    text = script(shell)
    assert "paperdeck" in text and "sync" in text
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed here: the script is made, not loaded")
    path = tmp_path / f"paperdeck.{shell}"
    path.write_text(text)
    if shell == "zsh":
        program = f"autoload -U compinit && compinit -u && source {path} && print ok"
    else:
        program = f"source {path}; and complete -C 'paperdeck sy'"
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run([shell, "-c", program], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    assert ("ok" if shell == "zsh" else "sync") in result.stdout


def test_an_unknown_shell_is_a_usage_error_in_one_line():
    result = subprocess.run([PAPERDECK, "completions", "powershell"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "invalid choice: 'powershell'" in result.stderr
    assert "Traceback" not in result.stderr
