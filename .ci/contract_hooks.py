"""Schemathesis hooks for .ci/contract.

A client makes up a new Idempotency-Key for each new request and sends the same key only
when it retries the same request. Schemathesis draws header values independently of the
body, so it sends one key (say "0") with many different bodies, which the API rightly
refuses with 422 `idempotency-key-reused`. Every valid key it draws is therefore replaced by
a fresh one; keys the spec does not allow are left as drawn, so the server's 400 for them is
still tested. Replays of one key are tested in tests/idempotency.rs.
"""

import itertools
import re

import schemathesis
from schemathesis.core.parameters import CONTAINER_TO_LOCATION

HEADER = "Idempotency-Key"
# The spec's pattern: as is, or in one pair of quotes.
VALID = re.compile(r'^("[!#-~]{1,255}"|[!#-~]{1,255})$')
_fresh = itertools.count(1)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    key = case.headers.get(HEADER) if case.headers else None
    if not (isinstance(key, str) and VALID.match(key)):
        return
    case.headers[HEADER] = f"contract-{next(_fresh)}"
    # A valid key for a valid key: the case stays what it was drawn as (positive or
    # negative, with or without Authorization), so tell schemathesis nothing else changed
    # rather than let it re-judge the case from its headers.
    meta = case._meta
    if meta is not None:
        location = CONTAINER_TO_LOCATION["headers"]
        meta.update_validated_hash(location, case._hash_container(case.headers))
