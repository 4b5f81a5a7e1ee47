"""Pseudonymisation: stable keyed pseudonyms, names replaced in every text, input untouched."""

from __future__ import annotations

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.privacy import pseudonym, pseudonym_map, pseudonymise, pseudonymise_frame
from tests.conftest import DATA_RAW, require

KEY = "test-key"
PAGE_000 = "000_cbe15b06e01714f3"


@pytest.fixture(scope="module")
def real():
    from tests.conftest import BLOG_PAGES

    corpus = msd.read_corpus(require(BLOG_PAGES))
    return corpus, pseudonymise(corpus, key=KEY)


def test_real_page_names_replaced_in_authors_and_texts(real):
    corpus, private = real
    bojana, doctor = pseudonym("Bojana", key=KEY), pseudonym("MouseDoctor", key=KEY)
    text = private.comments.set_index("comment_id")["text"]
    assert text[f"{PAGE_000}.c12"].startswith(f"Dear {bojana},\n")
    assert text[f"{PAGE_000}.c13"].startswith(f"Unlike {bojana}, ")
    authors = private.comments.set_index("comment_id")["author"]
    assert authors[f"{PAGE_000}.c11"] == bojana
    assert private.posts.loc[0, "author"] == doctor
    byline = private.furniture[private.furniture["text"].str.startswith("By ", na=False)]
    assert byline["text"].tolist() == [f"By {doctor}"]
    for table in ("comments", "posts", "furniture", "unparsed"):
        frame = getattr(private, table)
        for column in frame.columns:
            if frame[column].dtype == "string":
                assert not frame[column].str.contains("Bojana|MouseDoctor", case=False, na=False).any(), (
                    table, column)


def test_real_corpus_left_unchanged(real):
    corpus, private = real
    from tests.conftest import BLOG_PAGES

    fresh = msd.read_corpus(BLOG_PAGES)
    pd.testing.assert_frame_equal(corpus.comments, fresh.comments)
    pd.testing.assert_frame_equal(corpus.posts.drop(columns="tags"), fresh.posts.drop(columns="tags"))
    assert corpus.comments.loc[10, "author"] == "Bojana"
    # the structure is kept: only names changed
    assert private.comments["comment_id"].tolist() == corpus.comments["comment_id"].tolist()
    assert private.comments["parent_id"].equals(corpus.comments["parent_id"])


def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    assert pseudonym("Bojana", key=KEY) == pseudonym("  bojana ", key=KEY)
    assert pseudonym("Bojana", key=KEY) != pseudonym("Bojana", key="another")
    assert pseudonym("Bojana", key=KEY) != pseudonym("Bojan", key=KEY)
    # HMAC-SHA256("test-key", "bojana"), first 6 hex digits
    import hashlib
    import hmac

    expected = hmac.new(b"test-key", b"bojana", hashlib.sha256).hexdigest()[:6]
    assert pseudonym("Bojana", key=KEY) == f"P-{expected}"
    assert pseudonym("Bojana", key=KEY, prefix="user_", digits=4) == f"user_{expected[:4]}"


def test_demo_pseudonyms_match_between_corpus_and_derived_tables():
    corpus = msd.read_corpus(require(DATA_RAW))
    private = pseudonymise(corpus, key=KEY)
    roles = msd.assign_roles(corpus)
    private_roles = pseudonymise_frame(roles, key=KEY)
    assert private_roles["author"].equals(private.comments["author"])
    # roles found on the pseudonymised corpus are the same roles
    assert msd.assign_roles(private)["role"].tolist() == roles["role"].tolist()
    assert private.comments["author"].nunique() == corpus.comments["author"].nunique() == 11


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dear Bojana, sorry.", "Dear P-x, sorry."),
        ("Unlike bojana, I am fine.", "Unlike P-x, I am fine."),
        ("@Bojana yes", "@P-x yes"),
        ("Bojanas and Bojana_2 are other words.", "Bojanas and Bojana_2 are other words."),
        ("Thanks Wendy  W!", "Thanks P-w!"),
        ("Anonymous said so.", "Anonymous said so."),
    ],
)
def test_names_replaced_as_whole_words_any_case(text, expected):
    from msdiscourse.privacy import replace_names

    mapping = {"Bojana": "P-x", "Wendy W": "P-w"}
    assert replace_names(pd.Series([text]), mapping, parts={"Wendy": "P-w"}).tolist() == [expected]


def test_placeholder_authors_are_kept():
    corpus = Corpus.from_records(
        comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Anonymous",
                   "text": "An anonymous donor paid."}])
    private = pseudonymise(corpus, key=KEY)
    assert private.comments.loc[0, "author"] == "Anonymous"
    assert private.comments.loc[0, "text"] == "An anonymous donor paid."


