#!/usr/bin/env bash
# Contract fuzzing: schemathesis generates requests from docs/platform-api.yaml and sends
# them to a real sandbox on loopback, signed (HMAC, see cardcat_fuzz_hooks.py) and
# unsigned. Fails on any 5xx, any response that does not match the document (schema,
# status code, content type, headers), a schema-invalid request that is accepted, a
# signed route that answers without valid signing headers, and any network error.
# Loopback only; bounded: CARDCAT_FUZZ_EXAMPLES per operation and phase, and a hard
# timeout. About a minute with a built sandbox.
#
#   tests/contract-fuzz/run.sh [extra schemathesis args]
#
# Environment:
#   CARGO_TARGET_DIR               cargo's target dir (as for every build)
#   CARDCAT_FUZZ_EXAMPLES          max examples per operation and phase (default 100)
#   CARDCAT_FUZZ_SEED              hypothesis + signing-mode seed (default 20261129)
#   CARDCAT_FUZZ_WORKERS           concurrent workers (default 1: CPython 3.11's ast.parse is
#                                  not thread-safe, which hypothesis hits with more)
#   CARDCAT_FUZZ_VENV              Python venv for schemathesis
#                                  (default ~/.cache/cardcat-contract-fuzz/venv)
#   CARDCAT_FUZZ_TIMEOUT           hard cap in seconds for the schemathesis run (default 300)
#   CARDCAT_FUZZ_REPORT_DIR        keep the JUnit report and the sandbox log there (relative
#                                  to the repository root)
#                                  (default: a temp dir, removed)
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ next to the hooks in the work tree
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

examples="${CARDCAT_FUZZ_EXAMPLES:-100}"
seed="${CARDCAT_FUZZ_SEED:-20261129}"
workers="${CARDCAT_FUZZ_WORKERS:-1}"
venv="${CARDCAT_FUZZ_VENV:-$HOME/.cache/cardcat-contract-fuzz/venv}"
fuzz_timeout="${CARDCAT_FUZZ_TIMEOUT:-300}"
# Every check but positive_data_acceptance: the platform refuses some schema-valid
# requests on purpose (a wrong pairing code is 400 invalid_pairing_code, half a delta
# cursor is 400 bad_request), as the document says in prose.
checks="not_a_server_error,status_code_conformance,content_type_conformance"
checks+=",response_headers_conformance,response_schema_conformance"
checks+=",negative_data_rejection,missing_required_header,ignored_auth,unsupported_method"

# --- schemathesis, pinned in requirements.txt -------------------------------------------
want="$(sed -n 's/^schemathesis==//p' "$here/requirements.txt")"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $want"; then
  echo "contract-fuzz: installing schemathesis $want into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/requirements.txt" -c "$here/constraints.txt"
fi

# --- the sandbox ------------------------------------------------------------------------
echo "contract-fuzz: building the sandbox" >&2
cargo build --quiet -p cardcat-sandbox --bin cardcat-sandbox
bin="${CARGO_TARGET_DIR:-$root/target}/debug/cardcat-sandbox"

work="$(mktemp -d)"
report_dir="$(realpath -m "${CARDCAT_FUZZ_REPORT_DIR:-$work/report}")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/sandbox.sqlite"
code="$("$bin" pairing-code --db "$db" 2>/dev/null)"
peer_code="$("$bin" pairing-code --db "$db" 2>/dev/null)"
foreign_code="$("$bin" pairing-code --db "$db" --store S-FUZZ-OTHER 2>/dev/null)"
RUST_LOG="${RUST_LOG:-warn}" "$bin" serve --db "$db" --host 127.0.0.1 --port 0 \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 150); do
  url="$(sed -n 's/^CardCat sandbox listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/serve.out")"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; echo "contract-fuzz: sandbox died" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "contract-fuzz: sandbox did not start within 30 s" >&2; exit 1; }
echo "contract-fuzz: sandbox at $url" >&2

# --- terminals (activated over HTTP with real pairing codes) and real data to hit -------
PYTHONPATH="$here" "$venv/bin/python" "$here/setup_fixtures.py" \
  "$url" "$code" "$peer_code" "$foreign_code" "$work/fixtures.json"

# --- the fuzz run -----------------------------------------------------------------------
echo "contract-fuzz: schemathesis $want, $examples examples per operation, seed $seed" >&2
set +e
# From the temp dir: schemathesis keeps a crash cache (.schemathesis/) in its working
# directory and replays what it finds there; a run must neither read nor leave one.
cd "$work"
CARDCAT_FUZZ_FIXTURES="$work/fixtures.json" CARDCAT_FUZZ_SEED="$seed" \
PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=cardcat_fuzz_hooks \
  timeout --signal=INT --kill-after=10 "$fuzz_timeout" \
  "$venv/bin/schemathesis" run "$root/docs/platform-api.yaml" \
    --url "$url" \
    --exclude-tag sandbox-admin \
    --phases examples,coverage,fuzzing \
    --checks "$checks" \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers "$workers" \
    --generation-database none \
    --request-timeout 10 \
    --no-color \
    --report junit --report-dir "$report_dir" \
    "$@"
rc=$?
set -e
cd "$root"
mkdir -p "$report_dir" && cp "$work/serve.err" "$report_dir/sandbox.log" 2>/dev/null || true
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "contract-fuzz: the sandbox died during the run" >&2
  tail -50 "$work/serve.err" >&2
  exit 1
fi
if grep -q "panicked" "$work/serve.err"; then
  echo "contract-fuzz: the sandbox panicked" >&2
  grep -A5 "panicked" "$work/serve.err" >&2
  rc=1
fi
# One plain closing line: operations that passed every check, and those that did not.
"$venv/bin/python" - "$report_dir" "$rc" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
files = sorted(glob.glob(sys.argv[1] + "/junit-*.xml"))
if not files:
    sys.exit(0)
suite = ET.parse(files[-1]).getroot()
tests = int(suite.get("tests", 0))
failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
if failed == 0 and sys.argv[2] != "0":
    failed = max(1, failed)
print(f"contract-fuzz: {max(tests - failed, 0)} passed, {failed} failed")
PY
exit "$rc"
