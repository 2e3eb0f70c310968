"""Activates the fuzzing terminal and makes real data for the fuzz run to hit.

    python setup_fixtures.py BASE_URL CODE PEER_CODE FOREIGN_CODE OUT.json

CODE and PEER_CODE are pairing codes of one store, FOREIGN_CODE one of another store.
The first terminal is the one schemathesis signs as; its peer sells a PIN card, so the
fuzzing terminal also gets `pins_withheld` views; the foreign terminal makes an order and
a redemption that the fuzzing terminal must never see. OUT.json gets the credentials plus
the products, order keys, redemption ids and voucher codes that cardcat_fuzz_hooks.py
substitutes into part of the generated requests.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
import uuid

from cardcat_fuzz_hooks import sign


def call(base: str, method: str, path: str, body=None, terminal=None):
    data = b"" if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"} if body is not None else {}
    if terminal is not None:
        ts, nonce = int(time.time()), uuid.uuid4().hex
        headers.update(
            {
                "x-cardcat-terminal": terminal["terminal_id"],
                "x-cardcat-timestamp": str(ts),
                "x-cardcat-nonce": nonce,
                "x-cardcat-signature": sign(
                    bytes.fromhex(terminal["secret"]), method, path, ts, nonce, data
                ),
            }
        )
    req = urllib.request.Request(base + path, data=data or None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def ok(result):
    status, body = result
    if status != 200:
        raise SystemExit(f"setup_fixtures: unexpected {status}: {body}")
    return body


def main() -> None:
    base, code, peer_code, foreign_code, out = sys.argv[1:6]
    me = ok(call(base, "POST", "/v1/activate", {"code": code, "device_name": "contract-fuzz"}))
    other = ok(call(base, "POST", "/v1/activate", {"code": peer_code, "device_name": "fuzz-peer"}))
    foreign = ok(
        call(base, "POST", "/v1/activate", {"code": foreign_code, "device_name": "fuzz-foreign"})
    )
    assert other["store_id"] == me["store_id"] != foreign["store_id"]
    page = ok(call(base, "GET", "/v1/catalog/full?limit=400", terminal=me))
    products = [
        {"sku": p["sku"], "cost": p["cost"], "template": p["template"]["type"]}
        for p in page["products"]
        if p["available"]
    ]
    by_template = {}
    for p in products:
        by_template.setdefault(p["template"], p)
    order_keys = []

    def order(t, product, account, qty=1):
        key = str(uuid.uuid4())
        ok(
            call(
                base,
                "POST",
                "/v1/orders",
                {
                    "client_key": key,
                    "sku": product["sku"],
                    "qty": qty,
                    "account": {"account": account},
                    "unit_cost": product["cost"],
                    "cashier_id": "fuzz",
                },
                terminal=t,
            )
        )
        order_keys.append(key)

    pin_card = by_template["none"]
    mobile = by_template["mobile"]
    order(me, pin_card, "", qty=2)  # SUCCEEDED with PINs, mine
    order(other, pin_card, "")  # PINs withheld from me
    order(me, mobile, "13800138000")  # SUCCEEDED, no PINs
    order(me, mobile, "13800138101")  # SUCCEEDED with a PIN on a top-up
    order(me, mobile, "13800138201")  # FAILED invalid_account
    order(me, mobile, "13800138401")  # PENDING
    order(me, mobile, "13800138701")  # stale FAILED once
    order(foreign, pin_card, "")  # another store's order
    redemption_ids = []
    for t, voucher in [(me, "CC-TEST-0001"), (me, "CC-TEST-0002"), (foreign, "CC-TEST-0006")]:
        rid = str(uuid.uuid4())
        ok(
            call(
                base,
                "POST",
                "/v1/redemptions/verify",
                {"request_id": rid, "code": voucher, "cashier_id": "fuzz"},
                terminal=t,
            )
        )
        redemption_ids.append(rid)
    # scoping, checked once here (the fuzz run itself only checks conformance)
    status, body = call(base, "GET", f"/v1/orders/{order_keys[1]}", terminal=me)
    assert status == 200 and body.get("pins_withheld") is True and "pins" not in body, body
    for path in [
        f"/v1/orders/{order_keys[-1]}",
        f"/v1/store/orders/{order_keys[-1]}/pins",
        f"/v1/redemptions/{redemption_ids[-1]}",
    ]:
        status, body = call(base, "GET", path, terminal=me)
        assert status == 404 and body["code"] == "not_found", (path, status, body)
    fixtures = {
        "terminal_id": me["terminal_id"],
        "secret": me["secret"],
        "products": products,
        "order_keys": order_keys,
        "redemption_ids": redemption_ids,
        "vouchers": [f"CC-TEST-000{i}" for i in range(1, 7)],
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(fixtures, f)


if __name__ == "__main__":
    main()