@pytest.mark.parametrize("key", ["", b"", None])
def test_empty_key_is_a_clear_error(key):
    with pytest.raises(ValueError) as error:
        pseudonymise(Corpus(), key=key)
    assert str(error.value) == (
        "key must be a non-empty string or bytes (keep it secret: anyone with the key can "
        f"test candidate names); found {key!r}")


def test_two_names_sharing_a_pseudonym_is_an_error():
    names = [f"user{i}" for i in range(40)]  # 40 names in 16 one-digit pseudonyms must collide
    with pytest.raises(ValueError, match=r"two names share the pseudonym 'P-.' .*pass digits=3"):
        pseudonym_map(names, key=KEY, digits=1)


def test_pseudonymise_frame_checks_named_columns_and_keeps_input():
    frame = pd.DataFrame({"replier": ["Wendy"], "addressee": [None], "text": ["hi Wendy"]})
    before = frame.copy()
    out = pseudonymise_frame(frame, key=KEY)
    wendy = pseudonym("Wendy", key=KEY)
    assert out.loc[0, "replier"] == wendy and out.loc[0, "text"] == f"hi {wendy}"
    assert pd.isna(out.loc[0, "addressee"])
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(KeyError, match="pseudonymise_frame: no column 'coder' in the frame; "
                                       "it has replier, addressee, text"):
        pseudonymise_frame(frame, key=KEY, columns=["coder"])


def test_cli_parse_pseudonymise(tmp_path):
    from msdiscourse.cli import main

    out = tmp_path / "processed"
    assert main(["parse", str(require(DATA_RAW)), "-o", str(out), "--pseudonymise",
                 "--key", KEY]) == 0
    loaded = msd.load_processed(out)
    assert pseudonym("Wendy W", key=KEY) in set(loaded.comments["author"])
    assert not loaded.comments["text"].str.contains("Wendy", na=False).any()


def test_first_names_of_multi_word_authors_replaced_in_demo_texts():
    corpus = msd.read_corpus(require(DATA_RAW))
    private = pseudonymise(corpus, key=KEY)
    text = private.comments.set_index("comment_id")["text"]
    wendy, bernard, sam = (pseudonym(n, key=KEY) for n in ("Wendy W", "Bernard T", "Spoonie Sam"))
    assert text["demo-05-ask-the-team.c5"] == f"That’s so reassuring, thank you {wendy}!"
    assert text["demo-05-ask-the-team.c9"].startswith(f"{bernard}, give it a rest.")
    assert text["demo-03-progressive-trials.c4"].startswith(f"{sam}, I know it’s not much")


def test_name_parts_shared_titles_and_full_names():
    full, parts = __import__("msdiscourse.privacy", fromlist=["_maps"])._maps(
        ["Sam Jones", "Sam Smith", "Prof Myelin", "Jones"], key=KEY, prefix="P-", digits=6,
        name_parts=True)
    assert parts["Sam"] == pseudonym("sam", key=KEY)  # shared: nobody's pseudonym
    assert parts["Smith"] == full["Sam Smith"]
    assert parts["Myelin"] == full["Prof Myelin"] and "Prof" not in parts  # a title
    assert "Jones" not in parts  # someone's full name already
    off = pseudonym_map(["Sam Jones"], key=KEY, name_parts=False)
    assert list(off) == ["Sam Jones"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NAME = st.from_regex(r"[A-Z][a-z]{3,8}( [A-Z][a-z]{0,6})?", fullmatch=True)
_FILLER = st.sampled_from(["thanks", "dear", "and", "the", "trial", "MS", ",", ".", "!", "\n", "@"])


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_NAME, min_size=1, max_size=4, unique_by=str.casefold),
       picks=st.lists(st.tuples(st.integers(0, 3), st.booleans(), _FILLER), min_size=1, max_size=12))
def test_no_author_name_survives_in_any_text(names, picks):
    words = []
    for index, shout, filler in picks:
        name = names[index % len(names)]
        words += [name.upper() if shout else name, filler]
    text = " ".join(words)
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "author": names[0], "title": text, "body": text}],
        comments=[{"comment_id": f"p.c{i}", "post_id": "p", "author": name, "text": text}
                  for i, name in enumerate(names)])
    private = pseudonymise(corpus, key=KEY)
    import re

    for name in names:
        whole = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        for value in [*private.comments["text"], private.posts.loc[0, "title"], private.posts.loc[0, "body"]]:
            assert not whole.search(value), (name, value)
    assert corpus.comments.loc[0, "text"] == text  # the input is untouched
