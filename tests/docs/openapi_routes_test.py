#!/usr/bin/python3
"""Every route the server registers is in docs/openapi.yaml, and every operation documented
there is a route: the API description cannot drift from the code unnoticed.

Routes are read from the sources: `router.add("GET", "/v1/...")`, or a path built from a string
constant of the same file (`router.add("POST", kBase + "/api/sessions")`)."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
routes = set()
for source in (root / "src").rglob("*.cpp"):
    text = source.read_text()
    constants = dict(re.findall(r'\b(k\w+)\s*=\s*"([^"]*)"', text))
    for method, prefix, path in re.findall(r'router\.add\(\s*"([A-Z]+)",\s*(?:(k\w+)\s*\+\s*)?"([^"]+)"', text):
        if prefix and prefix not in constants:
            print(f"{source}: cannot resolve {prefix}")
            sys.exit(1)
        # "{path*}" (the rest of the path) is "{path}" in OpenAPI, which has no such parameter.
        routes.add((method.lower(), (constants.get(prefix, "") + path).replace("*}", "}")))

documented = set()
in_paths = False
path = None
for line in (root / "docs" / "openapi.yaml").read_text().splitlines():
    if re.match(r"^\S", line):
        in_paths = line.startswith("paths:")
        continue
    if not in_paths:
        continue
    m = re.match(r"^  (/\S*):\s*$", line)
    if m:
        path = m.group(1)
        continue
    m = re.match(r"^    (get|put|post|delete|patch|head|options):\s*$", line)
    if m and path:
        documented.add((m.group(1), path))

missing = sorted(routes - documented)
stale = sorted(documented - routes)
for method, p in missing:
    print(f"not in docs/openapi.yaml: {method.upper()} {p}")
for method, p in stale:
    print(f"documented but not served: {method.upper()} {p}")
if not routes or not documented:
    print("found no routes or no documented operations: the patterns no longer match")
    sys.exit(1)
print(f"{len(routes)} routes, {len(documented)} documented operations")
sys.exit(1 if missing or stale else 0)
