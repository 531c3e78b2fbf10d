"""Strict reading of contract messages: only JSON that means one thing and that the store can hold.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``1e999`` (read as infinity), integers of any
size and lone surrogate escapes (``"\\ud800"``); none of them is JSON a peer can rely on (RFC 8259
§6, §8.2), and SQLite stores integers of at most 64 bits. :func:`loads` refuses them as :class:`JsonValueError`. :data:`FORMAT_CHECKER` checks the
schemas' ``date-time`` format with the RFC 3339 grammar (``rfc3339-validator``) and, since the
collector later reads timestamps with :func:`datetime.fromisoformat`, only what that reads.

Example:
    >>> loads(b'{"seq": 1, "density": 2.5}')
    {'seq': 1, 'density': 2.5}
    >>> loads(b'{"density": NaN}')
    Traceback (most recent call last):
    ...
    edge_agent.contract.strict.JsonValueError: NaN is not a JSON number
    >>> is_date_time("2015-13-45T99:99:99Z")
    False
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import Any

from jsonschema import FormatChecker
from rfc3339_validator import validate_rfc3339

from edge_agent.contract.errors import ContractError

__all__ = ["INT64_MAX", "FORMAT_CHECKER", "JsonValueError", "is_date_time", "loads"]

INT64_MAX = 2**63 - 1
"""Largest integer a contract message may carry (SQLite's INTEGER)."""


class JsonValueError(ContractError):
    """The JSON is well-formed but holds a value the contract refuses (NaN, 1e999, 2**64)."""


def _constant(name: str) -> Any:
    raise JsonValueError(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonValueError(f"number {text[:40]} is out of range")
    return value


def _int(text: str) -> int:
    # Checked on the text first: int() of a 5,000-digit string costs and then raises.
    digits = text.lstrip("-")
    if len(digits) > 19 or int(text) > INT64_MAX or int(text) < -INT64_MAX - 1:
        raise JsonValueError(f"integer {text[:40]} is outside the 64-bit range")
    return int(text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(value: Any) -> bool:
    """A string holding half a UTF-16 pair (``"\\ud800"``): no Unicode text, unstorable as UTF-8."""
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


def loads(raw: bytes | str) -> Any:
    """Parse UTF-8 JSON strictly.

    Raises:
        JsonValueError: a non-finite or out-of-range number.
        ContractError: not UTF-8, not JSON, or nested too deeply to parse.
    """
    try:
        # Decoded first: json.loads(bytes) would guess UTF-16/32 from the first bytes.
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except JsonValueError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ContractError(f"not valid JSON: {str(err)[:300]}") from None
    # Escaped pairs decode to one character; only a lone half is left as a surrogate. The
    # walk runs only when the text has such an escape at all.
    if _SURROGATE_ESCAPE.search(text) and _lone_surrogate(value):
        raise JsonValueError("a string holds a lone UTF-16 surrogate (not Unicode text)")
    return value


def is_date_time(value: object) -> bool:
    """RFC 3339 ``date-time`` with a real calendar date and time, readable by ``fromisoformat``."""
    if not isinstance(value, str) or not validate_rfc3339(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:  # a leap second (":60") is RFC 3339 but no Python datetime
        return False
    return True


FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checks("date-time")(is_date_time)
