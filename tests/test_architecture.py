"""The package's import structure: no cycle among its modules, and a native layer that imports nothing above it.

Imports are read from the source (an AST walk), inside functions too: an import moved into a
function to dodge a cycle at import time is still a cycle in the design.
"""

import ast
from pathlib import Path

import ncd

PACKAGE = Path(ncd.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that module ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # "from a import b" imports the module a.b when b is one, else a name of module a
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in modules and t != name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_walk_sees_imports_inside_functions():
    graph = _graph()
    # ncd.coding imports the context model inside ContextModel.fit
    assert "ncd._native.cm" in graph["ncd.coding"]
    assert "ncd._engine" in graph["ncd.distance"]


def test_no_import_cycle_among_the_modules():
    cycles = _cycles(_graph())
    assert not cycles, "modules that import each other (directly or through others): " + "; ".join(
        " <-> ".join(c) for c in cycles)


def test_the_native_layer_imports_nothing_above_it():
    above = {name: sorted(t for t in targets if not t.startswith("ncd._native"))
             for name, targets in _graph().items() if name.startswith("ncd._native")}
    assert any(name == "ncd._native.topk" for name in above)  # the layer was found
    offenders = {name: targets for name, targets in above.items() if targets}
    assert not offenders, f"the native layer imports from above it: {offenders}"


def test_the_engine_never_imports_a_backend_or_an_estimator():
    graph = _graph()
    reachable, todo = set(), ["ncd._engine"]
    while todo:
        for target in graph[todo.pop()] - reachable:
            reachable.add(target)
            todo.append(target)
    assert not reachable & {"ncd.distributed", "ncd.classification", "ncd.class_level", "ncd.cli", "ncd.distance"}
