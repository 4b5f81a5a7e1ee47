"""Read a thread the way it was written: indented replies, who is who, tone and irony cues.

:func:`show_thread` returns a :class:`ThreadView`. In JupyterLab it renders as HTML (its
``_repr_html_``): the post, then each comment indented by its reply depth, with its author,
a role badge (hover for the evidence that decided the role), a tone colour down its left
edge, and irony-marker spans highlighted (hover for the rule). Long comments fold into a
``<details>`` element. In a terminal, ``print(view)`` gives the same thread as indented
text. Every piece of text from the corpus is escaped: page text is untrusted input.

Only pandas and the standard library are used, so the view works in a light install.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from msdiscourse.categories import ROLES, TONES
from msdiscourse.corpus import Corpus

__all__ = ["show_thread", "ThreadView", "corpus_html", "ROLE_BADGE_COLOURS", "TONE_EDGE_COLOURS"]

#: role -> badge colour: the Okabe-Ito colours of the figures (see msdiscourse.plotting)
ROLE_BADGE_COLOURS: dict[str, str] = dict(
    zip(ROLES, ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#999999"])
)
#: tone -> left-edge colour, as in the figures: negative vermillion, positive blue
TONE_EDGE_COLOURS: dict[str, str] = dict(zip(TONES, ["#D55E00", "#999999", "#0072B2"]))
_NO_TONE = "#DDDDDD"
_MARKER_BACKGROUND = "#F0E442"  # Okabe-Ito yellow: readable under black text

_NEGATIVE_BELOW = -0.05  # VADER's thresholds for a neutral compound
_POSITIVE_ABOVE = 0.05


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    category: str
    rule: str


@dataclass(frozen=True)
class _Comment:
    comment_id: str
    depth: int
    author: str | None
    text: str
    role: str | None = None
    role_evidence: str | None = None
    compound: float | None = None
    tone: str | None = None
    markers: tuple[_Marker, ...] = ()


@dataclass(frozen=True)
class ThreadView:
    """One post and its comments, ready to display; made by :func:`show_thread`.

    Attributes
    ----------
    post_id, title, author, body
        The post.
    comments
        The comments in page order, each with its depth, author, text and (when given)
        role, tone and marker spans.
    max_chars
        Comments longer than this fold.
    """

    post_id: str
    title: str | None
    author: str | None
    body: str
    comments: tuple[_Comment, ...] = field(repr=False)
    max_chars: int = 600

    # -- HTML -------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        parts = [
            '<div class="msd-thread" style="font-family: sans-serif; line-height: 1.4; '
            'max-width: 60em">',
            f'<div class="msd-post" style="border-bottom: 1px solid #ccc; margin-bottom: 0.5em">'
            f'<div style="font-weight: bold; font-size: 1.1em">{_esc(self.title or self.post_id)}</div>'
            f'<div style="color: #555; font-size: 0.9em">{_esc(self.author or "no author")} · '
            f'{_esc(self.post_id)} · {len(self.comments)} comment(s)</div>',
            _folded_html(self.body, (), self.max_chars, "msd-post-body"),
            "</div>",
        ]
        for comment in self.comments:
            parts.append(_comment_html(comment, self.max_chars))
        parts.append("</div>")
        return "\n".join(parts)

    # -- text -------------------------------------------------------------------------
    def __repr__(self) -> str:
        lines = [
            f"{self.title or self.post_id}  [{self.post_id}]",
            f"by {self.author or 'no author'}, {len(self.comments)} comment(s)",
        ]
        for comment in self.comments:
            indent = "    " * comment.depth
            head = f"{indent}└─ {comment.author or 'anonymous'}"
            if comment.role is not None:
                head += f" [{comment.role}]"
            if comment.compound is not None:
                head += f" ({comment.tone} {comment.compound:+.2f})"
            head += f"  {comment.comment_id}"
            lines.append(head)
            text = _bracket_markers(comment.text, comment.markers)
            if len(comment.text) > self.max_chars:
                text = text[: self.max_chars].rstrip() + f" … (+{len(comment.text) - self.max_chars} characters)"
            for paragraph in text.splitlines() or [""]:
                wrapped = textwrap.wrap(paragraph, width=max(30, 88 - len(indent))) or [""]
                lines.extend(f"{indent}   {line}" for line in wrapped)
            if comment.markers:
                rules = ", ".join(dict.fromkeys(m.rule for m in comment.markers))
                lines.append(f"{indent}   markers: {rules}")
        return "\n".join(lines)


def show_thread(
    corpus: Corpus,
    post_id: str,
    *,
    roles: pd.DataFrame | None = None,
    tone: pd.DataFrame | None = None,
    markers: pd.DataFrame | None = None,
    max_chars: int = 600,
) -> ThreadView:
    """Show one post and its comment threads, indented, with roles, tone and irony markers.

    Parameters
    ----------
    corpus
        The corpus (pseudonymise it first and the view shows pseudonyms).
    post_id
        The post to show (a value of ``corpus.posts["post_id"]``).
    roles
        The table of :func:`~msdiscourse.roles.assign_roles`: a badge per comment, its
        evidence on hover.
    tone
        The table of :func:`~msdiscourse.tone.comment_tone` (one row per comment): a
        colour down each comment's left edge.
    markers
        The table of :func:`~msdiscourse.sarcasm.find_markers` on
        ``split_sentences(corpus)``: the matched words highlighted, rule on hover.
    max_chars
        Comments longer than this fold (click to read the rest).

    Returns
    -------
    ThreadView
        Renders as HTML in Jupyter; ``print`` it for indented text.

    Raises
    ------
    TypeError
        When ``corpus`` is not a Corpus, or a table is not a DataFrame.
    ValueError
        When ``post_id`` is not in the corpus, or a table lacks the columns needed.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "A new trial", "author": "LabRat", "body": "News."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Sam", "text": "Great, yet another trial."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1", "author": "LabRat",
    ...                "text": "This one is different."}])
    >>> print(show_thread(corpus, "p1"))
    A new trial  [p1]
    by LabRat, 2 comment(s)
    └─ Sam  p1.c1
       Great, yet another trial.
        └─ LabRat  p1.c2
           This one is different.
    """
    if not isinstance(corpus, Corpus):
        raise TypeError(
            f"show_thread expects a Corpus (made by read_corpus(path) or load_processed(folder)); "
            f"got {type(corpus).__name__}"
        )
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ValueError(f"max_chars: expected a positive whole number of characters; got {max_chars!r}")
    _validate(corpus.posts, "posts")
    comments = _validate(corpus.comments, "comments")
    post_rows = corpus.posts[corpus.posts["post_id"] == post_id]
    if post_rows.empty:
        known = corpus.posts["post_id"].astype(str).tolist()
        raise ValueError(
            f"post_id {post_id!r} is not in the corpus; expected one of: "
            f"{', '.join(known[:8])}{' ...' if len(known) > 8 else ''}"
        )
    post = post_rows.iloc[0]
    thread = comments[comments["post_id"] == post_id]
    if thread["position"].notna().all():  # a validated comments table has position
        thread = thread.sort_values("position", kind="stable")

    role_of = _roles_by_comment(roles)
    tone_of = _tone_by_comment(tone)
    markers_of = _markers_by_comment(markers, corpus, post_id, thread)

    built = []
    for row in thread.itertuples(index=False):
        comment_id = str(row.comment_id)
        role, evidence = role_of.get(comment_id, (None, None))
        compound, tone_name = tone_of.get(comment_id, (None, None))
        built.append(_Comment(
            comment_id=comment_id,
            depth=int(row.depth) if pd.notna(row.depth) else 0,
            author=None if pd.isna(row.author) else str(row.author),
            text="" if pd.isna(row.text) else str(row.text),
            role=role,
            role_evidence=evidence,
            compound=compound,
            tone=tone_name,
            markers=tuple(markers_of.get(comment_id, ())),
        ))
    return ThreadView(
        post_id=str(post_id),
        title=None if pd.isna(post.get("title")) else str(post.get("title")),
        author=None if pd.isna(post.get("author")) else str(post.get("author")),
        body="" if pd.isna(post.get("body")) else str(post.get("body")),
        comments=tuple(built),
        max_chars=max_chars,
    )


# -- inputs ---------------------------------------------------------------------------

#: what the view needs of each table, and the call that makes it
_NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "posts": (("post_id",), "corpus.posts, made by read_corpus(path)"),
    "comments": (("comment_id", "post_id", "depth", "author", "text"),
                 "corpus.comments, made by read_corpus(path)"),
    "roles": (("comment_id", "role"), "assign_roles(corpus)"),
    "comment_tone": (("comment_id", "compound"), "comment_tone(corpus)"),
    "markers": (("comment_id", "rule", "start", "end", "match"),
                "find_markers(split_sentences(corpus))"),
}


def _validate(frame: object, name: str) -> pd.DataFrame:
    """Check a table with :func:`msdiscourse.schema.validate` where it is declared there."""
    from msdiscourse import schema

    if name in schema.TABLES:
        frame = schema.validate(frame, name, caller="show_thread")
    needed, producer = _NEEDS[name]
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"show_thread expects the {name} table (a DataFrame made by {producer}); "
            f"got {type(frame).__name__}"
        )
    missing = [c for c in needed if c not in frame.columns]  # schema-ok: a check that raises
    if missing:
        raise ValueError(
            f"show_thread expects the {name} table (made by {producer}); "
            f"missing columns: {', '.join(missing)}"
        )
    return frame


def _roles_by_comment(roles: pd.DataFrame | None) -> dict[str, tuple[str, str | None]]:
    if roles is None:
        return {}
    roles = _validate(roles, "roles")
    out = {}
    for row in roles.to_dict("records"):
        role = "unknown" if pd.isna(row["role"]) else str(row["role"])
        out[str(row["comment_id"])] = (role, _evidence_text(row))
    return out


def _evidence_text(row: dict) -> str | None:
    evidence = row.get("evidence")
    if evidence is None or pd.isna(evidence) or str(evidence) == "":
        return "nothing disclosed" if row.get("role") == "unknown" else None
    where = []
    rule = row.get("rule")
    if rule is not None and pd.notna(rule):
        where.append(f"rule {rule}")
    other = row.get("evidence_comment_id")
    if other is not None and pd.notna(other) and other != row.get("comment_id"):
        where.append(f"in {other}")
    confidence = row.get("confidence")
    if confidence is not None and pd.notna(confidence):
        where.append(f"confidence {float(confidence):.2f}")
    return f"“{evidence}”" + (f" ({', '.join(where)})" if where else "")


def _tone_by_comment(tone: pd.DataFrame | None) -> dict[str, tuple[float | None, str | None]]:
    if tone is None:
        return {}
    tone = _validate(tone, "comment_tone")
    if tone["comment_id"].duplicated().any():
        raise ValueError(
            "show_thread expects one tone row per comment (made by comment_tone(corpus)); "
            "this table repeats comment ids: it looks like sentence tone from score_tone"
        )
    out = {}
    for row in tone.to_dict("records"):
        compound = row["compound"]
        if compound is None or pd.isna(compound):
            continue
        name = row.get("tone")
        if name is None or pd.isna(name):
            name = ("negative" if compound < _NEGATIVE_BELOW
                    else "positive" if compound > _POSITIVE_ABOVE else "neutral")
        out[str(row["comment_id"])] = (float(compound), str(name))
    return out


def _markers_by_comment(
    markers: pd.DataFrame | None, corpus: Corpus, post_id: str, thread: pd.DataFrame
) -> dict[str, list[_Marker]]:
    """Marker spans as offsets into each comment's text (find_markers gives sentence offsets)."""
    if markers is None:
        return {}
    markers = _validate(markers, "markers")
    texts = {str(c): "" if pd.isna(t) else str(t) for c, t in zip(thread["comment_id"], thread["text"])}
    markers = markers[markers["comment_id"].astype("string").isin(list(texts))]
    if markers.empty:
        return {}
    from msdiscourse.sentences import split_sentences

    # a validated markers table has sentence_id: place each hit by its sentence's start
    one_post = corpus.replace(posts=corpus.posts[corpus.posts["post_id"] == post_id],
                              comments=thread)
    sentences = split_sentences(one_post, units="comments")
    sentence_start = dict(zip(sentences["sentence_id"].astype(str), sentences["start"].astype(int)))
    out: dict[str, list[_Marker]] = {}
    searched_from: dict[tuple[str, str], int] = {}
    for row in markers.to_dict("records"):
        comment_id = str(row["comment_id"])
        text, match = texts[comment_id], str(row["match"])
        offset = sentence_start.get(str(row.get("sentence_id")))
        start = None if offset is None else offset + int(row["start"])
        if start is None or text[start:start + len(match)] != match:
            # sentences split differently from the default: find the words themselves
            key = (comment_id, match)
            found = text.find(match, searched_from.get(key, 0))
            if found < 0:
                continue  # the marker's words are not in this comment's text
            start = found
            searched_from[key] = found + 1
        category = row.get("category")
        out.setdefault(comment_id, []).append(_Marker(
            start=start, end=start + len(match),
            category="" if category is None or pd.isna(category) else str(category),
            rule=str(row["rule"]),
        ))
    for spans in out.values():
        spans.sort(key=lambda m: (m.start, -m.end))
    return out


