"""The package as shipped: stubs match the native module, the README runs, abi3."""

import re
import subprocess
import sys
from pathlib import Path

import traceability

ROOT = Path(__file__).resolve().parents[2]


def test_stubs_match_the_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "traceability._traceability"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_type_checks() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "traceability"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_quick_start_runs() -> None:
    readme = (ROOT / "traceability-py" / "README.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    exec(compile(snippet, "README.md", "exec"), {"__name__": "readme"})


def test_native_module_is_abi3() -> None:
    native = Path(traceability._traceability.__file__).name
    assert native.endswith(".abi3.so") or native.endswith(".pyd"), native


def test_every_query_of_the_core_catalog_has_a_tracker_method() -> None:
    """The core defines each query once; a query the package does not call is missing
    from the Python API (and fails here)."""
    from traceability import _traceability, _tracker

    catalog = [name for name, _args, _answer in _traceability.query_catalog()]
    assert "trace_forward_ids" in catalog and len(catalog) == len(set(catalog))
    source = Path(_tracker.__file__).read_text(encoding="utf-8")
    assert [name for name in catalog if f'"{name}"' not in source] == []
    native = _tracker.NATIVE_QUERIES
    assert set(native) <= set(catalog)
    assert [m for m in native.values() if not callable(getattr(_traceability.NativeTracker, m, None))] == []


def test_distribution_metadata_declares_the_license() -> None:
    import importlib.metadata

    meta = importlib.metadata.metadata("traceability")
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.10"
    assert "Typing :: Typed" in meta.get_all("Classifier")
