"""to_convokit / read_convokit: ConvoKit's on-disk corpus, written and read with plain JSON."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError
from msdiscourse.io.convokit import CONVOKIT_FILES, UNKNOWN_SPEAKER, read_convokit, to_convokit
from msdiscourse.io.folder import read_corpus, sniff_format
from msdiscourse.io.html_page import read_html_page
from msdiscourse.io.table import read_comments_table
from msdiscourse.threads import check_threads
from tests.conftest import FIXTURES

CONVOKIT = FIXTURES / "convokit"
TREE = ["comment_id", "post_id", "parent_id", "thread_id", "depth", "position", "author",
        "text", "published", "flags"]


def _sources() -> list[Corpus]:
    pages = sorted((FIXTURES / "html").glob("*.html"))
    assert len(pages) == 3
    return [
        Corpus.concat(read_html_page(page) for page in pages),
        read_comments_table(FIXTURES / "table" / "comments.csv"),
    ]


@pytest.mark.parametrize("corpus", _sources(), ids=["html-pages", "csv-table"])
def test_round_trip_keeps_tree_authors_texts_and_dates(tmp_path, corpus):
    back = read_convokit(to_convokit(corpus, tmp_path / "ck"))
    pd.testing.assert_frame_equal(back.comments[TREE], corpus.comments[TREE])
    for column in ("post_id", "title", "author", "published", "body", "n_comments", "source",
                   "source_format"):
        pd.testing.assert_series_equal(back.posts[column], corpus.posts[column])
    assert back.posts["tags"].tolist() == corpus.posts["tags"].tolist()
    # the readers' own columns travel as utterance metadata
    for column in [c for c in corpus.comments.columns if c not in TREE + ["line_start", "line_end"]]:
        assert back.comments[column].tolist() == corpus.comments[column].tolist(), column
    assert check_threads(back).empty


def test_the_files_follow_convokits_format(tmp_path):
    corpus = read_html_page(FIXTURES / "html" / "wordpress-html5-comment-list.html")
    folder = to_convokit(corpus, tmp_path / "ck")
    assert sorted(p.name for p in folder.iterdir()) == sorted(CONVOKIT_FILES)
    lines = (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    utterances = [json.loads(line) for line in lines]
    assert len(utterances) == 1 + len(corpus.comments)
    post_id = corpus.posts.loc[0, "post_id"]
    root, first, reply = utterances[0], utterances[1], utterances[2]
    assert set(root) == {"id", "conversation_id", "reply-to", "speaker", "timestamp", "text",
                         "meta", "vectors"}
    assert (root["id"], root["conversation_id"], root["reply-to"], root["speaker"]) == (
        post_id, post_id, None, "Dr M")
    assert root["timestamp"] == 1560841200  # 2019-06-18T07:00:00Z
    assert root["meta"]["title"] == "Is fatigue in MS an immune problem?"
    assert root["meta"]["is_post"] is True
    assert (first["reply-to"], first["conversation_id"], first["speaker"]) == (post_id, post_id, "Lorna")
    assert reply["reply-to"] == first["id"]
    assert first["meta"]["kind"] == "comment" and first["meta"]["is_post"] is False
    assert utterances[-1]["meta"]["kind"] == "pingback"

    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert set(index) == {"utterances-index", "speakers-index", "conversations-index",
                          "overall-index", "version", "vectors"}
    assert index["utterances-index"]["title"] == ["<class 'str'>"]
    assert index["utterances-index"]["tags"] == ["<class 'list'>"]
    assert index["utterances-index"]["depth"] == ["<class 'int'>"]
    assert index["utterances-index"]["is_post"] == ["<class 'bool'>"]
    assert index["conversations-index"]["title"] == ["<class 'str'>"]
    speakers = json.loads((folder / "speakers.json").read_text(encoding="utf-8"))
    assert set(speakers) == {u["speaker"] for u in utterances}
    assert speakers["Lorna"] == {"meta": {}, "vectors": []}
    conversations = json.loads((folder / "conversations.json").read_text(encoding="utf-8"))
    assert conversations == {post_id: {"meta": {"title": "Is fatigue in MS an immune problem?",
                                                "source": "wordpress-html5-comment-list.html"},
                                       "vectors": []}}
    assert sniff_format(folder) == "convokit"


def test_missing_authors_and_orphans_are_written_loadably(tmp_path):
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "body": "Post"}],
        comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "No name"},
                  {"comment_id": "p9.c1", "post_id": "p9", "author": "Ann", "text": "Lost post"}])
    folder = to_convokit(corpus, tmp_path / "ck")
    utterances = [json.loads(line) for line in
                  (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [u["speaker"] for u in utterances] == [UNKNOWN_SPEAKER, UNKNOWN_SPEAKER, "Ann"]
    # a comment whose post is missing has no root to reply to: it is a root itself
    assert [(u["id"], u["reply-to"], u["conversation_id"]) for u in utterances] == [
        ("p1", None, "p1"), ("p1.c1", "p1", "p1"), ("p9.c1", None, "p9")]
    back = read_convokit(folder)
    assert back.posts["author"].isna().all()
    assert back.comments.loc[0, "author"] is pd.NA


def test_ids_convokit_cannot_hold_are_refused(tmp_path):
    clash = Corpus.from_records(posts=[{"post_id": "x"}],
                                comments=[{"comment_id": "x", "post_id": "x", "text": "t"}])
    with pytest.raises(ValueError, match=r"ids used by both a post and a comment: \['x'\]"):
        to_convokit(clash, tmp_path / "a")
    repeated = Corpus(comments=pd.concat([clash.comments.assign(comment_id="c")] * 2))
    with pytest.raises(ValueError, match=r"repeated comment ids: \['c'\]"):
        to_convokit(repeated, tmp_path / "b")


def test_a_reddit_style_convokit_corpus_is_read():
    folder = CONVOKIT / "reddit-style"
    corpus = read_convokit(folder)
    posts = corpus.posts
    assert posts[["post_id", "title", "author", "n_comments", "source", "source_format"]].values.tolist() == [
        ["8x1abc", "Ocrevus vs Tysabri", "ms_warrior_83", 5, "reddit-style", "convokit"],
        ["9b2def", "Just diagnosed", "newly_dx_22", 1, "reddit-style", "convokit"],
    ]
    assert posts.loc[0, "published"] == pd.Timestamp("2018-07-07T21:46:40Z")
    comments = corpus.comments
    assert comments[["comment_id", "post_id", "parent_id", "depth", "author", "line_start"]].values.tolist() == [
        ["e20aaa1", "8x1abc", pd.NA, 0, "spoonie_sam", 2],
        ["e20bbb2", "8x1abc", "e20aaa1", 1, "ms_warrior_83", 3],
        ["e20ccc3", "8x1abc", "e20bbb2", 2, "spoonie_sam", 4],
        ["e20ddd4", "8x1abc", "e20ccc3", 3, "[deleted]", 5],
        ["e20eee5", "8x1abc", pd.NA, 0, "nurse_kate", 6],
        ["e5fff01", "9b2def", pd.NA, 0, "spoonie_sam", 8],
    ]
    assert comments.loc[2, "text"] == "Itchy throat the first time. Oh, and the joy of a six-hour chair. Totally fine."
    assert comments["score"].tolist() == [17, 5, 9, 1, 22, 8]
    assert str(comments["score"].dtype) == "Int64"
    assert check_threads(corpus).empty
    assert sniff_format(folder) == "convokit"


def test_a_legacy_convokit_corpus_with_users_and_root_is_read():
    corpus = read_convokit(CONVOKIT / "legacy-users")
    assert corpus.posts[["post_id", "title", "author"]].values.tolist() == [["L1", "EBV and MS", "Prof G"]]
    assert corpus.comments[["comment_id", "parent_id", "depth", "author"]].values.tolist() == [
        ["L2", pd.NA, 0, "Anon"], ["L3", "L2", 1, "Prof G"], ["L4", "L3", 2, "Anon"]]
    assert corpus.comments.loc[2, "published"] == pd.Timestamp("2014-02-03T11:45:00Z")
    assert sniff_format(CONVOKIT / "legacy-users") == "convokit"


def test_read_corpus_reads_every_convokit_folder_below_a_folder():
    corpus = read_corpus(CONVOKIT)
    assert sorted(corpus.posts["post_id"]) == ["8x1abc", "9b2def", "L1"]
    assert len(corpus.comments) == 6 + 3


def test_a_folder_without_utterances_is_refused(tmp_path):
    with pytest.raises(ParseError) as raised:
        read_convokit(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path}: expected a ConvoKit corpus folder with utterances.jsonl; "
        "found no utterances.jsonl (nor a legacy utterances.json)"
    )
    with pytest.raises(ParseError, match=r"expected a ConvoKit corpus folder; found nothing \(no such folder\)"):
        read_convokit(tmp_path / "missing")


def _broken_folder(tmp_path):
    lines = (CONVOKIT / "reddit-style" / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:40]  # a truncated line
    lines[4] = lines[4].replace('"timestamp": 1531014400', '"timestamp": "soon"')
    (tmp_path / "utterances.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_a_broken_utterance_line_raises_with_its_line(tmp_path):
    folder = _broken_folder(tmp_path)
    with pytest.raises(ParseError) as raised:
        read_convokit(folder)
    assert str(raised.value) == (
        f"{folder / 'utterances.jsonl'}, line 3: expected one JSON object per line (an utterance); "
        "found invalid JSON (Unterminated string starting at, column 38) "
        '(pass on_error="collect" to keep it as an unparsed row)'
    )


def test_collect_keeps_broken_utterances_as_unparsed(tmp_path):
    corpus = read_convokit(_broken_folder(tmp_path), on_error="collect")
    assert corpus.unparsed[["line_start", "reason"]].values.tolist() == [[3, "bad_json"], [5, "bad_timestamp"]]
    # the reply to the lost utterance is kept, made top level and flagged
    kept = corpus.comments.set_index("comment_id")
    assert "e20bbb2" not in kept.index
    assert kept.loc["e20ccc3", "flags"] == "missing_parent"
    assert pd.isna(kept.loc["e20ddd4", "published"])
    assert check_threads(corpus)[["comment_id", "problem"]].values.tolist() == [
        ["e20ccc3", "missing_parent"]]


def test_our_export_loads_in_convokit(tmp_path):
    convokit = pytest.importorskip(
        "convokit", reason="convokit is not installed (it pulls in torch and spaCy; the project "
        "does not depend on it); install it to check our export against the real loader")
    corpus = Corpus.concat(_sources()[:1])
    folder = to_convokit(corpus, tmp_path / "ck")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = convokit.Corpus(filename=str(folder))
    assert len(list(loaded.iter_utterances())) == len(corpus.posts) + len(corpus.comments)
    assert sorted(loaded.get_conversation_ids()) == sorted(corpus.posts["post_id"])
    for conversation in loaded.iter_conversations():
        assert conversation.check_integrity(verbose=False)
    first = corpus.comments.iloc[1]
    utterance = loaded.get_utterance(first["comment_id"])
    assert utterance.reply_to == first["parent_id"]
    assert utterance.speaker.id == first["author"]
    assert utterance.text == first["text"]
    # and ConvoKit's own dump reads back with the same tree
    loaded.dump("redump", base_path=str(tmp_path))
    back = read_convokit(tmp_path / "redump")
    pd.testing.assert_frame_equal(back.comments[TREE], corpus.comments[TREE])


@st.composite
def corpora(draw):
    """Random posts with random comment forests, authors (some missing) and dates."""
    n_posts = draw(st.integers(min_value=1, max_value=3))
    posts = [{"post_id": f"p{i}", "title": draw(st.sampled_from(["A", "B “quoted”", None])),
              "author": draw(st.sampled_from(["Prof G", None])), "body": "Body",
              "published": "2020-01-01T00:00:00Z"} for i in range(n_posts)]
    comments = []
    for index in range(draw(st.integers(min_value=0, max_value=20))):
        post = f"p{draw(st.integers(0, n_posts - 1))}"
        earlier = [c["comment_id"] for c in comments if c["post_id"] == post]
        parent = draw(st.one_of(st.none(), st.sampled_from(earlier))) if earlier else None
        comments.append({
            "comment_id": f"{post}.c{index}", "post_id": post, "parent_id": parent,
            "author": draw(st.sampled_from(["Ann", "Zoë", None])),
            "text": draw(st.text(alphabet="ab \n“’…\"\\", max_size=8)),
            "published": draw(st.one_of(st.none(), st.integers(1_500_000_000, 1_600_000_000).map(
                lambda s: pd.Timestamp(s, unit="s", tz="UTC")))),
        })
    return Corpus.from_records(posts=posts, comments=comments)


@settings(max_examples=15, deadline=None)
@given(corpora())
def test_any_corpus_survives_the_round_trip(tmp_path_factory, corpus):
    back = read_convokit(to_convokit(corpus, tmp_path_factory.mktemp("ck")))
    pd.testing.assert_frame_equal(back.comments[TREE], corpus.comments[TREE])
    pd.testing.assert_frame_equal(back.posts[["post_id", "title", "author", "published", "body"]],
                                  corpus.posts[["post_id", "title", "author", "published", "body"]])


# -- issue 11: every bad input is a ParseError naming file and line/item, nothing dropped -----

UTTERANCE = ('{{"id": "{id}", "conversation_id": "p", "reply-to": {reply}, "speaker": "Ann", '
             '"timestamp": {ts}, "text": "{text}"}}')


def _utterance(id, reply="null", ts=1531014400, text="Hi"):
    return UTTERANCE.format(id=id, reply=reply, ts=ts, text=text)


def test_non_utf8_bytes_name_the_line(tmp_path):
    lines = [_utterance("p", text="Post"), _utterance("c1", '"p"'),
             _utterance("c2", '"p"', text="caf\xe9")]
    data = "\n".join(lines).encode("utf-8").replace("caf\xe9".encode(), b"caf\xe9")
    (tmp_path / "utterances.jsonl").write_bytes(data + b"\n")
    with pytest.raises(ParseError) as raised:
        read_convokit(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'utterances.jsonl'}, line 3: expected UTF-8 text (ConvoKit writes JSON in "
        "UTF-8); found the byte 0xe9 at column 110 "
        '(pass on_error="collect" to keep it as an unparsed row)')
    corpus = read_convokit(tmp_path, on_error="collect")
    assert corpus.comments["comment_id"].tolist() == ["c1"]
    assert corpus.unparsed[["line_start", "reason"]].values.tolist() == [[3, "not_utf8"]]
    assert corpus.unparsed["text"].iloc[0].endswith('"text": "caf\ufffd"}')


def test_a_broken_legacy_utterances_json_names_file_and_line(tmp_path):
    (tmp_path / "utterances.json").write_text(
        "[\n" + _utterance("p") + ",\n" + _utterance("c1", '"p"')[:-5] + "\n]\n", encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        read_convokit(tmp_path, on_error="collect")  # the whole file is unreadable: always raised
    assert str(raised.value) == (
        f"{tmp_path / 'utterances.json'}, line 4: expected a JSON list of utterances; found "
        "Expecting value (column 1, after 1 item)")
    (tmp_path / "utterances.json").write_text('{"not": "a list"}', encoding="utf-8")
    with pytest.raises(ParseError, match=r"utterances.json: expected a JSON list of utterances; "
                                         r"found a JSON dict"):
        read_convokit(tmp_path)


def test_non_object_items_of_a_legacy_list_become_unparsed_rows(tmp_path):
    (tmp_path / "utterances.json").write_text(
        "[\n" + _utterance("p") + ",\n42,\n" + _utterance("c1", '"p"') + ',\n"stray"\n]',
        encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        read_convokit(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'utterances.json'}, line 3: expected a JSON object for each utterance; "
        'found item 2: a JSON int (pass on_error="collect" to keep it as an unparsed row)')
    corpus = read_convokit(tmp_path, on_error="collect")
    assert corpus.comments[["comment_id", "line_start"]].values.tolist() == [["c1", 4]]
    assert corpus.unparsed[["line_start", "reason", "text"]].values.tolist() == [
        [3, "bad_json", "42"], [5, "bad_json", '"stray"']]


def test_repeated_ids_and_out_of_range_timestamps_are_kept_and_flagged(tmp_path):
    lines = [_utterance("p", text="Post"), _utterance("c1", '"p"'),
             _utterance("c1", '"p"', text="Again"), _utterance("c2", '"c1"', ts=1e20)]
    (tmp_path / "utterances.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_convokit(tmp_path, on_error="collect")
    got = corpus.comments[["comment_id", "parent_id", "text", "flags"]]
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        ["c1", None, "Hi", ""], ["c1~2", None, "Again", "duplicate_id"],
        ["c2", "c1", "Hi", "date_out_of_range"]]
    assert corpus.unparsed[["line_start", "reason"]].values.tolist() == [[4, "bad_timestamp"]]
    with pytest.raises(ParseError, match=r"line 4: expected timestamp like 1700000000"):
        read_convokit(tmp_path)


def test_a_broken_conversations_json_costs_only_the_titles_under_collect(tmp_path):
    (tmp_path / "utterances.jsonl").write_text(_utterance("p") + "\n", encoding="utf-8")
    (tmp_path / "conversations.json").write_bytes(b'{"p": {"meta": {"title": "caf\xe9"}}}')
    with pytest.raises(ParseError) as raised:
        read_convokit(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'conversations.json'}, line 1: expected UTF-8 text (ConvoKit writes JSON "
        "in UTF-8); found the byte 0xe9 at offset 29")
    corpus = read_convokit(tmp_path, on_error="collect")
    assert corpus.posts[["post_id", "title"]].astype(object).values.tolist() == [["p", pd.NA]]
    assert corpus.unparsed[["source", "line_start", "reason"]].values.tolist() == [
        [str(tmp_path / "conversations.json"), 1, "bad_conversations_json"]]
