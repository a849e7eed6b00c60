"""Red team, ``ainews export`` bounds: a date past the calendar in UTC is the same
one-line error as any bad date, not an OverflowError traceback."""

from __future__ import annotations

import pytest

from ainews.exports.export import _as_time, parse_bound


@pytest.mark.parametrize(("value", "end"), [("9999-12-31", True),  # the next midnight
                                            ("9999-12-31T23:59:59-05:00", False),
                                            ("0001-01-01T00:00:00+14:00", False)])
def test_a_bound_past_the_calendar_in_utc_is_a_clear_error(value: str, end: bool) -> None:
    with pytest.raises(ValueError, match=r"--until: invalid date .*outside years 1-9999 in UTC"):
        parse_bound(value, end=end, name="--until")


def test_a_stored_time_past_the_calendar_in_utc_is_exported_as_null() -> None:
    assert _as_time("9999-12-31T23:59:59-05:00", "published_at") is None
    assert _as_time("9999-12-30T00:00:00+00:00", "published_at") is not None