# -- rendering ------------------------------------------------------------------------


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _merged(markers: tuple[_Marker, ...]) -> list[tuple[int, int, list[_Marker]]]:
    """Overlapping marker spans joined into one span that keeps every marker's rule."""
    merged: list[tuple[int, int, list[_Marker]]] = []
    for marker in markers:  # sorted by start
        if merged and marker.start < merged[-1][1]:
            start, end, inside = merged[-1]
            merged[-1] = (start, max(end, marker.end), inside + [marker])
        else:
            merged.append((marker.start, marker.end, [marker]))
    return merged


def _highlighted_html(text: str, markers: tuple[_Marker, ...]) -> str:
    """Escaped text with each marker span in a <mark> whose title names its rules."""
    pieces, at = [], 0
    for start, end, inside in _merged(markers):
        pieces.append(_esc(text[at:start]))
        rules = list(dict.fromkeys(m.rule for m in inside))
        title = "; ".join(dict.fromkeys(
            f"{m.category}: {m.rule}" if m.category else m.rule for m in inside))
        pieces.append(
            f'<mark class="msd-marker" data-rule="{_esc(" ".join(rules))}" title="{_esc(title)}" '
            f'style="background: {_MARKER_BACKGROUND}; padding: 0 1px">'
            f"{_esc(text[start:end])}</mark>"
        )
        at = end
    pieces.append(_esc(text[at:]))
    return "".join(pieces)


