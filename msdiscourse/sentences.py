"""Sentences of posts and comments, with offsets and a flag for quotations.

Sentences are cut by :func:`msdiscourse.text.sentence_spans` (NLTK's Punkt, offline,
with this field's abbreviations), the library's one sentence splitter.

A comment that quotes the post or the comment it answers repeats someone else's words;
those sentences are flagged ``is_quote`` (:func:`msdiscourse.text.is_quotation`) so that
tone and marker counts can leave them out.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat",
...             "body": "Prof. Smith is cautious. It is early days."}],
...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Anon",
...                "text": '"Prof. Smith is cautious." Good, e.g. about HSCT. Thanks!'}])
>>> split_sentences(corpus)[["sentence_id", "start", "end", "text", "is_quote"]]
  sentence_id  start  end                        text  is_quote
0       p1.s1      0   24    Prof. Smith is cautious.     False
1       p1.s2     25   42           It is early days.     False
2    p1.c1.s1      0   26  "Prof. Smith is cautious."      True
3    p1.c1.s2     27   49      Good, e.g. about HSCT.     False
4    p1.c1.s3     50   57                     Thanks!     False
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from msdiscourse.corpus import Corpus, coerce_frame
from msdiscourse.schema import SENTENCES, check_corpus
from msdiscourse.text import fold_for_quotes, quotes_folded, sentence_spans

__all__ = [
    "SENTENCE_COLUMNS",
    "split_sentences",
]

#: sentences table: column -> dtype, declared in :mod:`msdiscourse.schema`
SENTENCE_COLUMNS: dict[str, str] = SENTENCES.columns


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def split_sentences(
    corpus: Corpus,
    *,
    units: Literal["all", "comments", "posts"] = "all",
    split_lines: bool = True,
) -> pd.DataFrame:
    """Split the post bodies and comments of a corpus into a table of sentences.

    Parameters
    ----------
    corpus
        The corpus; it is not changed.
    units
        ``"all"`` (post bodies and comments, the default), ``"comments"`` or ``"posts"``.
    split_lines
        Break sentences at every line break (default), or only at blank lines
        (``False``, for sources whose text is hard-wrapped); see :func:`msdiscourse.text.sentence_spans`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence with the columns of :data:`SENTENCE_COLUMNS`:
        ``sentence_id`` is ``f"{comment_id}.s{n}"`` (``f"{post_id}.s{n}"`` for the post
        body), ``n`` counts from 1 within each unit, ``text[start:end]`` of the unit gives
        the sentence, and ``is_quote`` marks a comment sentence that reproduces the post
        body or the parent comment (see :func:`msdiscourse.text.is_quotation`). Rows come post by post,
        the body first, then the comments in page order.

    Raises
    ------
    TypeError
        When ``corpus`` is not a :class:`~msdiscourse.Corpus` (a comments table, say).
    ValueError
        When ``units`` is not one of the three names.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "body": "Stem cells. Big news."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "Is it? Prof. X says so."}])
    >>> split_sentences(corpus, units="comments")[["sentence_id", "comment_id", "n", "text"]]
      sentence_id comment_id  n              text
    0    p1.c1.s1      p1.c1  1            Is it?
    1    p1.c1.s2      p1.c1  2  Prof. X says so.
    """
    check_corpus(corpus, caller="split_sentences")
    if units not in ("all", "comments", "posts"):
        raise ValueError(f'units must be "all", "comments" or "posts"; got {units!r}')
    posts, comments = corpus.posts, corpus.comments
    body_of = {
        pid: body for pid, body in zip(posts["post_id"], posts["body"]) if _present(body)
    }
    post_rank = {pid: rank for rank, pid in enumerate(posts["post_id"])}
    records: list[tuple] = []  # (sort key, row)

    if units in ("all", "posts"):
        for pid, body, author in zip(posts["post_id"], posts["body"], posts["author"]):
            if not _present(body):
                continue
            for n, (start, end) in enumerate(sentence_spans(body, split_lines=split_lines), 1):
                row = (f"{pid}.s{n}", pid, None, n, start, end, body[start:end], False,
                       author, None, None)
                records.append(((post_rank.get(pid, len(post_rank)), -1, n), row))

    if units in ("all", "comments"):
        folded: dict[str, str] = {}  # unit id -> folded text, computed once per unit

        def folded_text(unit_id: str, text) -> str | None:
            if not _present(text):
                return None
            if unit_id not in folded:
                folded[unit_id] = fold_for_quotes(text)
            return folded[unit_id]

        text_of = dict(zip(comments["comment_id"], comments["text"]))
        columns = ["comment_id", "post_id", "parent_id", "text", "author", "thread_id", "depth"]
        for order, (cid, pid, parent_id, text, author, thread_id, depth) in enumerate(
            zip(*(comments[c] for c in columns))
        ):
            if not _present(text):
                continue
            sources = [folded_text(f"post:{pid}", body_of.get(pid))]
            if _present(parent_id):
                sources.append(folded_text(f"comment:{parent_id}", text_of.get(parent_id)))
            sources = [s for s in sources if s]
            for n, (start, end) in enumerate(sentence_spans(text, split_lines=split_lines), 1):
                sentence = text[start:end]
                row = (f"{cid}.s{n}", pid, cid, n, start, end, sentence,
                       quotes_folded(sentence, sources), author, thread_id, depth)
                records.append(((post_rank.get(pid, len(post_rank)), order, n), row))

    records.sort(key=lambda record: record[0])
    frame = pd.DataFrame([row for _, row in records], columns=list(SENTENCE_COLUMNS))
    return coerce_frame(frame, SENTENCE_COLUMNS)
