# Sourced by bin/serve, bin/test, bin/upgrade and bench/setup.sh (run from the repository root).
# Installs Python packages from uv.lock only (`uv sync --frozen`: exact versions, sha256-checked).
# When uv is missing it is bootstrapped from PyPI into .tools/uv, pinned and hash-checked
# (bin/uv-bootstrap.txt), with the machine's own python3 -m venv and pip.

PY=${PYTHON:-python3}
export UV_PYTHON=${UV_PYTHON:-$PY}   # the machine's Python (3.11-3.13); never a downloaded one
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=${KRING_VENV:-.venv}
export UV_NO_PROGRESS=1

kring_uv() {
  # Prints the path of a uv that can read uv.lock: one on PATH (0.9 or newer), else the pinned one.
  if [ -n "${KRING_UV:-}" ]; then echo "$KRING_UV"; return; fi
  if command -v uv >/dev/null 2>&1; then
    local v
    v=$(uv --version 2>/dev/null | awk '{print $2}')
    if [ -n "$v" ] && [ "$(printf '%s\n0.9.0\n' "$v" | sort -V | head -1)" = "0.9.0" ]; then
      command -v uv; return
    fi
  fi
  if [ ! -x .tools/uv/bin/uv ] || ! cmp -s bin/uv-bootstrap.txt .tools/uv/bootstrap.txt; then
    echo "bootstrapping uv into .tools/uv (pinned, hash-checked: bin/uv-bootstrap.txt)" >&2
    rm -rf .tools/uv
    "$PY" -m venv .tools/uv >&2
    .tools/uv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
      --isolated --index-url https://pypi.org/simple --require-hashes -r bin/uv-bootstrap.txt >&2
    cp bin/uv-bootstrap.txt .tools/uv/bootstrap.txt
  fi
  echo "$PWD/.tools/uv/bin/uv"
}

kring_sync() {
  # Make the venv exactly what uv.lock says (plus any extra groups passed: --group bench).
  local uv
  uv=$(kring_uv)
  "$uv" sync --frozen "$@"
}