def _folded_html(text: str, markers: tuple[_Marker, ...], max_chars: int, css_class: str) -> str:
    body = _highlighted_html(text, markers)
    style = "white-space: pre-wrap; margin: 0.2em 0"
    if len(text) <= max_chars:
        return f'<div class="{css_class}" style="{style}">{body}</div>'
    preview = _esc(text[:max_chars].rstrip())
    return (
        f'<details class="{css_class}"><summary style="{style}; cursor: pointer">{preview} … '
        f'<i>(+{len(text) - max_chars} characters)</i></summary>'
        f'<div style="{style}">{body}</div></details>'
    )


def _comment_html(comment: _Comment, max_chars: int) -> str:
    edge = TONE_EDGE_COLOURS.get(comment.tone or "", _NO_TONE)
    meta = [f'<b class="msd-author">{_esc(comment.author or "anonymous")}</b>']
    if comment.role is not None:
        colour = ROLE_BADGE_COLOURS.get(comment.role, ROLE_BADGE_COLOURS["unknown"])
        meta.append(
            f'<span class="msd-role" title="{_esc(comment.role_evidence or "no evidence recorded")}" '
            f'style="background: {colour}; color: white; border-radius: 3px; padding: 0 4px; '
            f'font-size: 0.85em; cursor: help">{_esc(comment.role)}</span>'
        )
    if comment.compound is not None:
        meta.append(
            f'<span class="msd-tone" title="VADER compound of the comment\'s own sentences" '
            f'style="color: {edge}; font-size: 0.85em">{_esc(comment.tone)} {comment.compound:+.2f}</span>'
        )
    meta.append(f'<span style="color: #888; font-size: 0.8em">{_esc(comment.comment_id)}</span>')
    return (
        f'<div class="msd-comment" data-comment-id="{_esc(comment.comment_id)}" '
        f'data-depth="{comment.depth}" style="margin: 0.4em 0 0.4em {1.5 * comment.depth:.1f}em; '
        f'padding-left: 0.6em; border-left: 4px solid {edge}">'
        f'<div class="msd-meta">{" ".join(meta)}</div>'
        f"{_folded_html(comment.text, comment.markers, max_chars, 'msd-text')}</div>"
    )


