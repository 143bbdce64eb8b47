"""The tree shows the architecture (issue 17): a folder for each job, none too big to read,
no file groups that should have been folders. The layers and the absence of import circles
are import-linter's contracts (pyproject.toml), run by scripts/test.sh and below."""

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests import ROOT

PACKAGES = (
    "web",
    "server",
    "models",
    "locales",
    "services",
    "reports",
    "config",
    "mail",
    "scheduler",
    "handlers",
    "bot",
    "cli",
)
MAX_MODULES = 15


def _folders() -> dict[Path, list[str]]:
    folders: dict[Path, list[str]] = {}
    for package in PACKAGES:
        for init in sorted((ROOT / package).rglob("__init__.py")):
            folder = init.parent
            folders[folder] = sorted(
                p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__")
            )
    return folders


def _groups(names: list[str], word: int) -> list[list[str]]:
    """Modules that share the first (word=0) or last (word=-1) word of their names, where at
    least one name has more than that word: `cli_cases`, `cli_db` or `keyboards`,
    `staff_keyboards`."""
    by_word: dict[str, list[str]] = defaultdict(list)
    for name in names:
        by_word[name.split("_")[word]].append(name)
    return [g for g in by_word.values() if len(g) > 1 and any("_" in n for n in g)]


def test_every_package_folder_is_a_package_with_a_docstring() -> None:
    for folder in _folders():
        text = (folder / "__init__.py").read_text()
        assert text.lstrip().startswith('"""'), f"{folder.relative_to(ROOT)}: say what lives here"


def test_no_folder_holds_more_modules_than_a_newcomer_can_read() -> None:
    crowded = {
        str(f.relative_to(ROOT)): len(names)
        for f, names in _folders().items()
        if len(names) > MAX_MODULES
    }
    assert crowded == {}


def test_no_file_groups_that_should_be_folders() -> None:
    found = {}
    for folder, names in _folders().items():
        groups = _groups(names, 0) + _groups(names, -1)
        repeating = [n for n in names if n.startswith(f"{folder.name}_")]
        if groups or repeating:
            found[str(folder.relative_to(ROOT))] = groups + repeating
    assert found == {}


def test_the_layers_and_acyclic_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.fail("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
