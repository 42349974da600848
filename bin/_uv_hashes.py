"""Print a pip requirements line for uv==VERSION with the sha256 of every file PyPI has for it.

Used by bin/upgrade to refresh bin/uv-bootstrap.txt (PyPI's simple JSON API, PEP 691)."""

import json
import sys
import urllib.request

version = sys.argv[1]
req = urllib.request.Request(
    "https://pypi.org/simple/uv/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
)
with urllib.request.urlopen(req, timeout=60) as r:
    files = json.load(r)["files"]
hashes = sorted(
    f["hashes"]["sha256"] for f in files if f["filename"].startswith(f"uv-{version}-") or f["filename"] == f"uv-{version}.tar.gz"
)
if not hashes:
    sys.exit(f"no files for uv {version} on PyPI")
print("# The locking tool itself, for machines without uv: bin/_lib.sh installs it with pip --require-hashes.")
print("# Refreshed by bin/upgrade.")
print(f"uv=={version} \\")
print(" \\\n".join(f"    --hash=sha256:{h}" for h in hashes))
