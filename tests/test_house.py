"""The shape of the code: helpers' layers (helpers/README.md) hold, and no function in
helpers/ or tools/ is longer than a screen."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HELPERS = ROOT / "helpers"
# a module may import helpers modules of its own layer or a lower one; torch only from torch_nets up
LAYERS = {"validation": 0, "data": 1, "numpy_nets": 2, "torch_nets": 3, "notebook": 4}
TORCH_FROM = LAYERS["torch_nets"]
MAX_FUNCTION_LINES = 60


def layer_of(module: str) -> str:
    """``helpers.numpy_nets.srn`` -> ``numpy_nets``; ``helpers.validation`` -> ``validation``."""
    parts = module.split(".")
    if parts[0] != "helpers" or len(parts) < 2 or parts[1] not in LAYERS:
        raise ValueError(f"{module} is not in a layer of helpers ({', '.join(LAYERS)})")
    return parts[1]


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``source`` (in functions too); ``from helpers
    import x`` counts as ``helpers.x``; relative imports are resolved against ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + [base]).rstrip(".")
            if base == "helpers" or base.removeprefix("helpers.") in LAYERS:
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
    return found


def layer_violations(module: str, source: str) -> list[str]:
    """What in ``source`` (the text of helpers module ``module``) runs against the layers."""
    own = LAYERS[layer_of(module)]
    problems = []
    for line, name in imported_modules(source, module.rsplit(".", 1)[0]):
        top = name.split(".")[0]
        if top == "torch" and own < TORCH_FROM:
            problems.append(f"{module}:{line} imports torch below torch_nets")
        if top == "helpers":
            target = layer_of(name) if name.split(".")[1] in LAYERS else "notebook"   # setup_notebook
            if LAYERS[target] > own:
                problems.append(f"{module}:{line} imports {name} ({target}) from below it "
                                f"({layer_of(module)})")
    return problems


def helpers_modules():
    for path in sorted(HELPERS.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if relative.parts == ("helpers", "__init__"):
            continue   # the package itself re-exports setup_notebook for every notebook
        yield ".".join(p for p in relative.parts if p != "__init__"), path


def test_every_helpers_module_sits_in_a_layer():
    for module, _ in helpers_modules():
        layer_of(module)
    assert {p.name for p in HELPERS.iterdir() if p.suffix == ".py"} == {"__init__.py", "validation.py"}


def test_imports_follow_the_layers():
    problems = [p for module, path in helpers_modules() for p in layer_violations(module, path.read_text())]
    assert not problems, "imports against helpers/README.md's layers:\n" + "\n".join(problems)


@pytest.mark.parametrize("module, source, expected", [
    ("helpers.data.text", "from helpers.numpy_nets import srn\n",
     "imports helpers.numpy_nets.srn (numpy_nets)"),
    ("helpers.numpy_nets.srn", "def f():\n    import torch\n", "helpers.numpy_nets.srn:2 imports torch"),
    ("helpers.validation", "import helpers.data.files\n", "imports helpers.data.files (data)"),
    ("helpers.torch_nets.char_lm", "from ..notebook import plotting\n", "helpers.notebook.plotting"),
    ("helpers.numpy_nets.srn", "from helpers import setup_notebook\n", "(notebook)"),
])
def test_the_layer_check_catches_an_upward_import(module, source, expected):
    problems = layer_violations(module, source)
    assert len(problems) == 1 and expected in problems[0], problems


def test_downward_and_sideways_imports_pass():
    source = ("import numpy\nfrom helpers.data.text import Vocabulary\nfrom helpers.torch_nets import twins\n"
              "import torch\n")
    assert layer_violations("helpers.torch_nets.char_lm", source) == []


def test_no_function_is_longer_than_a_screen():
    long = []
    for folder in ("helpers", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_the_data_and_numpy_layers_load_without_torch():
    modules = [m for m, _ in helpers_modules() if layer_of(m) in ("validation", "data", "numpy_nets")]
    code = (f"import sys, helpers\nfor m in {modules!r}:\n    __import__(m)\n"
            "print(sorted({'torch', 'matplotlib'} & set(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    assert loaded.stdout.strip() == "[]", f"importing the lower layers loads {loaded.stdout.strip()}"
