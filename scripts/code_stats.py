"""Print the size figures of docs/ARCHITECTURE.md: modules over a line limit, functions over a
line limit, and imports from the collector into the agent outside its contract.

Usage: ``python scripts/code_stats.py [--module-lines 300] [--function-lines 50]`` from the
repository root; exit status 0 always (a report, not a check: the check is the import-rule test).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("edge_agent", "collector")
EXEMPT = "collector/endtoend/"  # the demo and bench: the one place that runs both sides


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _functions(tree: ast.AST) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function and method, nested ones included."""
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                out.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out


def _agent_imports(rel: str, tree: ast.AST) -> list[str]:
    """Imports of edge_agent outside edge_agent.contract by a collector module."""
    if not rel.startswith("collector/") or rel.startswith(EXEMPT):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return [
        n
        for n in names
        if n.split(".")[0] == "edge_agent" and not n.startswith("edge_agent.contract")
    ]


def main(argv: list[str]) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--module-lines", type=int, default=300)
    args.add_argument("--function-lines", type=int, default=50)
    opts = args.parse_args(argv)
    big_modules, big_functions, agent_imports = [], [], []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, rel)
        lines = len(text.splitlines())
        if lines > opts.module_lines:
            big_modules.append(f"{lines:5d}  {rel}")
        big_functions += [
            f"{n:5d}  {rel}:{name}" for name, n in _functions(tree) if n > opts.function_lines
        ]
        agent_imports += [f"{rel}: {name}" for name in _agent_imports(rel, tree)]
    print(f"modules over {opts.module_lines} lines: {len(big_modules)}")
    print("\n".join(sorted(big_modules, reverse=True)))
    print(f"functions over {opts.function_lines} lines: {len(big_functions)}")
    print("\n".join(sorted(big_functions, reverse=True)))
    print(f"collector imports of the agent outside edge_agent.contract: {len(agent_imports)}")
    print("\n".join(agent_imports))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
