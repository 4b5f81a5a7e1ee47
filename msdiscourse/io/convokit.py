"""Write and read ConvoKit's on-disk corpus format with plain JSON (no convokit import).

`ConvoKit <https://convokit.cornell.edu>`_ keeps a corpus as a folder of five files, which
``convokit.Corpus(filename=folder)`` loads and ``Corpus.dump`` writes::

    utterances.jsonl    one JSON object per line: id, conversation_id, reply-to, speaker,
                        timestamp, text, meta, vectors
    speakers.json       {speaker id: {"meta": {...}, "vectors": []}}
    conversations.json  {conversation id: {"meta": {...}, "vectors": []}}
    corpus.json         corpus-level metadata
    index.json          the type of every metadata field, per object kind, as lists of
                        Python type strings ("<class 'str'>"), plus "version" and "vectors"

Our mapping: each post is the root utterance of one conversation (``reply-to`` null,
``id`` = ``conversation_id`` = the post id, ``text`` = the body); each comment is an
utterance replying to its parent comment, or to the post's root when it is top level.
Timestamps are whole seconds since the epoch (UTC), ConvoKit's usual convention. A missing
author is written as the speaker :data:`UNKNOWN_SPEAKER`, because ConvoKit needs a speaker
id for every utterance. Every other column travels as utterance metadata (``title``,
``tags``, ``depth``, ``flags``, a reader's ``kind`` ...), plus ``is_post``, which tells our
reader which utterance was the post.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from msdiscourse import __version__
from msdiscourse.corpus import COMMENT_COLUMNS, POST_COLUMNS, Corpus
from msdiscourse.errors import ErrorPolicy, ParseError, ParseWarning, check_on_error
from msdiscourse.io._dates import DateProblem, parse_date, parse_epoch, read_date
from msdiscourse.io._xml import unique_id

__all__ = ["to_convokit", "read_convokit", "UNKNOWN_SPEAKER", "CONVOKIT_FILES"]

#: the speaker id written for an utterance without an author (read back as missing)
UNKNOWN_SPEAKER = "[unknown]"
CONVOKIT_FILES: tuple[str, ...] = (
    "utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json",
)

# Contract columns that become utterance fields or are rebuilt on reading; everything
# else (title, tags, depth, flags, a reader's own columns such as kind or status) is meta.
_POST_FIELDS = {"post_id", "author", "published", "body", "n_comments"}
_COMMENT_FIELDS = {"comment_id", "post_id", "parent_id", "thread_id", "author", "published",
                   "text", "depth", "position"}


def _json_value(value: Any) -> Any:
    """A JSON-safe copy of a table cell: missing -> None, timestamps -> ISO strings."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        try:
            return _json_value(value.item())  # numpy scalars
        except (ValueError, AttributeError):
            pass
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return [_json_value(v) for v in list(value)]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _timestamp(value) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(pd.Timestamp(value).timestamp())


def _speaker(author) -> str:
    if author is None or author is pd.NA or (isinstance(author, float) and math.isnan(author)):
        return UNKNOWN_SPEAKER
    return str(author)


