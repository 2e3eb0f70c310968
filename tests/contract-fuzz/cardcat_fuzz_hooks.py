"""Schemathesis hooks for the CardCat platform contract (loaded via SCHEMATHESIS_HOOKS).

Signs every request to a signed route exactly like `crates/wire/src/sign.rs`:

    CARDCAT-HMAC-SHA256\\n{METHOD}\\n{path?query}\\n{unix seconds}\\n{nonce}\\n{hex sha256(body)}

keyed by the terminal secret (hex, 32 bytes), in lowercase hex. The signature is computed
on the *prepared* request (a `requests` auth object), so it covers the path, query string
and body bytes exactly as they go on the wire.

To get past "not found" into the interesting answers, part of the generated requests
(CARDCAT_FUZZ_REAL_PERMILLE, default 500) get real data from the fixtures that
setup_fixtures.py made: a real SKU with its current cost, a real order key, redemption
id or voucher code.

Environment (set by run.sh):
  CARDCAT_FUZZ_FIXTURES             JSON from setup_fixtures.py (terminal id + secret, data)
  CARDCAT_FUZZ_UNSIGNED_PERMILLE    share of signed-route requests sent unsigned or with a
                                    broken signature (default 50); they must get 401
  CARDCAT_FUZZ_REAL_PERMILLE        share of requests given real data (default 500)
  CARDCAT_FUZZ_SEED                 seed for these choices (default 1)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import time
import uuid
from collections.abc import MutableMapping

import requests
import schemathesis

UNSIGNED_PATHS = {"/v1/activate", "/v1/time", "/v1/health"}
HDR_TERMINAL = "x-cardcat-terminal"
HDR_TIMESTAMP = "x-cardcat-timestamp"
HDR_NONCE = "x-cardcat-nonce"
HDR_SIGNATURE = "x-cardcat-signature"
SIGNING_HEADERS = (HDR_TERMINAL, HDR_TIMESTAMP, HDR_NONCE, HDR_SIGNATURE)


def _load_fixtures() -> dict:
    path = os.environ.get("CARDCAT_FUZZ_FIXTURES")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


_FIXTURES = _load_fixtures()
_TERMINAL = _FIXTURES.get("terminal_id", "")
_SECRET = bytes.fromhex(_FIXTURES.get("secret", ""))
_UNSIGNED_PERMILLE = int(os.environ.get("CARDCAT_FUZZ_UNSIGNED_PERMILLE", "50"))
_REAL_PERMILLE = int(os.environ.get("CARDCAT_FUZZ_REAL_PERMILLE", "500"))
_RNG = random.Random(int(os.environ.get("CARDCAT_FUZZ_SEED", "1")))


def canonical(method: str, path_and_query: str, ts: int, nonce: str, body: bytes) -> str:
    return "\n".join(
        [
            "CARDCAT-HMAC-SHA256",
            method.upper(),
            path_and_query,
            str(ts),
            nonce,
            hashlib.sha256(body).hexdigest(),
        ]
    )


def sign(secret: bytes, method: str, path_and_query: str, ts: int, nonce: str, body: bytes) -> str:
    msg = canonical(method, path_and_query, ts, nonce, body).encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


# The worked example of docs/platform-api.yaml (terminalSignature): checked at import, so a
# drift between this file and the contract fails the run at once.
assert (
    sign(
        bytes(range(32)),
        "GET",
        "/v1/catalog/full?after=SKU-0100&limit=500",
        1700000000,
        "n-42",
        b"",
    )
    == "3f8efd078e48218d71e6f67d0cdec453b3f5e3d625010a4ea202431d203f3107"
)


# Signed routes get these four headers from the auth provider below, as placeholders;
# the real values are computed when the request is prepared. A request whose four
# headers are not all still the placeholder was changed on purpose by schemathesis (an
# auth probe of `ignored_auth`, a `missing_required_header` case): it goes out as it is,
# unsigned, and the platform must refuse it.
PLACEHOLDER = "cardcat-sign-me"


@schemathesis.auth(refresh_interval=None, retry_on=[]).skip_for(path=sorted(UNSIGNED_PATHS))
class CardCatAuth:
    def get(self, case, context):
        return PLACEHOLDER

    def set(self, case, data, context):
        case.headers = case.headers or {}
        for h in SIGNING_HEADERS:
            case.headers[h] = data


class CardCatSignature(requests.auth.AuthBase):
    """Signs the prepared request (or, for a few, deliberately does not)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.mode == "as-is" or not all(
            r.headers.get(h) == PLACEHOLDER for h in SIGNING_HEADERS
        ):
            return r
        for h in SIGNING_HEADERS:
            r.headers.pop(h, None)
        if self.mode == "unsigned":
            return r
        body = r.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
            r.body = body
            r.headers["Content-Length"] = str(len(body))
        elif not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"cannot sign a streamed body: {type(body)!r}")
        ts = int(time.time())
        nonce = uuid.uuid4().hex
        sig = sign(_SECRET, r.method or "GET", r.path_url, ts, nonce, bytes(body))
        if self.mode == "bad":
            sig = ("0" if sig[0] != "0" else "1") + sig[1:]
        r.headers[HDR_TERMINAL] = _TERMINAL
        r.headers[HDR_TIMESTAMP] = str(ts)
        r.headers[HDR_NONCE] = nonce
        r.headers[HDR_SIGNATURE] = sig
        return r


