"""One date parser for every reader: out-of-range or impossible dates become missing + a flag.

Exports carry dates pandas cannot hold (``9999-12-31`` as "never", year ``0201`` typed for
``201x``) and dates that do not exist (``2013-02-30``). A reader must not stop on them with
``OutOfBoundsDatetime`` nor drop the row: :func:`parse_date` says what is wrong
(:class:`DateProblem`), and :func:`read_date` applies the reader's ``on_error``: under
``"raise"`` a :class:`~msdiscourse.errors.ParseError` naming the file and line; under
``"warn"``/``"collect"`` the date becomes missing, the row gets a flag
(:data:`DATE_FLAGS`) and the text as written is kept as an ``unparsed`` row.

pandas holds nanosecond timestamps from 1677-09-21 to 2262-04-11; that is the range.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pandas as pd

from msdiscourse.errors import ErrorPolicy

__all__ = [
    "DATE_FLAGS",
    "EARLIEST",
    "LATEST",
    "DateProblem",
    "parse_date",
    "parse_date_fast",
    "parse_epoch",
    "read_date",
]

EARLIEST = pd.Timestamp("1677-09-22", tz="UTC")  # whole days inside pandas' nanosecond range
LATEST = pd.Timestamp("2262-04-11", tz="UTC")
_EARLIEST, _LATEST = EARLIEST.to_pydatetime(), LATEST.to_pydatetime()

#: problem -> the flag a row gets when its date was set to missing
DATE_FLAGS: dict[str, str] = {
    "out_of_range": "date_out_of_range",
    "malformed": "bad_date",
}


class DateProblem(ValueError):
    """A date that cannot become a timestamp.

    Attributes
    ----------
    kind
        ``"out_of_range"`` (a real date outside 1677-2262) or ``"malformed"`` (not a date,
        or a date that does not exist such as 30 February).
    """

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        self.detail = detail
        super().__init__(detail)


def _in_range(stamp: datetime) -> pd.Timestamp:
    """Return ``stamp`` (aware) as a UTC pandas timestamp, or raise DateProblem."""
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    try:
        utc = stamp.astimezone(timezone.utc)
    except (OverflowError, ValueError):  # year 1 or 9999 shifted past the calendar
        raise DateProblem("out_of_range", f"{stamp.isoformat()} is outside 1677-2262") from None
    if not (_EARLIEST <= utc <= _LATEST):
        raise DateProblem("out_of_range",
                          f"{utc.date().isoformat()} is outside the range pandas holds (1677-2262)")
    return pd.Timestamp(utc)


def parse_date(value, *, naive_is_utc: bool = True) -> pd.Timestamp | None:
    """Parse an ISO 8601 date-time into a UTC timestamp; ``None`` for no date.

    Parameters
    ----------
    value
        ``"2013-03-15 23:16:59"``, ``"2010-11-27T07:12:00.000-08:00"``, ``"2013-10-10Z"``
        or a ``datetime``. ``None``, ``""`` and WordPress' ``0000-00-00 00:00:00`` (a
        draft's "no date yet") give ``None``.
    naive_is_utc
        Read a date-time without offset as UTC (WordPress' ``*_date_gmt``); ``False``
        makes it a :class:`DateProblem`.

    Returns
    -------
    pandas.Timestamp or None
        Timezone-aware, in UTC.

    Raises
    ------
    DateProblem
        ``kind="malformed"`` for text that is not a date (or an impossible one),
        ``kind="out_of_range"`` for a real date outside 1677-2262.

    Examples
    --------
    >>> parse_date("2010-11-27T07:12:00.000-08:00")
    Timestamp('2010-11-27 15:12:00+0000', tz='UTC')
    >>> parse_date("0000-00-00 00:00:00") is None
    True
    >>> parse_date("9999-12-31 00:00:00")
    Traceback (most recent call last):
    ...
    msdiscourse.io._dates.DateProblem: 9999-12-31 is outside the range pandas holds (1677-2262)
    >>> parse_date("2013-02-30")
    Traceback (most recent call last):
    ...
    msdiscourse.io._dates.DateProblem: not a date: '2013-02-30' (day is out of range for month)
    """
    if value is None:
        return None
    if isinstance(value, datetime):  # pandas Timestamps are datetimes too
        if isinstance(value, pd.Timestamp) and value is pd.NaT:
            return None
        return _in_range(value)
    text = str(value).strip()
    if not text or text.startswith("0000-00-00"):
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise DateProblem("malformed", f"not a date: {str(value).strip()!r} ({error})") from None
    if parsed.tzinfo is None and not naive_is_utc:
        raise DateProblem("malformed", f"a date-time without a timezone: {text!r}")
    return _in_range(parsed)


def parse_date_fast(value) -> datetime | None:
    """:func:`parse_date` as a ``datetime`` in UTC (not a ``pandas.Timestamp``), for columns.

    The same dates, missing values and problems as :func:`parse_date` (which it calls for
    anything but a well-formed text date in range); a column of these becomes the same
    timestamps, without building a ``Timestamp`` per value.

    >>> parse_date_fast("2013-10-10T19:20:29Z")
    datetime.datetime(2013, 10, 10, 19, 20, 29, tzinfo=datetime.timezone.utc)
    >>> parse_date_fast("2010-11-27T07:12:00.000-08:00") == parse_date("2010-11-27T07:12:00.000-08:00")
    True
    """
    if type(value) is str:
        text = value.strip()
        if text and not text.startswith("0000-00-00"):
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                parsed = datetime.fromisoformat(text)
                parsed = (parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None
                          else parsed.astimezone(timezone.utc))
            except (ValueError, OverflowError):
                parsed = None  # parse_date says what is wrong
            if parsed is not None and _EARLIEST <= parsed <= _LATEST:
                return parsed
    stamp = parse_date(value)
    return None if stamp is None else stamp.to_pydatetime()


def parse_epoch(value, *, unit: str = "s") -> pd.Timestamp | None:
    """Seconds (or ``unit="ms"`` milliseconds) since 1970 as a UTC timestamp.

    >>> parse_epoch(1700000000)
    Timestamp('2023-11-14 22:13:20+0000', tz='UTC')
    >>> parse_epoch(1e20)
    Traceback (most recent call last):
    ...
    msdiscourse.io._dates.DateProblem: 1e+20 s since 1970 is outside the range pandas holds (1677-2262)
    """
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    seconds = number / 1000 if unit == "ms" else number
    limit_low, limit_high = EARLIEST.timestamp(), LATEST.timestamp()
    if not (limit_low <= seconds <= limit_high):
        raise DateProblem("out_of_range",
                          f"{value!r} {unit} since 1970 is outside the range pandas holds (1677-2262)")
    return pd.Timestamp(value, unit=unit, tz="UTC")


def read_date(
    raw,
    policy: ErrorPolicy,
    *,
    line: int | None,
    what: str,
    example: str,
    flags: list[str] | None = None,
    parse=parse_date,
    reason: str | None = None,
) -> pd.Timestamp | None:
    """Parse one date of a record, applying ``on_error`` through ``policy``.

    Under ``"raise"`` a bad date is a :class:`~msdiscourse.errors.ParseError` naming the
    file and line; otherwise it becomes missing, ``flags`` gets ``bad_date`` or
    ``date_out_of_range`` and the text as written is kept as an ``unparsed`` row.

    Parameters
    ----------
    raw
        The date as written.
    policy
        The reader's error policy (file name and ``on_error``).
    line
        The line of the record.
    what
        The field, for messages (``"wp:comment_date_gmt"``).
    example
        A well-formed value, for messages.
    flags
        The record's flag list, appended to.
    parse
        The parser (default :func:`parse_date`).
    reason
        The unparsed row's reason, when the reader has its own vocabulary; default
        ``"malformed <what>"`` or ``"<what> out of range"``.

    Examples
    --------
    >>> policy = ErrorPolicy("export.xml", on_error="collect")
    >>> flags = []
    >>> read_date("9999-12-31 00:00:00", policy, line=12, what="pubDate",
    ...           example="2013-03-15 23:16:59", flags=flags) is None
    True
    >>> flags, policy.rows[0]["reason"]
    (['date_out_of_range'], 'pubDate out of range')
    """
    try:
        return parse(raw)
    except DateProblem as problem:
        kind = problem.kind
    except (TypeError, ValueError, OverflowError):  # anything else a value can do
        kind = "malformed"
    shown = str(raw).strip()
    if kind == "out_of_range":
        policy.unplaced(line, line, str(raw), reason=reason or f"{what} out of range",
                        expected=f"{what} like {example}, between 1677 and 2262 "
                                 "(the dates pandas holds)",
                        found=repr(shown))
    else:
        policy.unplaced(line, line, str(raw), reason=reason or f"malformed {what}",
                        expected=f"{what} like {example}", found=repr(shown))
    if flags is not None:
        flags.append(DATE_FLAGS[kind])
    return None
