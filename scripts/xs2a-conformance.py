#!/usr/bin/env python3
"""Checks every recorded exchange with the sandbox bank against the official NextGenPSD2 1.3.12 OpenAPI file.

The sandbox bank appends each request the connector (or a test) sent and each response it returned to the file
named by APP_XS2A_RECORD; this validates both sides with openapi-core (an existing validator, not ours) against
docs/specs/psd2-api_v1.3.12-2022-07-06.yaml, loaded unmodified (its sha256 is checked). Requests a test sends on
purpose to break the protocol are not checked themselves; for those only the error response is
validated: a test marks such a request with the header `X-Conformance: malformed`. Every other request (also
one the sandbox refused: a 429 or an expired consent) must match the spec. Exits 1 on any mismatch.

Usage: xs2a-conformance.py RECORD.jsonl
"""
import hashlib
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

SPEC = Path(__file__).resolve().parent.parent / "docs/specs/psd2-api_v1.3.12-2022-07-06.yaml"
SHA256 = "e9814c9cc03b6b28c7d670e23fa4e65e592ee61a02c3e57644eddc035b95618a"
# The file's own server (https://api.testbank.com/psd2): every recorded path is taken as under it.
HOST, BASE = "https://api.testbank.com", "/psd2"


def main() -> int:
    record = Path(sys.argv[1])
    if hashlib.sha256(SPEC.read_bytes()).hexdigest() != SHA256:
        print(f"xs2a conformance: {SPEC} is not the unmodified official file")
        return 1
    openapi = OpenAPI.from_file_path(str(SPEC))
    lines = [l for l in record.read_text().splitlines() if l.strip()] if record.exists() else []
    if not lines:
        print(f"xs2a conformance: nothing recorded in {record}")
        return 1
    failures, requests, responses = [], 0, 0
    for n, line in enumerate(lines, 1):
        exchange = json.loads(line)
        req, res = exchange["request"], exchange["response"]
        query = {k: v for k, v in parse_qs(req["query"], keep_blank_values=True).items()}
        headers = dict(req["headers"])
        request = MockRequest(
            HOST,
            req["method"].lower(),
            BASE + req["path"],
            args=query,
            headers=headers,
            data=req["body"].encode() if req["body"] else None,
            content_type=headers.get("content-type", "application/json").split(";")[0],
        )
        what = f"{n}: {req['method']} {req['path']} → {res['status']}"
        malformed = headers.get("x-conformance") == "malformed"
        if not malformed:
            try:
                openapi.validate_request(request)
                requests += 1
            except Exception as e:  # noqa: BLE001 - the validator's own errors, reported as they are
                failures.append(f"{what}: request: {e}: {getattr(e, '__cause__', '')}")
        body = res["body"]
        if res["status"] == 204 or not body:
            continue
        response = MockResponse(
            body.encode(),
            status_code=res["status"],
            headers=res["headers"],
            content_type=res["headers"].get("content-type", "application/json").split(";")[0],
        )
        try:
            openapi.validate_response(request, response)
            responses += 1
        except Exception as e:  # noqa: BLE001
            failures.append(f"{what}: response: {e}: {getattr(e, '__cause__', '')}")
    for f in failures[:40]:
        print("xs2a conformance FAILED", f)
    print(
        f"xs2a conformance: {len(lines)} exchanges, {requests} requests and {responses} responses valid, "
        f"{len(failures)} mismatches (openapi-core, {SPEC.name})"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
