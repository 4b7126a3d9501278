#!/usr/bin/env python3
"""Prints which top-level modules of the server library use which, and fails if
any two reach each other (an import cycle). Also checks the crate rules: app never
names the server, content and search never name the app's views.

Run: python3 scripts/module-graph.py
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
server = root / "server" / "src"
# The library's modules, as lib.rs declares them (the binary's own modules are not part of it).
modules = sorted(re.findall(r"^(?:pub )?mod (\w+);", (server / "lib.rs").read_text(), re.M))


def sources(module):
    files = [server / f"{module}.rs"] + sorted((server / module).rglob("*.rs"))
    # Tests may reach across modules; only the shipped code counts for the drawing.
    return [f for f in files if f.exists() and "tests" not in f.parts and f.name != "tests.rs"]


def strip_tests(text):
    # Each file's test module comes last.
    return re.split(r"#\[cfg\((all\()?test[^\]]*\]\s*mod ", text)[0]


edges = {m: set() for m in modules}
for module in modules:
    for file in sources(module):
        text = strip_tests(file.read_text())
        for used in re.findall(r"crate::(\w+)", text):
            if used in edges and used != module:
                edges[module].add(used)

print("server library: module -> modules it uses")
for module in modules:
    print(f"  {module:10} -> {', '.join(sorted(edges[module])) or '-'}")


def reaches(start, goal, seen=None):
    seen = seen or set()
    for nxt in edges[start]:
        if nxt == goal:
            return True
        if nxt not in seen:
            seen.add(nxt)
            if reaches(nxt, goal, seen):
                return True
    return False


problems = [f"import cycle: {a} <-> {b}" for a in modules for b in edges[a] if a < b and reaches(b, a)]
problems += [f"app names the server: {f}" for f in (root / "app" / "src").rglob("*.rs") if "telepath_server" in f.read_text()]
problems += [f"domain depends on the app, the server or Leptos: {f}" for f in (root / "domain" / "src").rglob("*.rs") if re.search(r"telepath_(server|app)|leptos", f.read_text())]
for module in ("content", "search"):
    for file in sources(module):
        if "telepath_app" in strip_tests(file.read_text()):
            problems.append(f"{module} uses the app's views: {file.relative_to(root)}")
for problem in problems:
    print("error:", problem)
sys.exit(1 if problems else 0)
