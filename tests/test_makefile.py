"""`make install` heals a half-created virtual environment and stamps only a finished
install; run in a copy of the Makefile, without reaching any package index."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MAKEFILE = Path(__file__).parent.parent / "Makefile"


def _make(directory: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={sys.executable}", *targets],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(MAKEFILE, tmp_path / "Makefile")
    (tmp_path / "requirements.lock").write_text("no-such-package-anywhere==1.0\n")
    (tmp_path / "pyproject.toml").write_text("")
    return tmp_path


def _pip_works(project: Path) -> bool:
    python = project / ".venv" / "bin" / "python"
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def test_an_interrupted_install_heals_and_a_failed_one_leaves_no_stamp(project: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=project)
    assert not _pip_works(project)

    failed = _make(project, "install")

    assert failed.returncode != 0
    assert "no-such-package-anywhere" in failed.stderr
    assert _pip_works(project)
    assert not (project / ".venv" / ".installed").exists()
    healthy = _make(project, "venv")
    assert (healthy.returncode, healthy.stdout) == (0, "")


def test_bytecode_compiles_the_source_where_python_caches_none(project: Path) -> None:
    """`make run` and `make bench` start from compiled modules even where
    PYTHONDONTWRITEBYTECODE keeps Python from caching what it compiles."""
    subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=project, check=True)
    (project / ".venv" / ".installed").touch()
    module = project / "src" / "package" / "module.py"
    module.parent.mkdir(parents=True)
    module.write_text("ANSWER = 42\n")

    compiled = _make(project, "bytecode")

    assert compiled.returncode == 0, compiled.stderr
    assert [path.name.split(".")[0] for path in module.parent.glob("__pycache__/*.pyc")] == [
        "module"
    ]
