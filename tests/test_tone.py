"""Tone: exact VADER per sentence, domain overrides, whole texts, aggregation, threads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import msdiscourse as msd
from msdiscourse import tone
from msdiscourse.categories import TONE_DTYPE
from msdiscourse.corpus import Corpus
from msdiscourse.sentences import split_sentences
from msdiscourse.tone import (
    aggregate_tone,
    classify_tone,
    comment_tone,
    load_tone_overrides,
    score_texts,
    score_tone,
    thread_trajectory,
)
from msdiscourse.schema import SchemaError
from tests.conftest import BLOG_PAGES, SHARED_CORPUS, require

PAGE_000 = "000_cbe15b06e01714f3"
PAGE_004 = "004_3a7139fdbb8cb79e"
TWEETS = SHARED_CORPUS / "labelled" / "vader_tweets" / "tweets_GroundTruth.txt"


@pytest.fixture(scope="module")
def real_corpus() -> Corpus:
    pages = sorted(require(BLOG_PAGES).glob("*.txt"))
    assert len(pages) == 2
    return Corpus.concat(msd.read_pagedump(page) for page in pages)


@pytest.fixture(scope="module")
def scored(real_corpus) -> pd.DataFrame:
    return score_tone(split_sentences(real_corpus))


@pytest.fixture(scope="module")
def comment_scores(real_corpus) -> pd.DataFrame:
    return comment_tone(real_corpus)


def _row(frame: pd.DataFrame, column: str, value: str) -> pd.Series:
    rows = frame[frame[column] == value]
    assert len(rows) == 1, value
    return rows.iloc[0]


# -- score_tone ------------------------------------------------------------------------
def test_every_real_sentence_scores_exactly_as_vader(scored):
    analyzer = SentimentIntensityAnalyzer()
    assert len(scored) == 118
    for row in scored.itertuples():
        expected = analyzer.polarity_scores(row.text)
        assert (row.neg, row.neu, row.pos, row.compound) == (
            expected["neg"], expected["neu"], expected["pos"], expected["compound"]
        ), row.sentence_id


def test_tone_labels_dtype_and_thresholds(scored):
    assert scored["tone"].dtype == TONE_DTYPE
    assert scored["tone"].value_counts().to_dict() == {"negative": 29, "neutral": 42, "positive": 47}
    expected = np.where(scored["compound"] >= 0.05, "positive",
                        np.where(scored["compound"] <= -0.05, "negative", "neutral"))
    assert scored["tone"].astype(str).tolist() == expected.tolist()
    strict = score_tone(scored[["sentence_id", "text"]], positive=0.5, negative=-0.5)
    assert strict["tone"].value_counts().to_dict() == {"negative": 11, "neutral": 94, "positive": 13}
    assert ((scored["compound"] >= 0.5).sum(), (scored["compound"] <= -0.5).sum()) == (13, 11)


def test_score_tone_keeps_other_columns_and_does_not_mutate():
    frame = pd.DataFrame({"id": [7, 8], "body": ["Awful news.", "Lovely news."]}, index=[10, 20])
    before = frame.copy()
    result = score_tone(frame, text_column="body")
    pd.testing.assert_frame_equal(frame, before)
    assert list(result.columns) == ["id", "body", "neg", "neu", "pos", "compound", "tone"]
    assert result.index.tolist() == [10, 20]
    assert result["compound"].tolist() == [-0.4588, 0.5859]


def test_missing_non_string_and_blank_texts_score_nan():
    frame = pd.DataFrame({"text": pd.array(["Good.", None, "", "  \n", pd.NA], dtype="string")})
    frame["other"] = [1, 2.5, None, "x", object()]
    result = score_tone(frame)
    assert result["compound"].tolist()[0] == 0.4404
    assert result["compound"].iloc[1:].isna().all()
    assert result["tone"].isna().tolist() == [False, True, True, True, True]
    numbers = score_tone(frame, text_column="other")
    assert numbers["compound"].isna().tolist() == [True, True, True, False, True]  # "x" is text


def test_score_tone_errors_are_verbatim():
    frame = pd.DataFrame({"body": ["x"]})
    with pytest.raises(SchemaError) as error:
        score_tone(frame)
    assert str(error.value) == (
        "score_tone: text_column= names text, which is not a column of the table given "
        "(it has: body)"
    )
    with pytest.raises(ValueError, match=r"^the negative threshold must be below the positive one; "
                                         r"got negative=0.1, positive=0.05$"):
        score_tone(frame, text_column="body", negative=0.1)
    with pytest.raises(ValueError, match=r"^n_jobs must be a positive int, -1 or None \(all cores\); got 0$"):
        score_tone(frame, text_column="body", n_jobs=0)


def test_classify_tone_boundaries():
    labels = classify_tone(pd.Series([0.05, 0.0499, -0.05, -0.0499, math.nan]))
    assert labels.astype(object).where(labels.notna(), None).tolist() == [
        "positive", "neutral", "negative", "neutral", None
    ]


# -- speed machinery: dedupe, pool, progress --------------------------------------------
def test_repeated_texts_are_scored_once(monkeypatch):
    calls: list[int] = []
    real_chunk = tone._score_chunk

    def counting_chunk(texts, overrides, engine="fast"):
        calls.append(len(texts))
        return real_chunk(texts, overrides, engine)

    monkeypatch.setattr(tone, "_score_chunk", counting_chunk)
    frame = pd.DataFrame({"text": ["Thanks!", "I agree.", "Thanks!", "Thanks!", None, "I agree."]})
    result = score_tone(frame)
    assert calls == [2]
    assert result["compound"].tolist()[:4] == [0.4926, 0.3612, 0.4926, 0.4926]


def test_process_pool_keeps_order_and_scores(monkeypatch):
    # a small pool run: lower the thresholds so 300 texts go to 2 processes in 6 chunks
    monkeypatch.setattr(tone, "PARALLEL_MIN_TEXTS", 50)
    monkeypatch.setattr(tone, "_CHUNK_SIZE", 50)
    texts = [f"Day {i}: {'great' if i % 3 else 'awful'} news, {'!' * (i % 4)}" for i in range(300)]
    pooled = score_tone(pd.DataFrame({"text": texts}), n_jobs=2, progress=False)
    analyzer = SentimentIntensityAnalyzer()
    assert pooled["compound"].tolist() == [analyzer.polarity_scores(t)["compound"] for t in texts]


def test_progress_bar_only_when_asked_or_long(capsys):
    frame = pd.DataFrame({"text": ["Fine.", "Bad."]})
    score_tone(frame)
    assert capsys.readouterr().err == ""
    score_tone(frame, progress=True)
    assert "tone: 100%" in capsys.readouterr().err


# -- overrides ------------------------------------------------------------------------
def test_overrides_file_is_well_formed():
    overrides = load_tone_overrides()
    assert list(overrides.columns) == ["word", "valence", "why"]
    assert overrides["word"].is_unique and overrides["why"].str.len().min() > 20
    required = {"positive", "negative", "aggressive", "active", "killer", "attack", "benign"}
    assert required <= set(overrides["word"])
    lexicon = SentimentIntensityAnalyzer().lexicon
    # every row changes something: a word VADER knows, given a different valence
    for word, valence in zip(overrides["word"], overrides["valence"]):
        assert word in lexicon and lexicon[word] != valence, word
    overrides.loc[0, "valence"] = 99.0  # a copy: the cached table is not touched
    assert load_tone_overrides().loc[0, "valence"] == 0.0


@pytest.mark.parametrize(
    "content, message",
    [
        ("word,score,why\n", "tone_overrides.csv, line 1: expected the header word,valence,why; "
                             "found 'word,score,why'"),
        ("word,valence,why\npositive,0\n", "tone_overrides.csv, line 2: expected 3 fields "
                                           "(word, valence, why); found 2"),
        ("word,valence,why\npositive,zero,a test\n", "tone_overrides.csv, line 2: expected a "
         "valence between -4 and 4 (VADER's scale); found 'zero'"),
        ("word,valence,why\nkiller,0,cells\nkiller,0,cells\n", "tone_overrides.csv, line 3: "
         "expected a new lower-case word with a reason; found 'killer' again (first on line 2)"),
        ("word,valence,why\nKiller,0,cells\n", "tone_overrides.csv, line 2: expected a new "
         "lower-case word with a reason; found 'Killer' in upper case"),
    ],
)
def test_malformed_overrides_name_the_line(tmp_path, monkeypatch, content, message):
    path = tmp_path / "tone_overrides.csv"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(tone, "OVERRIDES_FILE", path)
    tone._overrides_table.cache_clear()
    try:
        with pytest.raises(ValueError) as error:
            load_tone_overrides()
        assert str(error.value) == message
    finally:
        tone._overrides_table.cache_clear()


def test_overrides_on_the_real_pages(scored):
    adjusted = score_tone(scored[["sentence_id", "text"]], overrides=True)
    before = scored.set_index("sentence_id")["compound"]
    after = adjusted.set_index("sentence_id")["compound"]
    changed = before[before != after].index.tolist()
    assert len(changed) == 14
    # the "very aggressive" treatment, in the post and in comment 7's quotation of it
    assert (before[f"{PAGE_000}.s12"], after[f"{PAGE_000}.s12"]) == (-0.0516, 0.1761)
    assert (before[f"{PAGE_000}.c7.s1"], after[f"{PAGE_000}.c7.s1"]) == (0.2263, 0.4201)
    assert scored.set_index("sentence_id").loc[f"{PAGE_000}.s12", "tone"] == "negative"
    assert adjusted.set_index("sentence_id").loc[f"{PAGE_000}.s12", "tone"] == "positive"
    # "replace the immune system" is not good news
    assert (before[f"{PAGE_000}.c2.s4"], after[f"{PAGE_000}.c2.s4"]) == (0.296, 0.0)
    # the price: "positive tones" is sentiment here, and loses it (see the README)
    assert (before[f"{PAGE_000}.c4.s1"], after[f"{PAGE_000}.c4.s1"]) == (0.7688, 0.4144)


def test_overrides_never_touch_a_shared_analyzer():
    score_tone(pd.DataFrame({"text": ["JC virus positive."]}), overrides=True)
    assert SentimentIntensityAnalyzer().lexicon["positive"] == 2.6
    assert tone._analyzer(False).lexicon["positive"] == 2.6
    assert "positive" not in tone._analyzer(True).lexicon
    assert tone._analyzer(True) is not tone._analyzer(False)


def test_one_analyzer_per_setting_however_it_is_asked_for():
    # compound_of asks for (False), score_tone for (False, "fast"): one lexicon, one token cache
    assert tone._analyzer(False) is tone._analyzer(False, "fast")
    assert tone._analyzer(True) is tone._analyzer(1, "fast")
    score_tone(pd.DataFrame({"text": ["Splendidly unusual wording."]}))
    assert "Splendidly" in tone._analyzer(False)._cache


# -- score_texts ------------------------------------------------------------------------
def _tweets() -> tuple[np.ndarray, list[str]]:
    raw = require(TWEETS).read_bytes().decode("utf-8")
    ratings, texts = [], []
    for line in raw.split("\r\n"):
        if line:
            _, rating, text = line.split("\t", 2)
            ratings.append(float(rating))
            texts.append(text)
    assert len(texts) == 4200
    return np.array(ratings), texts


def test_score_texts_agrees_with_people_at_least_as_well_as_whole_text_vader():
    ratings, texts = _tweets()
    result = score_texts(pd.Series(texts), n_jobs=1)
    whole_r = np.corrcoef(ratings, result["whole_compound"])[0, 1]
    ours_r = np.corrcoef(ratings, result["compound"])[0, 1]
    assert round(whole_r, 4) == 0.8722
    assert ours_r >= 0.872 and ours_r >= whole_r
    assert round(ours_r, 4) == 0.8745
    assert (result["n_words"] > tone.LONG_TEXT_WORDS).sum() == 842  # the ones it rescales
    # the naive alternative it replaces: a plain mean of sentence compounds
    sentences = pd.DataFrame({"tweet": range(len(texts)), "text": texts})
    sentences["text"] = sentences["text"].map(
        lambda t: [t[s:e] for s, e in msd.text.sentence_spans(t)])
    sentences = score_tone(sentences.explode("text").dropna(subset=["text"]))
    mean_r = np.corrcoef(ratings, sentences.groupby("tweet")["compound"].mean())[0, 1]
    assert round(mean_r, 3) == 0.817 and mean_r < whole_r - 0.05


def test_long_mildly_positive_comment_does_not_saturate():
    sentences = [
        "The new nurse seemed fine.", "The clinic was okay this time.",
        "My walking is a bit better.", "The MRI went fine.", "The staff were nice enough.",
    ]
    for repeats in (8, 20, 40):
        text = "\n\n".join(" ".join(sentences) for _ in range(repeats))
        row = score_texts([text]).iloc[0]
        assert row["whole_compound"] > 0.99
        assert 0.5 < row["compound"] < 0.8
    lengths = [score_texts([" ".join(sentences * n)]).iloc[0]["compound"] for n in (4, 12, 40)]
    assert max(lengths) - min(lengths) < 0.01  # the same mood at any length


def test_real_long_comment_keeps_its_measure(comment_scores):
    longest = _row(comment_scores, "comment_id", f"{PAGE_004}.c4")
    assert (longest["n_words"], longest["n_sentences"]) == (450, 24)
    assert (longest["whole_compound"], longest["compound"]) == (0.9857, 0.2836)
    angry = _row(comment_scores, "comment_id", f"{PAGE_000}.c11")
    assert (angry["whole_compound"], angry["compound"]) == (-0.9883, -0.5054)


def test_short_texts_keep_whole_text_vader():
    analyzer = SentimentIntensityAnalyzer()
    texts = ["Sorry you feel let down.", "I value the honesty here. Thanks!!"]
    result = score_texts(texts)
    assert result["compound"].tolist() == [analyzer.polarity_scores(t)["compound"] for t in texts]
    assert result["n_sentences"].tolist() == [1, 2]


def test_score_texts_inputs():
    series = pd.Series(["Great news!", None, "", 42, float("nan"), ["a list"]], index=list("abcdef"))
    result = score_texts(series)
    assert result.index.tolist() == list("abcdef")
    assert list(result.columns) == ["neg", "neu", "pos", "compound", "tone",
                                    "whole_compound", "n_sentences", "n_words"]
    assert result["compound"].iloc[0] == 0.6588 and result["compound"].iloc[1:].isna().all()
    assert result["n_words"].tolist() == [2, 0, 0, 0, 0, 0]
    generator = score_texts(text for text in ["Bad.", "Good."])
    assert generator.index.tolist() == [0, 1] and generator["tone"].tolist() == ["negative", "positive"]
    assert score_texts([]).empty
    with pytest.raises(TypeError, match="^score_texts expects many texts"):
        score_texts("one text")
    with pytest.raises(ValueError, match="^long_text_words must be a positive int; got 0$"):
        score_texts(["x"], long_text_words=0)


# -- aggregate_tone -------------------------------------------------------------------
def test_aggregate_by_role_counts_comments_and_authors(real_corpus):
    import msdiscourse as msd

    roles = msd.assign_roles(real_corpus)
    annotated = msd.annotate(msd.score_tone(msd.split_sentences(real_corpus, units="comments")),
                             roles=roles)
    by_role = aggregate_tone(annotated, by="role").set_index("role")
    own = annotated[~annotated["is_quote"].astype(bool)]
    assert by_role["n_comments"].sum() == own["comment_id"].nunique() > 5
    for role, rows in own.groupby("role", observed=True):
        assert by_role.loc[role, "n_comments"] == rows["comment_id"].nunique()
        assert by_role.loc[role, "n_authors"] == rows["author"].dropna().nunique()
    # sentences are not comments: a role has more sentences than comments
    assert (by_role["n_sentences"] >= by_role["n_comments"]).all()
    assert (by_role["n_sentences"] > by_role["n_comments"]).any()


def test_aggregate_by_comment_leaves_quotes_out(scored):
    by_comment = aggregate_tone(scored)
    assert list(by_comment.columns) == ["comment_id", "n_sentences", "n_comments", "n_authors",
                                        "mean_compound", "median_compound", "share_negative",
                                        "share_positive"]
    # one comment per group here; a signed comment has one author, an unsigned one none
    assert set(by_comment["n_comments"]) == {1}
    assert set(by_comment["n_authors"].dropna()) <= {0, 1}
    assert len(by_comment) == 17  # post-body sentences have no comment
    quoting = _row(by_comment, "comment_id", f"{PAGE_000}.c7")
    assert quoting["n_sentences"] == 1 and quoting["share_negative"] == 1.0
    with_quotes = _row(aggregate_tone(scored, exclude_quotes=False), "comment_id", f"{PAGE_000}.c7")
    assert with_quotes["n_sentences"] == 2 and with_quotes["share_negative"] == 0.5
    c8 = scored[scored["comment_id"] == f"{PAGE_000}.c8"]["compound"]
    row = _row(by_comment, "comment_id", f"{PAGE_000}.c8")
    assert row["mean_compound"] == pytest.approx(c8.mean())
    assert row["median_compound"] == pytest.approx(c8.median())


@pytest.mark.parametrize(
    "by, groups, n_sentences",
    [
        ("post_id", 2, [61, 56]),
        ("thread_id", 9, [12, 1, 5, 10, 14, 3, 7, 13, 24]),
        ("author", 2, [16, 8]),  # the post's byline, the one signed comment
    ],
)
def test_aggregate_by_other_columns(scored, by, groups, n_sentences):
    summary = aggregate_tone(scored, by=by)
    assert len(summary) == groups and summary["n_sentences"].tolist() == n_sentences


def test_aggregate_by_a_merged_role_and_by_two_columns(scored):
    roles = pd.DataFrame({"comment_id": [f"{PAGE_000}.c12"], "author": ["X"], "role": ["researcher"],
                          "source": ["known"]})
    merged = msd.annotate(scored, roles=roles)
    summary = aggregate_tone(merged, by="role")
    # post-body sentences have no comment, hence no role: left out like any missing key
    n_body = int((scored["comment_id"].isna() & ~scored["is_quote"]).sum())
    assert n_body == 28
    assert summary.set_index("role")["n_sentences"].to_dict() == {"unknown": 111 - n_body,
                                                                  "researcher": 6}
    two = aggregate_tone(scored, by=["post_id", "thread_id"])
    assert two.columns[:2].tolist() == ["post_id", "thread_id"] and len(two) == 9


def _sentences(**columns) -> pd.DataFrame:
    """A small sentences table: the given columns, the other required ones filled in."""
    frame = pd.DataFrame(columns)
    n = len(frame)
    frame.insert(0, "sentence_id", [f"s{i}" for i in range(n)])
    frame.insert(1, "post_id", ["p1"] * n)
    if "is_quote" not in frame:
        frame["is_quote"] = False
    return frame


def test_length_weighting():
    frame = score_tone(_sentences(
        comment_id=["c1", "c1"],
        text=["Thanks!", "This treatment has been a terrible and painful failure for me."],
    ))
    summary = aggregate_tone(frame, weight="length").iloc[0]
    compounds = frame["compound"].tolist()
    assert summary["weighted_compound"] == pytest.approx((compounds[0] * 1 + compounds[1] * 11) / 12)
    assert summary["mean_compound"] == pytest.approx(sum(compounds) / 2)


def test_a_comment_of_only_quotes_is_kept_empty():
    frame = score_tone(_sentences(
        comment_id=["c1", "c2"], text=['"It is awful."', "Nice."], is_quote=[True, False],
    ))
    summary = aggregate_tone(frame)
    assert summary["comment_id"].tolist() == ["c1", "c2"]
    assert summary["n_sentences"].tolist() == [0, 1] and math.isnan(summary["mean_compound"].iloc[0])


def test_aggregate_errors():
    with pytest.raises(SchemaError) as error:
        aggregate_tone(pd.DataFrame({"text": ["x"]}), by="author")
    assert str(error.value) == (
        "aggregate_tone expects the tone table (made by score_tone(split_sentences(corpus))); "
        "missing columns: sentence_id, post_id, comment_id, is_quote, compound, tone; "
        "got a DataFrame with columns: text"
    )
    scored = score_tone(_sentences(comment_id=["c"], text=["Fine."]))
    with pytest.raises(SchemaError, match="^aggregate_tone: by= names role, which is not a column"):
        aggregate_tone(scored, by="role")
    with pytest.raises(ValueError, match="^weight must be None or \"length\"; got 'words'$"):
        aggregate_tone(scored, weight="words")


# -- threads --------------------------------------------------------------------------
def test_thread_trajectory_on_the_real_pages(real_corpus, comment_scores):
    trajectory = thread_trajectory(comment_scores, real_corpus.comments)
    assert list(trajectory.columns) == ["comment_id", "thread_id", "post_id", "position",
                                        "thread_position", "depth", "compound"]
    assert len(trajectory) == 17
    thread = trajectory[trajectory["thread_id"] == f"{PAGE_000}.c7"]
    assert thread["thread_position"].tolist() == [1, 2, 3, 4]
    assert thread["depth"].tolist() == [0, 1, 1, 1]
    assert thread["compound"].tolist() == [-0.1313, -0.214, 0.2343, -0.6597]
    # comment 7 is scored without its quotation of the post
    assert _row(comment_tone(real_corpus, exclude_quotes=False), "comment_id",
                f"{PAGE_000}.c7")["compound"] == -0.0129


def test_trajectory_takes_comment_tone_only(real_corpus, scored, comment_scores):
    with pytest.raises(SchemaError) as error:
        thread_trajectory(scored, real_corpus.comments)
    assert str(error.value).startswith(
        "thread_trajectory expects the comment_tone table (made by comment_tone(corpus)); "
        "missing columns: whole_compound, n_sentences, n_words; got what looks like the tone "
        "table (made by score_tone(split_sentences(corpus)))")
    with pytest.raises(SchemaError, match="missing columns: neg, neu, pos, compound, tone, "
                                          "whole_compound"):
        thread_trajectory(aggregate_tone(scored), real_corpus.comments)
    twice = pd.concat([comment_scores, comment_scores.head(2)], ignore_index=True)
    with pytest.raises(ValueError, match="^expected one score per comment"):
        thread_trajectory(twice, real_corpus.comments)


def test_empty_inputs_give_empty_tables_with_the_columns():
    empty = msd.split_sentences(Corpus()).pipe(score_tone)
    assert empty.empty and list(empty.columns)[-5:] == ["neg", "neu", "pos", "compound", "tone"]
    assert list(aggregate_tone(empty).columns) == ["comment_id", "n_sentences", "n_comments", "n_authors", "mean_compound",
                                                   "median_compound", "share_negative", "share_positive"]
    assert aggregate_tone(empty).empty and score_texts(pd.Series([], dtype="string")).empty


def test_comment_tone_takes_the_sentences_already_split(real_corpus, comment_scores):
    sentences = split_sentences(real_corpus)
    shared = comment_tone(real_corpus, sentences=sentences)
    pd.testing.assert_frame_equal(shared, comment_scores)
    own = comment_tone(real_corpus, sentences=split_sentences(real_corpus, units="comments"),
                       exclude_quotes=False)
    pd.testing.assert_frame_equal(own, comment_tone(real_corpus, exclude_quotes=False))
    # each comment's sentences are its own rows of the table (quotations left out)
    own_rows = sentences[sentences["comment_id"].notna() & ~sentences["is_quote"]]
    counts = own_rows.groupby("comment_id").size()
    assert shared.set_index("comment_id")["n_sentences"].to_dict() == counts.to_dict()
    assert counts.max() > 1


def test_comment_tone_refuses_sentences_of_another_text(real_corpus):
    posts_only = split_sentences(real_corpus, units="posts")
    with pytest.raises(ValueError, match=r"^comment_tone: sentences= has no sentence of 17 comment\(s\) "
                                         r"with text \(first: "):
        comment_tone(real_corpus, sentences=posts_only)
    sentences = split_sentences(real_corpus)
    renamed = real_corpus.replace(comments=real_corpus.comments.assign(
        text=real_corpus.comments["text"].str.replace("the", "teh", regex=False)))
    with pytest.raises(ValueError, match="is not in that comment's text; expected the sentences "
                                         "of this very corpus"):
        comment_tone(renamed, sentences=sentences)
    with pytest.raises(SchemaError, match="^comment_tone expects the sentences table"):
        comment_tone(real_corpus, sentences=real_corpus.comments)


def test_tone_along_each_post_on_a_flat_forum(tmp_path):
    frame = pd.read_csv(require(SHARED_CORPUS / "threads" / "alsforums" / "alsforums-threads.csv"),
                        dtype=str, keep_default_na=False).drop(columns=["user_reason_joined"])
    frame = frame[frame["post_id"].isin(frame["post_id"].unique()[:12])]
    path = tmp_path / "forum.csv"
    frame.to_csv(path, index=False)
    forum = msd.read_comments_table(path, first_row_is_post=True, columns={
        "id": None, "parent": None, "post": "post_id", "author": "user_name", "text": "body",
        "date": "date"})
    assert forum.comments["parent_id"].isna().all()  # no reply links: every comment top level
    tone = comment_tone(forum)
    by_thread = thread_trajectory(tone, forum.comments)
    assert by_thread["thread_position"].eq(1).all()  # each comment a thread of one
    by_post = thread_trajectory(tone, forum.comments, along="post")
    assert by_post["thread_id"].tolist() == forum.comments["post_id"].tolist()
    sizes = forum.comments.groupby("post_id", sort=False).size()
    assert by_post.groupby("thread_id", sort=False)["thread_position"].max().to_dict() == sizes.to_dict()
    assert by_post["compound"].tolist() == by_thread["compound"].tolist()
    with pytest.raises(ValueError, match='^thread_trajectory: along must be "thread" or "post"; got \'reply\''):
        thread_trajectory(tone, forum.comments, along="reply")