def _type_index(metas: Iterable[dict]) -> dict[str, list[str]]:
    """ConvoKit's index for one object kind: field -> the type strings seen (None aside)."""
    index: dict[str, list[str]] = {}
    for meta in metas:
        for key, value in meta.items():
            types = index.setdefault(key, [])
            if value is not None:
                type_string = str(type(value))
                if type_string not in types:
                    types.append(type_string)
    return index


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def to_convokit(corpus: Corpus, folder: str | Path) -> Path:
    """Write ``corpus`` as a ConvoKit corpus folder that ``convokit.Corpus(filename=...)`` loads.

    Parameters
    ----------
    corpus
        The corpus to export; it is not changed.
    folder
        The folder to write (created if needed); the five ConvoKit files in it are
        replaced.

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    ValueError
        When a comment id equals a post id or repeats (ConvoKit keys utterances by id).

    Examples
    --------
    >>> import tempfile
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "Vitamin D", "author": "Prof G",
    ...             "body": "Does it help?"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Ann", "text": "Yes."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1",
    ...                "author": "Bob", "text": "Source?"}])
    >>> folder = to_convokit(corpus, tempfile.mkdtemp())
    >>> import json
    >>> lines = (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    >>> reply = json.loads(lines[2])
    >>> {key: reply[key] for key in ("id", "conversation_id", "reply-to", "speaker", "text")}
    {'id': 'p1.c2', 'conversation_id': 'p1', 'reply-to': 'p1.c1', 'speaker': 'Bob', 'text': 'Source?'}
    """
    folder = Path(folder)
    post_ids = [str(p) for p in corpus.posts["post_id"].tolist()]
    comment_ids = [str(c) for c in corpus.comments["comment_id"].tolist()]
    clashes = sorted(set(post_ids) & set(comment_ids))
    repeated = sorted({c for c in comment_ids if comment_ids.count(c) > 1}) if len(
        set(comment_ids)) != len(comment_ids) else []
    if clashes or repeated:
        raise ValueError(
            "ConvoKit needs one id per utterance; "
            + (f"ids used by both a post and a comment: {clashes[:5]}" if clashes else
               f"repeated comment ids: {repeated[:5]}")
            + " (check_threads(corpus) lists them)"
        )
    folder.mkdir(parents=True, exist_ok=True)

    utterances: list[dict] = []
    conversations: dict[str, dict] = {}
    post_extras = [c for c in corpus.posts.columns if c not in _POST_FIELDS]
    for post in corpus.posts.to_dict(orient="records"):
        post_id = str(post["post_id"])
        meta = {"is_post": True, **{c: _json_value(post[c]) for c in post_extras}}
        utterances.append({
            "id": post_id, "conversation_id": post_id, "reply-to": None,
            "speaker": _speaker(post["author"]), "timestamp": _timestamp(post["published"]),
            "text": _json_value(post["body"]) or "", "meta": meta, "vectors": [],
        })
        conversations[post_id] = {
            "meta": {"title": _json_value(post["title"]), "source": _json_value(post["source"])},
            "vectors": [],
        }

    comment_extras = [c for c in corpus.comments.columns if c not in _COMMENT_FIELDS]
    known_posts = set(post_ids)
    for comment in corpus.comments.to_dict(orient="records"):
        post_id = _json_value(comment["post_id"])
        parent_id = _json_value(comment["parent_id"])
        meta = {"is_post": False, "depth": _json_value(comment["depth"]),
                **{c: _json_value(comment[c]) for c in comment_extras}}
        # a comment whose post is missing has no root to reply to: it becomes a root itself
        reply_to = parent_id if parent_id is not None else (post_id if post_id in known_posts else None)
        utterances.append({
            "id": str(comment["comment_id"]), "conversation_id": post_id, "reply-to": reply_to,
            "speaker": _speaker(comment["author"]), "timestamp": _timestamp(comment["published"]),
            "text": _json_value(comment["text"]) or "", "meta": meta, "vectors": [],
        })

    with open(folder / "utterances.jsonl", "w", encoding="utf-8") as handle:
        for utterance in utterances:
            handle.write(json.dumps(utterance, ensure_ascii=False) + "\n")
    speakers = {u["speaker"]: {"meta": {}, "vectors": []} for u in utterances}
    _write_json(folder / "speakers.json", speakers)
    _write_json(folder / "conversations.json", conversations)
    corpus_meta = {"exported_by": f"msdiscourse {__version__}",
                   "n_posts": len(post_ids), "n_comments": len(comment_ids)}
    _write_json(folder / "corpus.json", corpus_meta)
    _write_json(folder / "index.json", {
        "utterances-index": _type_index(u["meta"] for u in utterances),
        "speakers-index": {},
        "conversations-index": _type_index(c["meta"] for c in conversations.values()),
        "overall-index": _type_index([corpus_meta]),
        "version": 1,
        "vectors": [],
    })
    return folder


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 text of a JSON file, or a ParseError naming the file, line and byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ParseError(str(path), line, expected="UTF-8 text (ConvoKit writes JSON in UTF-8)",
                         found=f"the byte {data[error.start]:#04x} at offset {error.start}",
                         remedy=None) from None


def _read_json_object(path: Path, source: str) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(_decode(path, path.read_bytes()))
    except json.JSONDecodeError as error:
        raise ParseError(source, error.lineno, expected="JSON",
                         found=f"{error.msg} (column {error.colno})", remedy=None) from None
    except RecursionError:
        raise ParseError(source, None, expected="JSON", found="nesting too deep to read",
                         remedy=None) from None
    if not isinstance(data, dict):
        raise ParseError(source, None, expected="a JSON object",
                         found=f"a JSON {type(data).__name__}", remedy=None)
    return data


