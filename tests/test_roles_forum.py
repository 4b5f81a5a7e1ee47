"""Roles on a forum: the real ALS/MND forum judged per author, forum mode, flair, inference, evaluation."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.roles import INFER_THRESHOLD, assign_roles, find_role_cues, post_roles
from msdiscourse.roles_eval import evaluate_roles
from tests.conftest import SHARED_CORPUS, require

FORUM = SHARED_CORPUS / "threads" / "alsforums" / "alsforums-threads.csv"
GOLD_COLUMN = "user_reason_joined"
DECLARED = {"PALS": "patient", "DX MND": "patient", "DX UMND/PLS": "patient",
            "CALS": "relative", "Loved one DX": "relative", "Lost a loved one": "relative",
            "Friend was DX": "other", "Other": "other"}
COLUMNS = {"id": None, "parent": None, "post": "post_id", "author": "user_name", "text": "body",
           "date": "date"}


def _read_forum():
    return msd.read_comments_table(require(FORUM), first_row_is_post=True, columns=COLUMNS)


@pytest.fixture(scope="module")
def forum_roles(forum):
    corpus, _ = forum
    return assign_roles(corpus, blog_is_research=False)


@pytest.fixture(scope="module")
def forum():
    """The forum corpus without the gold column, and the gold (author, role) read apart."""
    corpus = _read_forum()
    corpus = corpus.replace(comments=corpus.comments.drop(columns=[GOLD_COLUMN]))
    with open(FORUM, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gold = pd.DataFrame([{"author": r["user_name"], "role": DECLARED[r[GOLD_COLUMN]],
                          "post_id": r["post_id"]} for r in rows if r[GOLD_COLUMN] in DECLARED])
    return corpus, gold.drop_duplicates()


def _judge(corpus, gold, roles=None):
    roles = assign_roles(corpus, blog_is_research=False) if roles is None else roles
    posts = post_roles(corpus, blog_is_research=False)
    predicted = pd.concat([roles[["author", "role", "confidence"]],
                           posts[["author", "role", "confidence"]]], ignore_index=True)
    return evaluate_roles(predicted, gold[["author", "role"]]).set_index("role")


# -- the reader --------------------------------------------------------------------------------
def test_forum_export_reads_with_the_opener_as_the_post():
    corpus = _read_forum()
    assert (len(corpus.posts), len(corpus.comments)) == (172, 2447 - 172)
    assert corpus.unparsed.empty
    assert corpus.posts["body"].notna().all() and corpus.posts["author"].notna().all()
    assert corpus.posts["title"].notna().all()
    assert corpus.comments["comment_id"].is_unique
    assert corpus.comments["parent_id"].isna().all() and (corpus.comments["depth"] == 0).all()
    # the opener is the earliest message of its thread and is not repeated as a comment
    first = corpus.comments.groupby("post_id")["published"].min()
    opened = corpus.posts.set_index("post_id")["published"]
    assert (opened[first.index] <= first).all()
    assert set(corpus.comments["reply"].astype("string")) <= {"True", "False"}


def test_forum_reader_refuses_posts_with_first_row_is_post():
    with pytest.raises(ValueError, match="pass either posts= or first_row_is_post=True"):
        msd.read_comments_table(require(FORUM), first_row_is_post=True, columns=COLUMNS,
                                posts=pd.DataFrame({"post_id": ["1"]}))


# -- the gold label is never an input ------------------------------------------------------------
def test_the_declared_role_is_not_an_input(forum, forum_roles):
    corpus, _ = forum
    assert GOLD_COLUMN not in corpus.comments.columns
    # with the label column present but scrambled, the roles are those found without it
    with_labels = _read_forum()
    scrambled = with_labels.comments.copy()
    scrambled[GOLD_COLUMN] = scrambled[GOLD_COLUMN].sample(frac=1, random_state=1).to_numpy()
    b = assign_roles(with_labels.replace(comments=scrambled), blog_is_research=False)
    pd.testing.assert_frame_equal(forum_roles, b)


# -- the forum judged per author ----------------------------------------------------------------
def test_forum_cues_alone_per_author(forum, forum_roles):
    corpus, gold = forum
    scores = _judge(corpus, gold, forum_roles)
    # relatives: the bar (precision >= 0.9 at recall >= 0.6) is met
    assert scores.loc["relative", "precision"] >= 0.9
    assert scores.loc["relative", "recall"] >= 0.6
    # patients: the bar is met over all threads since the fifth pass (32 of 52, one carer
    # taken for a patient); many of the rest write nothing about themselves at all
    assert scores.loc["patient", "precision"] >= 0.9
    assert scores.loc["patient", "recall"] >= 0.6
    assert scores.loc["patient", "n_correct"] == 32
    assert scores.loc["all", "n_authors"] == 199


#: the fourth pass's general first-person patient cues
_FOURTH_PASS = ("self_course", "symptom_in_my_body", "own_trouble", "my_function", "voice_banking",
                "burden_self", "own_prognosis", "helps_me", "communicate_by",
                "age_with_condition", "the_patient", "disease_took_my")


def test_forum_fourth_pass_cues_fire_on_declared_patients(forum):
    # on the real forum the fourth pass's cues are written by few authors, and nearly all
    # of them declared themselves patients (one declared carer, already taken for a
    # patient by an older cue, also writes one of them)
    corpus, gold = forum
    evidence = msd.role_evidence(corpus, blog_is_research=False)
    authors = set(evidence.loc[evidence["rule"].isin(_FOURTH_PASS), "author"])
    declared = gold.groupby("author")["role"].agg(set)
    patients = {a for a in authors if "patient" in declared.get(a, set())}
    assert len(authors) == 5
    assert len(patients) == 4


#: the fifth pass's cues, written on the former held-out half ("half B")
_FIFTH_PASS = ("paralysed_self", "speech_for_me", "dying_of_condition", "my_equipment",
               "choking_self", "own_end_of_life", "care_i_receive", "as_progressor")


def test_forum_fifth_pass_cues_fire_on_declared_patients_only(forum):
    # every author who writes one of the fifth pass's cues, in either half, declared
    # themselves a patient: no carer writes them here
    corpus, gold = forum
    evidence = msd.role_evidence(corpus, blog_is_research=False)
    authors = set(evidence.loc[evidence["rule"].isin(_FIFTH_PASS), "author"])
    declared = gold.groupby("author")["role"].agg(set)
    assert len(authors) == 17
    assert all("patient" in declared.get(a, set()) for a in authors)


def _half(corpus, gold, parity):
    import hashlib

    ids = {p for p in corpus.posts["post_id"]
           if hashlib.sha256(str(p).encode()).digest()[0] % 2 == parity}
    part = corpus.replace(posts=corpus.posts[corpus.posts["post_id"].isin(ids)],
                          comments=corpus.comments[corpus.comments["post_id"].isin(ids)]
                          .reset_index(drop=True))
    return _judge(part, gold[gold["post_id"].isin(ids)])


def test_forum_half_a_the_fifth_pass_was_not_written_on(forum):
    # half A (the former dev half) is where the fifth pass's cues are judged out of sample:
    # they find no one new there (23 of 39 patients before and after), and lose nothing
    scores = _half(*forum, 0)
    assert scores.loc["patient", "n_correct"] == 23
    assert scores.loc["patient", "precision"] == 1.0
    assert scores.loc["relative", "precision"] >= 0.9
    assert scores.loc["relative", "recall"] >= 0.6


def test_forum_no_researcher_from_a_denied_job(forum_roles):
    # a carer or patient writing "I am not <job>" (article dropped) was called a researcher
    evidence = forum_roles.loc[forum_roles["rule"] == "profession", "evidence"].astype(str)
    denied = evidence[evidence.str.contains(r"\b(?:not|no|never|hardly)\b", case=False)]
    assert denied.empty, denied.tolist()
    assert (forum_roles["role"] == "researcher").sum() == 0  # no author here declared a job


def test_forum_held_out_threads_hold_up(forum):
    # half B (the former held-out half): the fifth pass was written on it
    scores = _half(*forum, 1)
    assert scores.loc["relative", "precision"] >= 0.9
    assert scores.loc["relative", "recall"] >= 0.6
    # design figures since the fifth pass (20 of 36, two carers taken for patients)
    assert scores.loc["patient", "precision"] >= 0.9
    assert scores.loc["patient", "n_correct"] == 20


def test_forum_every_decision_shows_its_phrase_and_detail(forum, forum_roles):
    corpus, _ = forum
    roles = forum_roles
    decided = roles[roles["source"].isin(["own_text", "same_author", "post_body"])]
    assert len(decided) > 1000
    texts = corpus.comments.set_index("comment_id")["text"]
    bodies = corpus.posts.set_index("post_id")["body"]
    for row in decided.drop_duplicates("author").itertuples():
        where = (texts[row.evidence_comment_id] if row.evidence_comment_id is not pd.NA
                 else bodies[row.evidence_post_id])
        assert row.evidence in where, row.comment_id
    carers = decided[decided["role"] == "relative"]
    assert carers["detail"].str.startswith(("relative of", "carer", "bereaved")).mean() > 0.9
    assert (decided.loc[decided["source"] == "post_body", "evidence_post_id"].notna()).all()


# -- forum mode on invented text ------------------------------------------------------------------
def _forum(body, *comments):
    return Corpus.from_records(
        posts=[{"post_id": "t1", "author": "Ann", "title": "Hello", "body": body}],
        comments=[{"comment_id": f"t1.c{i}", "post_id": "t1", "author": a, "text": t}
                  for i, (a, t) in enumerate(comments, start=1)])


def test_post_bodies_are_read_on_a_forum_only():
    corpus = _forum("I was just diagnosed with MND and I'm scared.", ("Ann", "Thank you all."))
    forum = assign_roles(corpus, blog_is_research=False).iloc[0]
    assert (forum["role"], forum["rule"], forum["source"], forum["evidence_post_id"]) == (
        "patient", "have_condition", "same_author", "t1")
    assert forum["detail"] == "MND"
    post = post_roles(corpus, blog_is_research=False).iloc[0]
    assert (post["role"], post["source"]) == ("patient", "post_body")
    blog = assign_roles(corpus).iloc[0]  # the blog default: the byline, not the body
    assert (blog["role"], blog["rule"]) == ("researcher", "byline")


def test_quoted_forum_material_is_not_the_quoters_disclosure():
    corpus = _forum("Hello.", ("Bob", "Ann said:  I have ALS and two dogs.  Click to expand...  "
                                      "Welcome Ann, we are glad you found us."))
    assert assign_roles(corpus, blog_is_research=False).loc[0, "role"] == "unknown"


def test_flair_is_evidence_when_the_user_maps_it():
    corpus = _forum("Hi.", ("Bob", "Thanks."), ("Cy", "Any news?"), ("Di", "I have MS."))
    comments = corpus.comments.copy()
    comments["author_flair_text"] = pd.array(["Caregiver", None, "Researcher"], dtype="string")
    corpus = corpus.replace(comments=comments)
    roles = assign_roles(corpus, blog_is_research=False,
                         flair_roles={"caregiver": "relative", "RESEARCHER": "researcher"})
    assert roles["role"].tolist() == ["relative", "unknown", "patient"]
    assert (roles.loc[0, "rule"], roles.loc[0, "source"], roles.loc[0, "evidence"]) == (
        "flair", "flair", "flair: Caregiver")
    # a job flair is a job statement: Di's first-person diagnosis beats it, the job is kept
    assert (roles.loc[2, "rule"], roles.loc[2, "detail"]) == (
        "have_condition", "multiple sclerosis; also Researcher")
    with pytest.raises(ValueError, match=r"^assign_roles: flair_column= \(the author's flair per comment in "
                       r"corpus.comments\) names user_flair, which is not a column"):
        assign_roles(corpus, flair_roles={"x": "patient"}, flair_column="user_flair")
    with pytest.raises(ValueError, match=r"flair_roles\['x'\]: expected a role"):
        assign_roles(corpus, flair_roles={"x": "doctor"})



def test_a_reply_quoting_its_thread_title_does_not_disclose_it():
    corpus = _forum("Hello.", ("Bob", "Re: My wife has ALS   Welcome, we are sorry you are here."),
                    ("Cy", "Re: kids and school\nI was diagnosed with ALS in May."))
    roles = assign_roles(corpus, blog_is_research=False)
    assert roles["role"].tolist() == ["unknown", "patient"]
    assert roles.loc[1, "evidence"] == "I was diagnosed with ALS"


# -- own body and equipment: patients and carers write the same words ---------------------------
# invented sentences: each new cue fires on the first and not on the second
_BODY_CUES = [
    ("still_able", "I can still drive, so the clinic is no problem.",
     "I can still drive him to the clinic on Fridays."),
    ("still_able", "Some days I can still use my hands to type.",
     "I can still talk with her about the old days."),
    ("lost_function", "I have now lost the ability to swallow.", "He has lost the ability to swallow."),
    ("lost_function", "I've lost all use of my left arm.", "I lost my voice at the match."),
    ("own_disability", "I didn't use the BiPAP last night and paid for it today.",
     "I use the Trilogy for her at night."),
    ("own_disability", "I use eye gaze for everything now.", "She uses eye gaze for everything."),
    ("my_body_weak", "My legs are giving out by the evening.", "My legs are tired after the walk."),
    ("my_care", "My CALS does the night feeds.", "In my CALS experience sleep comes last."),
    ("my_onset", "My bulbar onset was in the spring.", "Her bulbar onset was in the spring."),
    ("have_condition", "I now have ALS myself.", "What would we do if I got ALS?"),
    ("have_condition", "I too have MS.", "I have an ALS chapter nurse on Mondays."),
    ("person_with", "I am FALS, like my mother.", "I'm PALS' wife and tired."),
    ("diagnosed_self", "I was DX in 2019 and still walk.", "If I was diagnosed with it I'd know."),
    ("kin_diagnosed", "My wife was DX in 2019.", "My wife was there in 2019."),
    # the general first-person patient grammar of the third pass
    ("own_disability", "Most days I can no longer take care of myself.",
     "I can no longer take care of him at home."),
    ("own_disability", "We can no longer even dress ourselves without help.",
     "We can no longer dress him without help."),
    ("own_disability", "I use a walker indoors now.", "I use a walker for him on the stairs."),
    ("my_care", "My hospital bed arrived today.", "His hospital bed arrived today."),
    ("my_care", "My Astral alarms every night.", "The Astral alarms every night."),
    ("my_care", "My stellar 150 has an oxygen port.", "My stellar performance at work."),
    ("my_neuro", "My pulmonologist wants a new breathing test.",
     "His pulmonologist wants a new breathing test."),
    ("my_symptom", "My FVC dropped to 60 percent.", "His FVC dropped to 60 percent."),
    ("my_symptom", "My last MRI showed nothing new.", "Her last MRI showed nothing new."),
    ("my_clinic_visit", "My next neuro appointment is in May.", "My dentist appointment is in May."),
    ("got_ill", "Since I got ill I read a lot more.", "I got sick with the flu last week."),
    ("one_of_us", "Many of us with ALS sleep badly.", "Many of us with ALS spouses sleep badly."),
    ("one_of_us", "Fellow patients told me about it.", "Fellow carers told me about it."),
    ("one_of_us", "As someone with lupus, I pace myself.", "As someone with a lupus nurse, I ask."),
    ("one_of_us", "People like me with MS need ramps.", "People like me need a break."),
    ("one_of_us", "I'm an MND patient at the same clinic.", "I'm an MND nurse at the same clinic."),
    # the fourth pass: own symptoms, function, course, prognosis and care, against carer talk
    ("symptom_in_my_body", "Twitching in my calves keeps me awake.",
     "Twitching in his calves keeps him awake."),
    ("symptom_in_my_body", "I've been having fasciculations for a month.",
     "I've been noticing fasciculations in his arms."),
    ("symptom_in_my_body", "Cramps in my hands wake me at night.",
     "Stiffness in my back from lifting him wakes me at night."),
    ("own_trouble", "I have trouble swallowing pills now.", "I have trouble sleeping since he got ill."),
    ("own_trouble", "I'm having more difficulty with my speech.",
     "I'm having difficulty with his speech on the phone."),
    ("my_function", "My grip has gone in the right hand.",
     "My husband's grip has gone in the right hand."),
    ("self_course", "I am bulbar onset, diagnosed last year.", "He is bulbar onset, diagnosed last year."),
    ("self_course", "I'm three years post dx and still walking.",
     "We are three years post dx and still walking."),
    ("self_course", "I have no bulbar involvement yet.", "He has no bulbar involvement yet."),
    ("voice_banking", "My voice banking is done.", "His voice banking is done."),
    ("burden_self", "I feel like a burden on my family.", "I don't want him to feel like a burden."),
    ("own_prognosis", "My prognosis is two to five years.", "His prognosis is two to five years."),
    ("own_prognosis", "I want to enjoy the time I have left.",
     "I want to enjoy the time I have left with him."),
    ("helps_me", "My husband helps me shower.", "My son helps me shower him."),
    ("communicate_by", "I type with my eyes now.", "I talk with him using a letter board."),
    ("age_with_condition", "I'm a 61 year old woman with MND.",
     "I'm a 61 year old woman with a husband with MND."),
    ("the_patient", "I am the one with ALS, not my wife.", "I am the one with the car, not my wife."),
    ("disease_took_my", "The disease took my speech first.",
     "The disease took my husband's speech first."),
    ("my_symptom", "My secretions are thick in the morning.",
     "My PALS secretions are thick in the morning."),
    ("my_symptom", "My EMG showed denervation.", "My husband's EMG showed denervation."),
    ("take_drug", "I take mexiletine for the cramps.", "He takes mexiletine for the cramps."),
    ("carer_self", "I am a newish cALS.", "I am a newish PALS."),
    # the fifth pass: paralysis, a voice that speaks for one, choking, one's own equipment,
    # end-of-life decisions, care received, one's course, against carer talk
    ("paralysed_self", "I'm now completely paralyzed and use a head mouse.",
     "I was paralysed by indecision about his care."),
    ("speech_for_me", "Only my daughter understands some of what I am saying now.",
     "I can understand most of what he is trying to say."),
    ("speech_for_me", "My tablet speaks for me at the clinic.", "The tablet speaks for him at the clinic."),
    ("speech_for_me", "Friends understand little of what I am saying now.",
     "Friends understand little of what I am saying about his care."),
    ("dying_of_condition", "I'm dying of MND and I know it.", "I'm dying to hear how the MND clinic went."),
    ("my_equipment", "I keep spare wheels for all my wheelchairs.",
     "I keep spare wheels for my husbands wheelchairs."),
    ("my_equipment", "My new shower chair tilts back.", "My new shower chair for him tilts back."),
    ("choking_self", "I have some choking issues at meals.", "I have some choking issues with him at meals."),
    ("choking_self", "I choke on thin liquids now.", "I choked on my tea when I read that."),
    ("own_end_of_life", "I would not want a trach to prolong my life.",
     "We would not want a trach to prolong his life."),
    ("own_end_of_life", "My time is near and I am at peace.", "My time is short with two jobs and him."),
    ("own_end_of_life", "I have declined a feeding tube.", "I have declined a feeding tube for him."),
    ("care_i_receive", "I get home care from an agency three days a week.",
     "I get care packages from my sister."),
    ("as_progressor", "As a slow progresser my neuro and I agreed on yearly visits.",
     "As a slow progressor my husband sees his neuro yearly."),
    ("own_disability", "I also cannot speak, so I type.", "I also can't talk about it yet."),
]


@pytest.mark.parametrize(("rule", "fires", "does_not"), _BODY_CUES)
def test_body_and_equipment_cues_on_invented_text(rule, fires, does_not):
    assert rule in set(find_role_cues(fires)["rule"]), fires
    assert rule not in set(find_role_cues(does_not)["rule"]), does_not


def test_a_carer_cue_beats_a_body_cue_whatever_the_weights():
    corpus = _forum("Hello.",
                    ("Bob", "I can still drive, so the clinic is no problem."),
                    ("Cy", "I can still drive, so the clinic is no problem."),
                    ("Cy", "My PALS slept badly again."),
                    ("Di", "My husband was diagnosed in May."),
                    ("Di", "I was diagnosed with ALS in 2019 and I can no longer walk."))
    roles = assign_roles(corpus, blog_is_research=False).set_index("comment_id")
    # alone, the body cue says patient
    assert (roles.loc["t1.c1", "role"], roles.loc["t1.c1", "rule"]) == ("patient", "still_able")
    # with a carer cue (weight 0.85 > 0.7 here, but the policy does not look at weights)
    cy = roles.loc["t1.c2"]
    assert (cy["role"], cy["rule"], cy["evidence"]) == ("relative", "my_loved_one", "My PALS")
    assert "patient 0.70 still_able: 'I can still drive'" in cy["competing"]
    assert cy["confidence"] == pytest.approx(0.85 * 0.9)  # not lowered by the outvoted cue
    # a first-person diagnosis is not a body cue: it still wins by weight
    assert (roles.loc["t1.c5", "role"], roles.loc["t1.c5", "rule"]) == ("patient", "have_condition")


def test_body_policy_with_a_weaker_carer_cue():
    # kin_condition_sentence (0.6) is lighter than my_care (0.8) and still wins over it
    corpus = _forum("Hello.", ("Bob", "My wheelchair is charging."),
                    ("Bob", "My mum is in the hospice now."))
    roles = assign_roles(corpus, blog_is_research=False)
    assert roles["role"].tolist() == ["relative", "relative"]
    assert roles.loc[0, "rule"] == "kin_condition_sentence"
    assert "my_care" in roles.loc[0, "competing"]

# -- the inferred stage ---------------------------------------------------------------------------
def _invented_community():
    comments = []
    for i in range(8):
        comments.append((f"P{i}", "I have MS. My legs are heavy and my fatigue is bad today."))
        comments.append((f"P{i}", "My legs and my fatigue again, I rest in the afternoon."))
        comments.append((f"R{i}", "My wife has MS. She is tired and I drive her to the clinic."))
        comments.append((f"R{i}", "She rests, I cook, and I drive her to her appointments."))
    comments.append(("U1", "Legs heavy again and so tired, I rest in the afternoon."))
    comments.append(("U2", "I drive her to the clinic and cook while she rests."))
    comments.append(("U3", "Nice weather."))
    return Corpus.from_records(
        posts=[{"post_id": "t", "author": "P0", "body": "Hi"}],
        comments=[{"comment_id": f"t.c{n}", "post_id": "t", "author": a, "text": t}
                  for n, (a, t) in enumerate(comments)])


def test_inferred_roles_are_marked_and_never_override_evidence():
    corpus = _invented_community()
    plain = assign_roles(corpus, blog_is_research=False)
    inferred = assign_roles(corpus, blog_is_research=False, infer=True)
    evidence = plain["source"] != "none"
    pd.testing.assert_frame_equal(plain[evidence], inferred[evidence])
    by_author = inferred.set_index("author")
    assert by_author.loc["U1", "role"] == "patient" and by_author.loc["U2", "role"] == "relative"
    for name in ("U1", "U2"):
        row = by_author.loc[name]
        assert (row["source"], row["rule"]) == ("inferred", "inferred")
        assert INFER_THRESHOLD <= row["probability"] <= 1
        assert row["evidence"].startswith("classifier: ")
    assert plain["probability"].isna().all()
    summary = msd.role_summary(inferred).set_index("author")
    assert summary.loc["U1", "is_inferred"] and not summary.loc["P0", "is_inferred"]
    assert summary.loc["P0", "detail"] == "multiple sclerosis"
    assert inferred.loc[inferred["source"] != "inferred", "probability"].isna().all()
    # off by default, and nothing is inferred without enough evidence to learn from
    few = _forum("Hi.", ("Bob", "I have MS."), ("Cy", "Nice."))
    assert set(assign_roles(few, blog_is_research=False, infer=True)["source"]) == {
        "own_text", "none"}


# -- evaluate_roles --------------------------------------------------------------------------------
def test_evaluate_roles_counts_per_author_with_unknown_apart():
    predicted = pd.DataFrame({
        "author": ["Ann", "ann", "Bob", "Cy", "Anonymous", "Di"],
        "role": ["unknown", "patient", "relative", "researcher", "patient", "relative"],
        "confidence": [0.0, 0.9, 0.8, 0.9, 0.9, 0.8]})
    gold = pd.DataFrame({"author": ["Ann", "Bob", "Bob", "Cy", "Di", "Ed"],
                         "role": ["patient", "patient", "relative", "patient", "patient",
                                  "relative"]})
    scores = evaluate_roles(predicted, gold).set_index("role")
    # Ann: right (her rows agree once 'unknown' gives way); Bob: either label is right;
    # Cy: wrong; Di: wrong; Ed: missing, so unknown
    assert scores.loc["patient", ["n_authors", "n_predicted", "n_correct", "n_unknown"]
                      ].tolist() == [3, 1, 1, 0]
    assert scores.loc["patient", ["as_researcher", "as_relative"]].tolist() == [1, 1]
    assert scores.loc["relative", ["n_authors", "n_correct", "n_unknown"]].tolist() == [2, 1, 1]
    assert scores.loc["relative", "precision"] == pytest.approx(0.5)
    assert scores.loc["all", ["n_authors", "n_predicted", "n_correct"]].tolist() == [5, 4, 2]
    with pytest.raises(ValueError, match="gold roles must be among"):
        evaluate_roles(predicted, gold.assign(role="carer"))


def test_the_two_steps_on_the_forum(forum, forum_roles):
    corpus, _ = forum
    evidence = msd.role_evidence(corpus, blog_is_research=False)
    pd.testing.assert_frame_equal(msd.decide_roles(evidence, corpus.comments), forum_roles)
    # post bodies are evidence on a forum: no comment id, their post's id and author
    bodies = evidence[evidence["comment_id"].isna()]
    assert len(bodies) > 50 and (bodies["rule"] != "byline").all()
    authors = corpus.posts.set_index("post_id")["author"]
    assert (bodies["author"].to_numpy() == authors[bodies["post_id"]].to_numpy()).all()
    # a slice of the comments is decided on the whole forum's evidence, as Dask does
    part = corpus.comments.iloc[1000:1400]
    pd.testing.assert_frame_equal(msd.decide_roles(evidence, part),
                                  forum_roles.iloc[1000:1400].reset_index(drop=True))
