"""Pseudonymisation: private keys, stable keyed pseudonyms, names replaced in every form.

Real people's names never appear in this file: the real pages' authors are read at test
time (``real_page_people``); every other name here is invented.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import stat

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.paths import RESOURCES_DIR
from msdiscourse.privacy import (
    IDENTIFYING_COLUMNS,
    KEY_ENV,
    KEY_FILE_ENV,
    PROJECT_KEY_FILE,
    fold_name,
    pseudonym,
    pseudonym_map,
    pseudonymise,
    pseudonymise_frame,
    replace_names,
    resolve_key,
)
from tests.conftest import BLOG_PAGES, DATA_RAW, PROJECT_DIR, real_page_people, require

KEY = "test-key"
PAGE_000 = "000_cbe15b06e01714f3"
#: the keys that notebooks and the command line used to fall back on, public in the repository
OLD_PUBLIC_KEYS = ("msdiscourse-demo", "msdiscourse-demo-key")


@pytest.fixture
def no_key(tmp_path, monkeypatch):
    """A fresh project folder as working directory, and no key in the environment."""
    project = tmp_path / "study"
    project.mkdir()
    (project / "pyproject.toml").touch()
    monkeypatch.chdir(project)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return project


@pytest.fixture(scope="module")
def real():
    corpus = msd.read_corpus(require(BLOG_PAGES))
    return corpus, pseudonymise(corpus, key=KEY)


# -- keys -----------------------------------------------------------------------------------
def test_project_key_is_created_once_private_and_git_ignored(no_key, capsys):
    key = resolve_key()
    path = no_key / PROJECT_KEY_FILE
    assert re.fullmatch(rb"[0-9a-f]{64}", key)  # 256 random bits
    assert path.read_bytes() == key + b"\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (path.parent / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    assert capsys.readouterr().err == (
        f"msdiscourse: created a private pseudonym key at {path} (mode 0600, git-ignored); "
        f"keep it to pseudonymise the same way again, share it only within the team\n")
    assert resolve_key() == key and capsys.readouterr().err == ""  # reused, silently
    # a notebook runs in a subfolder of the project: same key
    (no_key / "notebooks").mkdir()
    os.chdir(no_key / "notebooks")
    assert resolve_key() == key


def test_two_projects_get_different_keys(tmp_path, no_key):
    other = tmp_path / "other"
    other.mkdir()
    assert resolve_key(project=other) != resolve_key(project=no_key)


def test_key_resolution_order(no_key, tmp_path, monkeypatch):
    team = tmp_path / "team.key"
    team.write_text("  shared team key\n", "utf-8")
    team.chmod(0o600)
    env_file = tmp_path / "env.key"
    env_file.write_text("key from a file named in the environment", "utf-8")
    env_file.chmod(0o600)
    monkeypatch.setenv(KEY_FILE_ENV, str(env_file))
    assert resolve_key() == b"key from a file named in the environment"
    monkeypatch.setenv(KEY_ENV, "key from the environment")
    assert resolve_key() == b"key from the environment"
    assert resolve_key(key_file=team) == b"shared team key"
    assert resolve_key("explicit", key_file=team) == b"explicit"
    assert not (no_key / PROJECT_KEY_FILE).exists()  # nothing created when a key was given
    assert pseudonym("Maria Novak", key_file=team) == pseudonym("Maria Novak", key="shared team key")


def test_key_file_errors_name_the_file(no_key, tmp_path):
    missing = tmp_path / "nope.key"
    with pytest.raises(FileNotFoundError) as caught:
        resolve_key(key_file=missing)
    assert str(caught.value).startswith(f"{missing}: expected a pseudonym key file; found no such file")
    empty = tmp_path / "empty.key"
    empty.write_text("\n", "utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{empty}: expected a pseudonym key; found an empty file")):
        resolve_key(key_file=empty)
    with pytest.raises(FileNotFoundError, match=re.escape(f"{no_key / PROJECT_KEY_FILE}: expected the "
                                                          f"project's pseudonym key; found no such file")):
        resolve_key(create=False)
    world = tmp_path / "world.key"
    world.write_text("k", "utf-8")
    world.chmod(0o644)
    with pytest.warns(UserWarning, match="readable by every user of this machine; run `chmod 600"):
        resolve_key(key_file=world)


def test_the_project_key_folder_is_in_gitignore():
    lines = (PROJECT_DIR / ".gitignore").read_text("utf-8").splitlines()
    assert ".msdiscourse/" in lines


def test_old_public_keys_no_longer_reverse_real_pseudonyms(no_key, tmp_path, capsys):
    from msdiscourse.cli import main

    people = real_page_people()
    candidates = [*people, "Maria Novak", "Anonymous", "Will Hunter"]
    corpus = msd.read_corpus(BLOG_PAGES)
    # the attack the old defaults allowed: hash candidate names under the public key
    public = pseudonymise(corpus, key=OLD_PUBLIC_KEYS[1])
    recovered = {n for n in candidates if pseudonym(n, key=OLD_PUBLIC_KEYS[1]) in set(public.comments["author"])}
    assert recovered and recovered <= set(people)
    # today: `parse --pseudonymise` without a key uses the project's private key
    out = tmp_path / "processed"
    assert main(["parse", str(BLOG_PAGES), "-o", str(out), "--pseudonymise"]) == 0
    assert "created a private pseudonym key" in capsys.readouterr().err
    loaded = msd.load_processed(out)
    shown = set(loaded.comments["author"].dropna()) | set(loaded.posts["author"].dropna())
    assert len(shown) == len(people)
    for old in OLD_PUBLIC_KEYS:
        assert not {n for n in candidates if pseudonym(n, key=old) in shown}
    private = (no_key / PROJECT_KEY_FILE).read_bytes().strip()
    assert {pseudonym(n, key=private) for n in people} == shown


def test_cli_takes_key_and_key_file_and_has_no_default_key(tmp_path, no_key):
    from msdiscourse.cli import build_parser, main

    parser = build_parser()
    for command in (["parse", "x", "--pseudonymise"], ["figures"]):
        args = parser.parse_args(command)
        assert args.key is None and args.key_file is None
    team = tmp_path / "team.key"
    team.write_text("team secret\n", "utf-8")
    team.chmod(0o600)
    out = tmp_path / "processed"
    assert main(["parse", str(require(DATA_RAW)), "-o", str(out), "--pseudonymise",
                 "--key-file", str(team)]) == 0
    loaded = msd.load_processed(out)
    assert pseudonym("Wendy W", key="team secret") in set(loaded.comments["author"])
    assert not loaded.comments["text"].str.contains("wendy", case=False, na=False).any()
    assert not (no_key / PROJECT_KEY_FILE).exists()


def test_cli_key_without_pseudonymise_is_refused(tmp_path, capsys):
    from msdiscourse.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["parse", str(require(DATA_RAW)), "-o", str(tmp_path / "o"), "--key", "k"])
    assert caught.value.code == 2
    assert "--key and --key-file only apply with --pseudonymise" in capsys.readouterr().err


def test_figures_passes_the_resolved_key_to_notebooks_through_the_environment(
        tmp_path, no_key, monkeypatch):
    import msdiscourse.cli as cli
    import msdiscourse.notebook_runner as runner

    seen = {}

    def fake_run(**kwargs):
        seen.update(env_key=os.environ.get(KEY_ENV), env_file=os.environ.get(KEY_FILE_ENV),
                    key=resolve_key(create=False), kwargs=kwargs)
        return []

    monkeypatch.setattr(runner, "run_notebooks", lambda data, **kw: fake_run(data=data, **kw))
    team = tmp_path / "team.key"
    team.write_text("team secret\n", "utf-8")
    team.chmod(0o600)
    monkeypatch.setenv(KEY_ENV, "a stale key in the shell")
    assert cli.main(["figures", "--key-file", str(team)]) == 0
    assert seen["key"] == b"team secret" and seen["env_key"] is None
    assert os.environ[KEY_ENV] == "a stale key in the shell"  # restored afterwards
    assert cli.main(["figures", "--key", "typed key"]) == 0
    assert seen["key"] == b"typed key"
    monkeypatch.delenv(KEY_ENV)
    # the invented demo corpus (the default data/raw) gets the public demo key, so the
    # committed figures are the same on every machine
    assert cli.main(["figures"]) == 0
    assert seen["key"] == runner.DEMO_KEY.encode() and seen["env_file"] is None
    pages = tmp_path / "pages"
    pages.mkdir()
    assert cli.main(["figures", "--data", str(pages)]) == 0  # other data, no key: the project's own
    assert seen["env_file"] == str(no_key / PROJECT_KEY_FILE)
    assert seen["key"] == (no_key / PROJECT_KEY_FILE).read_bytes().strip()


# -- pseudonyms -------------------------------------------------------------------------------
def test_real_page_names_replaced_in_authors_and_texts(real):
    corpus, private = real
    signer = corpus.comments.set_index("comment_id").loc[f"{PAGE_000}.c11", "author"]
    byline = corpus.posts.set_index("post_id").loc[PAGE_000, "author"]
    assert {signer, byline} == set(real_page_people())
    signer_alias, byline_alias = pseudonym(signer, key=KEY), pseudonym(byline, key=KEY)
    text = private.comments.set_index("comment_id")["text"]
    assert text[f"{PAGE_000}.c12"].startswith(f"Dear {signer_alias},\n")
    assert text[f"{PAGE_000}.c13"].startswith(f"Unlike {signer_alias}, ")
    assert private.comments.set_index("comment_id").loc[f"{PAGE_000}.c11", "author"] == signer_alias
    assert private.posts.loc[0, "author"] == byline_alias
    bylines = private.furniture[private.furniture["text"].str.startswith("By ", na=False)]
    assert bylines["text"].tolist() == [f"By {byline_alias}"]
    for name in real_page_people():
        for table in ("comments", "posts", "furniture", "unparsed"):
            frame = getattr(private, table)
            for column in frame.columns:
                if frame[column].dtype == "string":
                    assert not frame[column].str.contains(name, case=False, regex=False, na=False).any(), (
                        table, column)


def test_real_corpus_left_unchanged(real):
    corpus, private = real
    fresh = msd.read_corpus(BLOG_PAGES)
    pd.testing.assert_frame_equal(corpus.comments, fresh.comments)
    pd.testing.assert_frame_equal(corpus.posts.drop(columns="tags"), fresh.posts.drop(columns="tags"))
    # the structure is kept: only names changed
    assert private.comments["comment_id"].tolist() == corpus.comments["comment_id"].tolist()
    assert private.comments["parent_id"].equals(corpus.comments["parent_id"])


def test_pseudonyms_are_stable_per_key_and_differ_between_keys():
    assert pseudonym("Maria Novak", key=KEY) == pseudonym("  maria   novak ", key=KEY)
    assert pseudonym("Maria Novak", key=KEY) != pseudonym("Maria Novak", key="another")
    assert pseudonym("Maria Novak", key=KEY) != pseudonym("Maria Nova", key=KEY)
    # HMAC-SHA256("test-key", "maria novak"), first 6 hex digits
    expected = hmac.new(b"test-key", b"maria novak", hashlib.sha256).hexdigest()[:6]
    assert pseudonym("Maria Novak", key=KEY) == f"P-{expected}"
    assert pseudonym("Maria Novak", key=KEY, prefix="user_", digits=4) == f"user_{expected[:4]}"


def test_demo_pseudonyms_match_between_corpus_and_derived_tables():
    corpus = msd.read_corpus(require(DATA_RAW))
    private = pseudonymise(corpus, key=KEY)
    roles = msd.assign_roles(corpus)
    private_roles = pseudonymise_frame(roles, key=KEY)
    assert private_roles["author"].equals(private.comments["author"])
    # roles found on the pseudonymised corpus are the same roles
    assert msd.assign_roles(private)["role"].tolist() == roles["role"].tolist()
    assert private.comments["author"].nunique() == corpus.comments["author"].nunique() == 11


# -- names in every form ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dear Maria Novak, sorry.", "Dear P-m, sorry."),
        ("thanks maria, as novak said", "thanks P-m, as P-m said"),
        ("MARIA NOVAK and Maria  Novak", "P-m and P-m"),
        ("Dear Novák, and NOVÁK, and Máría", "Dear P-m, and P-m, and P-m"),
        ("MariaNovak and maria_novak and maria.novak and Maria-Novak", "P-m and P-m and P-m and P-m"),
        ("Maria's post", "P-m's post"),
        ("@MariaNovak yes, @maria too", "@P-m yes, @P-m too"),
        ("see https://example.org/people/maria-novak/ and www.example.org/MariaNovak99",
         "see https://example.org/people/P-m/ and www.example.org/P-m99"),
        ("@mnovak_ms", "@mP-m_ms"),
        ("write to maria.novak@example.org or ops@example.org", "write to [email] or [email]"),
        ("Marianne and Novakovic are other people.", "Marianne and Novakovic are other people."),
        ("I will ask Will; may I? Mark my words, mark them", "I will ask P-w; may I? P-w my words, mark them"),
        ("Anonymous said so.", "Anonymous said so."),
    ],
    ids=["full", "parts-lower-case", "upper-and-spaces", "accents", "run-together", "possessive",
         "handles", "urls", "inside-a-handle", "emails", "near-misses", "stop-list", "placeholder"],
)
def test_names_replaced_in_every_form(text, expected):
    mapping = {"Maria Novak": "P-m", "Will Mark": "P-w"}
    parts = {"Maria": "P-m", "Novak": "P-m", "Will": "P-w", "Mark": "P-w"}
    assert replace_names(pd.Series([text]), mapping, parts=parts).tolist() == [expected]


def _stoplist_rows():
    with open(RESOURCES_DIR / "name_part_stoplist.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", _stoplist_rows(), ids=lambda row: row["word"])
def test_stop_listed_name_parts_survive_as_words_and_go_as_names(row):
    word, example = row["word"], row["example"]
    assert re.search(rf"\b{word}\b", example), "the example must use the word in lower case"
    name = f"{word.capitalize()} Quillfeather"
    private = pseudonymise(Corpus.from_records(comments=[
        {"comment_id": "p.c1", "post_id": "p", "author": name, "text": example},
        {"comment_id": "p.c2", "post_id": "p", "author": "Maria Novak",
         "text": f"Thanks {word.capitalize()}! {example}"}]), key=KEY)
    alias = pseudonym(name, key=KEY)
    assert private.comments["text"].tolist() == [example, f"Thanks {alias}! {example}"]


def test_extra_columns_dropped_scrubbed_or_kept_by_declared_lists():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "author": "Maria Novak", "title": "T", "body": "B",
                "url": "https://blog.example/author/maria-novak/post-1", "tags": ["MariaNovak", "MS"],
                "author_email": "mn@example.org", "status": "publish", "reader_note": "by Maria"}],
        comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Jonas Berg", "text": "Hi maria",
                   "email": "jb@example.org", "profile_url": "https://social.example/jonasberg",
                   "ip": "192.0.2.7", "user_name": "jb1984", "score": 0.5, "note": "Jonas wrote"}])
    private = pseudonymise(corpus, key=KEY, keep=["note"])
    maria, jonas = pseudonym("Maria Novak", key=KEY), pseudonym("Jonas Berg", key=KEY)
    assert list(private.posts.columns)[-2:] == ["url", "status"]  # reader_note dropped
    assert private.posts.loc[0, "url"] == f"https://blog.example/author/{maria}/post-1"
    assert private.posts.loc[0, "tags"] == [maria, "MS"]
    comments = private.comments
    assert not set(IDENTIFYING_COLUMNS) & set(comments.columns)
    assert "score" not in comments.columns  # not on the allowlist, not asked for
    assert comments.loc[0, ["author", "text", "note"]].tolist() == [jonas, f"Hi {maria}", f"{jonas} wrote"]
    assert comments.loc[0, "user_name"] == pseudonym("jb1984", key=KEY)
    # the input is untouched
    assert corpus.comments.loc[0, "email"] == "jb@example.org"


def test_pseudonymise_frame_drops_identifying_columns_and_scrubs_url():
    frame = pd.DataFrame({"replier": ["Maria Novak"], "addressee": [None], "text": ["hi maria"],
                          "url": ["https://x.example/maria-novak"], "email": ["m@x.example"],
                          "n_words": [2]})
    before = frame.copy()
    out = pseudonymise_frame(frame, key=KEY)
    maria = pseudonym("Maria Novak", key=KEY)
    assert list(out.columns) == ["replier", "addressee", "text", "url", "n_words"]
    assert out.loc[0, ["replier", "text", "url"]].tolist() == [maria, f"hi {maria}", f"https://x.example/{maria}"]
    assert pd.isna(out.loc[0, "addressee"])
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(KeyError, match="pseudonymise_frame: no column 'coder' in the frame; "
                                       "it has replier, addressee, text, url, email, n_words"):
        pseudonymise_frame(frame, key=KEY, columns=["coder"])


def test_placeholder_authors_are_kept():
    corpus = Corpus.from_records(
        comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Anonymous",
                   "text": "An anonymous donor paid."}])
    private = pseudonymise(corpus, key=KEY)
    assert private.comments.loc[0, "author"] == "Anonymous"
    assert private.comments.loc[0, "text"] == "An anonymous donor paid."


@pytest.mark.parametrize("key", ["", b""])
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


def test_first_names_of_multi_word_authors_replaced_in_demo_texts():
    corpus = msd.read_corpus(require(DATA_RAW))
    private = pseudonymise(corpus, key=KEY)
    text = private.comments.set_index("comment_id")["text"]
    wendy, bernard, sam = (pseudonym(n, key=KEY) for n in ("Wendy W", "Bernard T", "Spoonie Sam"))
    assert text["demo-05-ask-the-team.c5"] == f"That’s so reassuring, thank you {wendy}!"
    assert text["demo-05-ask-the-team.c9"].startswith(f"{bernard}, give it a rest.")
    assert text["demo-03-progressive-trials.c4"].startswith(f"{sam}, I know it’s not much")


def test_name_parts_shared_titles_and_full_names():
    from msdiscourse.privacy import _maps

    full, parts = _maps(["Sam Jones", "Sam Smith", "Prof Myelin", "Jones", "maria novák"],
                        key=KEY.encode(), prefix="P-", digits=6, name_parts=True)
    assert parts["Sam"] == pseudonym("sam", key=KEY)  # shared: nobody's pseudonym
    assert parts["Smith"] == full["Sam Smith"]
    assert parts["Myelin"] == full["Prof Myelin"] and "Prof" not in parts  # a title
    assert "Jones" not in parts  # someone's full name already
    assert parts["maria"] == parts["novák"] == full["maria novák"]  # lower-case names count too
    off = pseudonym_map(["Sam Jones"], key=KEY, name_parts=False)
    assert list(off) == ["Sam Jones"]


def test_fold_name():
    assert fold_name("Zoë Ångström-Øberg") == "zoe angstrom-oberg"
    assert fold_name("STRASSE") == fold_name("Straße")


# -- property: no variant of an author's name survives in any text column ---------------------
_ACCENTS = str.maketrans({"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í", "n": "ñ", "c": "č"})
_WORDS = st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True).filter(
    lambda w: any(c > "f" for c in w.lower()))  # never spelled in hex digits, as pseudonyms are
_PERSON = st.tuples(_WORDS, st.one_of(st.none(), _WORDS))
_FORMS = ["as written", "upper", "lower", "accented", "first", "last lower", "run together",
          "underscore", "dotted", "url", "handle", "email"]
_FILLER = st.sampled_from(["thanks", "dear", "and", "the", "trial", "MS", ",", ".", "!", "\n", "@", "'s"])


def _form(first: str, last: str | None, form: str) -> str:
    full = f"{first} {last}" if last else first
    joined = f"{first}{last}" if last else first
    return {
        "as written": full, "upper": full.upper(), "lower": full.lower(),
        "accented": full.translate(_ACCENTS), "first": first,
        "last lower": (last or first).lower(), "run together": joined,
        "underscore": f"{first}_{last}".lower() if last else first.lower(),
        "dotted": f"{first}.{last}" if last else first,
        "url": f"https://example.org/u/{full.lower().replace(' ', '-')}/",
        "handle": f"@{joined}99", "email": f"{joined.lower()}@example.org",
    }[form]


@settings(max_examples=80, deadline=None)
@given(people=st.lists(_PERSON, min_size=1, max_size=3, unique_by=lambda p: p[0].lower()),
       picks=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(_FORMS), _FILLER),
                      min_size=1, max_size=10))
def test_no_variant_of_an_author_name_survives_in_any_text_column(people, picks):
    from msdiscourse.privacy import _stoplist

    words = {w.lower() for person in people for w in person if w}
    assume(not words & _stoplist())
    # two people sharing a word would make that word nobody's name part: keep them distinct
    assume(len(words) == sum(1 for person in people for w in person if w))
    names = [f"{first} {last}" if last else first for first, last in people]
    pieces = []
    for index, form, filler in picks:
        first, last = people[index % len(people)]
        pieces += [_form(first, last, form), filler]
    text = " ".join(pieces)
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "author": names[0], "title": text, "body": text,
                "url": f"https://blog.example/{text[:40]}", "tags": [text]}],
        comments=[{"comment_id": f"p.c{i}", "post_id": "p", "author": name, "text": text,
                   "note": text} for i, name in enumerate(names)])
    private = pseudonymise(corpus, key=KEY, keep=["note"])
    values = [*private.comments["text"], *private.comments["note"], private.posts.loc[0, "title"],
              private.posts.loc[0, "body"], private.posts.loc[0, "url"], *private.posts.loc[0, "tags"]]
    for value in values:
        folded = fold_name(value)
        squeezed = re.sub(r"[._\-\s]", "", folded)
        for first, last in people:
            for word in filter(None, (first, last)):
                if last is None and len(word) < 3:
                    continue
                assert not re.search(rf"(?<![a-z0-9]){word.lower()}(?![a-z0-9])", folded), (word, value)
            if last:
                assert f"{first}{last}".lower() not in squeezed, (first, last, value)
    assert corpus.comments.loc[0, "text"] == text  # the input is untouched