# Accounts whose last three digits script a deliberate 5xx or a dropped connection in
# the sandbox (501: commit then abort, 901: 503 once); see docs/platform-api.yaml.
_FAULT_SCENARIOS = {"501", "901"}


def _defuse_scripted_faults(case) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    account = body.get("account")
    if not isinstance(account, dict) or not isinstance(account.get("account"), str):
        return
    digits = re.sub(r"[^0-9]", "", account["account"])
    if digits[-3:] in _FAULT_SCENARIOS:
        account["account"] = account["account"] + "0"


def _real(key: str):
    """A random fixture value of kind `key`, for about REAL_PERMILLE of the calls."""
    values = _FIXTURES.get(key) or []
    if not values or _RNG.randrange(1000) >= _REAL_PERMILLE:
        return None
    return _RNG.choice(values)


def _use_real_data(case) -> None:
    op = (case.operation.method.upper(), case.operation.path)
    body = case.body if isinstance(case.body, dict) else None
    params = case.path_parameters if isinstance(case.path_parameters, dict) else None
    if op == ("POST", "/v1/orders") and body is not None:
        product = _real("products")
        if product is not None:
            body["sku"] = product["sku"]
            body["unit_cost"] = product["cost"]
            # a fresh key, or the generator's few keys only ever replay or conflict
            body["client_key"] = str(uuid.UUID(int=_RNG.getrandbits(128), version=4))
    elif op == ("POST", "/v1/orders/status") and body is not None:
        key = _real("order_keys")
        if key is not None and isinstance(body.get("client_keys"), list):
            body["client_keys"].append(key)
    elif op[1] in ("/v1/orders/{client_key}", "/v1/store/orders/{client_key}/pins"):
        key = _real("order_keys")
        if key is not None and params is not None:
            params["client_key"] = key
    elif op == ("GET", "/v1/redemptions/{request_id}"):
        rid = _real("redemption_ids")
        if rid is not None and params is not None:
            params["request_id"] = rid
    elif op == ("POST", "/v1/redemptions/cancel") and body is not None:
        rid = _real("redemption_ids")
        if rid is not None:
            body["request_id"] = rid
    elif op in (("POST", "/v1/redemptions/prepare"), ("POST", "/v1/redemptions/verify")):
        code = _real("vouchers")
        if code is not None and body is not None:
            body["code"] = code


# Characters no HTTP field value may hold (RFC 9110 5.5): a request with one is not HTTP,
# and the server's HTTP layer answers it with a bare 400 before the API sees it.
_NOT_HTTP_FIELD_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _valid_http_headers(case) -> None:
    headers = case.headers
    if not isinstance(headers, MutableMapping):
        return
    for name, value in list(headers.items()):
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str) and _NOT_HTTP_FIELD_CHARS.search(value):
            headers[name] = _NOT_HTTP_FIELD_CHARS.sub("", value)


def _is_negative(case, location=None) -> bool:
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    if location is None:
        return meta.generation.mode.is_negative
    return meta.is_negative_at(location)


@schemathesis.hook
def before_call(context, case, kwargs):
    from schemathesis.core.parameters import ParameterLocation

    path = case.operation.path
    _valid_http_headers(case)
    if not _is_negative(case):
        # real data would turn a deliberately invalid request into a valid one
        _use_real_data(case)
    if case.operation.method.upper() == "POST" and path == "/v1/orders":
        _defuse_scripted_faults(case)
    if path in UNSIGNED_PATHS or not path.startswith("/v1/"):
        return
    if _is_negative(case, ParameterLocation.HEADER):
        # the signing headers may be the invalid part: send them as generated
        mode = "as-is"
    else:
        draw = _RNG.randrange(1000)
        if draw < _UNSIGNED_PERMILLE // 2:
            mode = "unsigned"
        elif draw < _UNSIGNED_PERMILLE:
            mode = "bad"
        else:
            mode = "signed"
    kwargs["auth"] = CardCatSignature(mode)