def _bracket_markers(text: str, markers: tuple[_Marker, ...]) -> str:
    """Plain text with marker spans in »…« brackets."""
    pieces, at = [], 0
    for start, end, _ in _merged(markers):
        pieces += [text[at:start], "»", text[start:end], "«"]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def corpus_html(corpus: Corpus) -> str:
    """A compact HTML summary of a corpus: what ``Corpus._repr_html_`` shows in Jupyter.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "title": "<b>Hi</b>"}],
    ...                              comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "Yes."}])
    >>> "&lt;b&gt;Hi&lt;/b&gt;" in corpus_html(corpus)
    True
    """
    s = corpus.summary()
    cells = "".join(
        f'<td style="padding: 0 1em 0 0"><b>{s[key]}</b> {label}</td>'
        for key, label in (("posts", "posts"), ("comments", "comments"),
                           ("max_depth", "deepest reply"), ("unparsed", "unparsed rows"),
                           ("furniture", "furniture lines"), ("sources", "sources"))
    )
    rows = []
    if len(corpus.posts):
        counts = corpus.comments.groupby("post_id", sort=False).agg(
            n=("comment_id", "size"), depth=("depth", "max"))
        for post in corpus.posts.head(10).itertuples(index=False):
            n = counts["n"].get(post.post_id, 0)
            depth = counts["depth"].get(post.post_id, pd.NA)
            title = "" if pd.isna(post.title) else post.title
            rows.append(
                f"<tr><td>{_esc(post.post_id)}</td><td>{_esc(title)}</td>"
                f"<td style='text-align: right'>{n}</td>"
                f"<td style='text-align: right'>{'' if pd.isna(depth) else int(depth)}</td></tr>"
            )
        if len(corpus.posts) > 10:
            rows.append(f"<tr><td colspan='4'>… {len(corpus.posts) - 10} more posts</td></tr>")
    table = (
        "<table class='msd-corpus-posts' style='font-size: 0.9em'><thead><tr><th>post_id</th>"
        "<th>title</th><th>comments</th><th>deepest</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
    ) if rows else ""
    return (
        "<div class='msd-corpus'><div><b>Corpus</b> "
        "<span style='color: #555'>(tables: .posts, .comments, .unparsed, .furniture)</span></div>"
        f"<table><tr>{cells}</tr></table>{table}</div>"
    )