def _legacy_items(path: Path) -> list[tuple[int, object]]:
    """(line, item) for each item of a legacy ``utterances.json`` list, in file order."""
    text = _decode(path, path.read_bytes())
    decoder = json.JSONDecoder()
    index = len(text) - len(text.lstrip())
    if not text[index:index + 1] == "[":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParseError(str(path), error.lineno, expected="a JSON list of utterances",
                             found=f"{error.msg} (column {error.colno})", remedy=None) from None
        raise ParseError(str(path), None, expected="a JSON list of utterances",
                         found=f"a JSON {type(data).__name__}", remedy=None)
    items: list[tuple[int, object]] = []
    line, counted = 1, 0
    index += 1
    try:
        while True:
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
            if text[index:index + 1] == "]" and not items:
                break
            line += text.count("\n", counted, index)
            counted = index
            item, index = decoder.raw_decode(text, index)
            items.append((line, item))
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
            if text[index:index + 1] == ",":
                index += 1
                continue
            if text[index:index + 1] == "]":
                break
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
    except json.JSONDecodeError as error:
        raise ParseError(str(path), error.lineno, expected="a JSON list of utterances",
                         found=f"{error.msg} (column {error.colno}, after {len(items)} "
                               f"item{'s' if len(items) != 1 else ''})", remedy=None) from None
    except RecursionError:
        raise ParseError(str(path), line, expected="a JSON list of utterances",
                         found=f"item {len(items) + 1} nested too deep to read",
                         remedy=None) from None
    if text[index + 1:].strip():
        raise ParseError(str(path), text.count("\n", 0, index + 1) + 1,
                         expected="nothing after the list of utterances",
                         found=repr(text[index + 1:].strip()[:40]), remedy=None)
    return items


def _load_utterances(folder: Path, policy: ErrorPolicy) -> list[tuple[int, dict]]:
    """(line, utterance) pairs from utterances.jsonl, or from a legacy utterances.json."""
    jsonl = folder / "utterances.jsonl"
    if jsonl.exists():
        rows = []
        with open(jsonl, "rb") as handle:
            for line_number, raw_line in enumerate(handle, start=1):
                try:
                    line = raw_line.decode("utf-8-sig" if line_number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    policy.unplaced(line_number, line_number,
                                    raw_line.decode("utf-8", errors="replace").rstrip("\r\n"),
                                    reason="not_utf8",
                                    expected="UTF-8 text (ConvoKit writes JSON in UTF-8)",
                                    found=f"the byte {raw_line[error.start]:#04x} at column "
                                          f"{error.start + 1}")
                    continue
                if not line.strip():
                    continue
                try:
                    record = json.loads(line.rstrip("\r\n"))
                except json.JSONDecodeError as error:
                    policy.unplaced(line_number, line_number, line.rstrip("\n"), reason="bad_json",
                                    expected="one JSON object per line (an utterance)",
                                    found=f"invalid JSON ({error.msg}, column {error.colno})")
                    continue
                except RecursionError:
                    policy.unplaced(line_number, line_number, line.rstrip("\n"), reason="bad_json",
                                    expected="one JSON object per line (an utterance)",
                                    found="JSON nested too deep to read")
                    continue
                if not isinstance(record, dict):
                    policy.unplaced(line_number, line_number, line.rstrip("\n"), reason="bad_json",
                                    expected="one JSON object per line (an utterance)",
                                    found=f"a JSON {type(record).__name__}")
                    continue
                rows.append((line_number, record))
        return rows
    legacy = folder / "utterances.json"
    if legacy.exists():
        rows = []
        for number, (line, item) in enumerate(_legacy_items(legacy), start=1):
            if not isinstance(item, dict):
                policy.unplaced(line, line, json.dumps(item, ensure_ascii=False), reason="bad_json",
                                expected="a JSON object for each utterance",
                                found=f"item {number}: a JSON {type(item).__name__}")
                continue
            rows.append((line, item))
        return rows
    raise ParseError(str(folder), None,
                     expected="a ConvoKit corpus folder with utterances.jsonl",
                     found="no utterances.jsonl (nor a legacy utterances.json)", remedy=None)


def _stamp(value) -> pd.Timestamp | None:
    """ConvoKit timestamps are usually epoch seconds; some corpora write date strings."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DateProblem("malformed", f"a boolean, not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return parse_epoch(value)
    if not isinstance(value, str):
        raise DateProblem("malformed", f"a JSON {type(value).__name__}, not a timestamp")
    text = value.strip()
    if text.lstrip("-").replace(".", "", 1).isdigit():
        return parse_epoch(float(text))
    try:
        return parse_date(text)
    except DateProblem as problem:
        if problem.kind == "out_of_range":
            raise
        try:  # other date spellings ("May 2, 2015"), as pandas reads them
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError, OverflowError):
            raise problem from None
        if stamp is pd.NaT:
            return None
        return parse_date(stamp.to_pydatetime())


def read_convokit(folder: str | Path, *, on_error: str = "raise") -> Corpus:
    """Read a ConvoKit corpus folder (ours or any other) into a corpus.

    Each conversation becomes a post: its root utterance (``reply-to`` null, or the
    utterance marked ``meta.is_post`` in our own exports) gives the post's body,
    author and date; the title comes from the utterance's or the conversation's
    ``title`` metadata. Every other utterance becomes a comment of that post; a reply to
    the root is a top-level comment. Only ``utterances.jsonl`` is required (a legacy
    ``utterances.json`` list is also read); ``conversations.json`` supplies titles when
    present; speakers, corpus and index files are not needed. Utterance metadata fields
    become extra columns; :data:`UNKNOWN_SPEAKER` becomes a missing author. An utterance
    whose conversation has no root is kept as a comment of a post that is not in the
    corpus, which :func:`~msdiscourse.threads.check_threads` reports as an orphan.

    Parameters
    ----------
    folder
        The corpus folder.
    on_error
        For an utterance line that is not a JSON object, has no id or an unreadable
        timestamp: ``"raise"``, ``"warn"`` or ``"collect"`` (kept as an ``unparsed`` row
        with its line in ``utterances.jsonl``).

    Returns
    -------
    Corpus
        ``source`` is the folder name, ``source_format`` ``"convokit"``; ids are the
        utterance and conversation ids; ``line_start``/``line_end`` are lines of
        ``utterances.jsonl``.

    Raises
    ------
    ParseError
        When the folder holds no utterances file, or a JSON file is broken, or (under
        ``on_error="raise"``) for the first bad utterance, naming the file and line.

    Examples
    --------
    >>> import tempfile
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "Vitamin D", "body": "Does it help?"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Ann", "text": "Yes."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1",
    ...                "text": "Source?"}])
    >>> back = read_convokit(to_convokit(corpus, tempfile.mkdtemp()))
    >>> back.comments[["comment_id", "parent_id", "author", "depth", "text"]]
      comment_id parent_id author  depth     text
    0      p1.c1      <NA>    Ann      0     Yes.
    1      p1.c2     p1.c1   <NA>      1  Source?
    >>> back.posts.loc[0, "title"]
    'Vitamin D'
    """
    check_on_error(on_error)
    folder = Path(folder)
    if not folder.is_dir():
        raise ParseError(str(folder), None, expected="a ConvoKit corpus folder",
                         found="a file" if folder.exists() else "nothing (no such folder)",
                         remedy=None)
    utterance_file = folder / "utterances.jsonl"
    if not utterance_file.exists() and (folder / "utterances.json").exists():
        utterance_file = folder / "utterances.json"  # the legacy layout: rows name it
    policy = ErrorPolicy(str(utterance_file), on_error=on_error)
    try:
        conversations = _read_json_object(folder / "conversations.json",
                                          str(folder / "conversations.json"))
    except ParseError as error:  # titles only: the utterances can still be read
        if on_error == "raise":
            raise
        if on_error == "warn":
            warnings.warn(f"{error} (titles not read)", ParseWarning, stacklevel=2)
        policy.rows.append({"source": error.source, "line_start": error.line,
                            "line_end": error.line, "reason": "bad_conversations_json",
                            "text": str(error)})
        conversations = {}
    name = folder.name

    roots: list[tuple[int | None, dict]] = []
    replies: list[tuple[int | None, dict]] = []
    used_ids: set[str] = set()
    for line, record in _load_utterances(folder, policy):
        raw = json.dumps(record, ensure_ascii=False)
        if record.get("id") in (None, "") or isinstance(record.get("id"), (dict, list)):
            policy.unplaced(line, line, raw, reason="no_id", expected="an utterance id",
                            found="no \"id\" field" if record.get("id") in (None, "")
                            else f"an id that is a JSON {type(record['id']).__name__}")
            continue
        flags: list[str] = []
        record["id"], repeated = unique_id(str(record["id"]), used_ids)
        used_ids.add(record["id"])
        if repeated:  # ConvoKit keys utterances by id: a repeat keeps its own row
            flags.append("duplicate_id")
        record["_published"] = read_date(
            record.get("timestamp"), policy, line=line, what="timestamp",
            example="1700000000 (seconds since 1970) or 2023-11-14T22:13:20Z", flags=flags,
            parse=_stamp, reason="bad_timestamp")
        record["_flags"] = flags
        meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
        reply_to = record.get("reply-to", record.get("reply_to"))
        # our exports say which utterance is the post; elsewhere the root is the post
        is_root = meta["is_post"] is True if "is_post" in meta else reply_to in (None, "")
        (roots if is_root else replies).append((line, record))

    def conversation_of(record: dict) -> str:
        value = record.get("conversation_id", record.get("root"))
        return str(value) if value not in (None, "") else str(record["id"])

    def author_of(record: dict):
        speaker = record.get("speaker", record.get("user"))
        return None if speaker in (None, "", UNKNOWN_SPEAKER) else str(speaker)

    posts: list[dict] = []
    root_ids: set[str] = set()
    for line, record in roots:
        meta = dict(record.get("meta") or {})
        meta.pop("is_post", None)
        conversation_id = conversation_of(record)
        convo = conversations.get(conversation_id) or {}
        convo_meta = convo.get("meta", convo) if isinstance(convo, dict) else {}
        post = {column: value for column, value in meta.items() if column not in _POST_FIELDS}
        post.update({
            "post_id": str(record["id"]),
            "source": meta.get("source") or name,
            "source_format": meta.get("source_format") or "convokit",
            "title": meta.get("title") or (convo_meta or {}).get("title"),
            "author": author_of(record),
            "published": record["_published"],
            "body": _text(record.get("text")) or None,  # written as "" when the post had none
            "line_start": line,
            "line_end": line,
        })
        if record["_flags"]:
            post["flags"] = ";".join(filter(None, [str(post.get("flags") or "")] + record["_flags"]))
        posts.append(post)
        root_ids.add(str(record["id"]))

    comments: list[dict] = []
    for line, record in replies:
        meta = dict(record.get("meta") or {})
        meta.pop("is_post", None)
        meta.pop("depth", None)  # rebuilt from the parent links
        reply_to = record.get("reply-to", record.get("reply_to"))
        reply_to = None if reply_to in (None, "") else str(reply_to)
        comment = {column: value for column, value in meta.items()
                   if column not in _COMMENT_FIELDS and column not in ("line_start", "line_end")}
        comment.update({
            "comment_id": str(record["id"]),
            "post_id": conversation_of(record),
            "parent_id": None if reply_to in root_ids else reply_to,
            "author": author_of(record),
            "text": _text(record.get("text")),
            "published": record["_published"],
            "line_start": line,
            "line_end": line,
        })
        if record["_flags"]:
            comment["flags"] = ";".join(filter(None, [str(comment.get("flags") or "")]
                                               + record["_flags"]))
        comments.append(comment)
    # file order is kept: Corpus.from_records numbers comments in order within each post
    corpus = Corpus.from_records(posts=posts, comments=comments, unparsed=policy.rows)
    return corpus.replace(posts=_nullable_extras(corpus.posts, POST_COLUMNS),
                          comments=_nullable_extras(corpus.comments, COMMENT_COLUMNS))


def _text(value) -> str | None:
    """An utterance's text: a string as written; another JSON value as its JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _nullable_extras(frame: pd.DataFrame, contract: dict) -> pd.DataFrame:
    """Give metadata columns pandas' nullable dtypes, like the contract columns."""
    extras = [c for c in frame.columns if c not in contract]
    if not extras or frame.empty:
        return frame
    frame = frame.copy()
    frame[extras] = frame[extras].convert_dtypes()
    return frame
