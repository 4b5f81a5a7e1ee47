"""msdiscourse: discourse analysis of online health communities.

Parse blog posts and their nested comment threads into tidy pandas tables, then study
tone, irony markers, participant roles and who answers whom.

>>> import msdiscourse as msd
>>> corpus = msd.read_corpus("data/raw")                  # doctest: +SKIP
>>> sentences = msd.split_sentences(corpus).pipe(msd.score_tone)   # doctest: +SKIP

Public functions are re-exported here; each lives in the module named in ``_EXPORTS``
and is imported on first use, so ``import msdiscourse`` stays quick (matplotlib and
scikit-learn are only loaded by the functions that need them).
"""

from __future__ import annotations

import importlib

from msdiscourse.corpus import Corpus, load_processed
from msdiscourse.errors import ParseError, ParseWarning

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # reading and writing (one format, one module)
    "read_pagedump": "msdiscourse.io.pagedump",
    "write_pagedump": "msdiscourse.io.pagedump",
    "write_pagedump_folder": "msdiscourse.io.pagedump",
    "read_corpus": "msdiscourse.io.folder",
    "load_corpus": "msdiscourse.io.folder",
    "sniff_format": "msdiscourse.io.folder",
    "read_wxr": "msdiscourse.io.wxr",
    "read_blogger": "msdiscourse.io.blogger",
    "read_disqus": "msdiscourse.io.disqus",
    "read_html_page": "msdiscourse.io.html_page",
    "read_comments_table": "msdiscourse.io.table",
    "read_reddit": "msdiscourse.io.reddit",
    "to_convokit": "msdiscourse.io.convokit",
    "read_convokit": "msdiscourse.io.convokit",
    "check_threads": "msdiscourse.threads",
    # text
    "normalise_text": "msdiscourse.text",
    "split_sentences": "msdiscourse.sentences",
    # tone
    "score_tone": "msdiscourse.tone",
    "score_texts": "msdiscourse.tone",
    "aggregate_tone": "msdiscourse.tone",
    "comment_tone": "msdiscourse.tone",
    "thread_trajectory": "msdiscourse.tone",
    "load_tone_overrides": "msdiscourse.tone",
    # sarcasm and irony markers
    "find_markers": "msdiscourse.sarcasm",
    "marker_profile": "msdiscourse.sarcasm",
    "sarcasm_score": "msdiscourse.sarcasm",
    "explain_sarcasm": "msdiscourse.sarcasm",
    "load_marker_patterns": "msdiscourse.sarcasm",
    "evaluate_markers": "msdiscourse.sarcasm_eval",
    "evaluation_table": "msdiscourse.sarcasm_eval",
    "train_sarcasm_model": "msdiscourse.sarcasm_eval",
    "learn_situations": "msdiscourse.sarcasm_eval",
    "load_labelled": "msdiscourse.sarcasm_eval",
    "cross_domain": "msdiscourse.sarcasm_eval",
    # roles, coding, exchanges, privacy
    "assign_roles": "msdiscourse.roles",
    "role_evidence": "msdiscourse.roles",
    "decide_roles": "msdiscourse.roles",
    "role_summary": "msdiscourse.roles",
    "post_roles": "msdiscourse.roles",
    "read_role_codebook": "msdiscourse.coding",
    "evaluate_roles": "msdiscourse.roles_eval",
    "export_coding_sheet": "msdiscourse.coding",
    "read_coding_sheet": "msdiscourse.coding",
    "agreement": "msdiscourse.coding",
    "reply_exchanges": "msdiscourse.exchanges",
    "exchange_matrix": "msdiscourse.exchanges",
    "exchange_summary": "msdiscourse.exchanges",
    "annotate": "msdiscourse.annotation",
    "SchemaError": "msdiscourse.schema",
    "marker_rates_by_role": "msdiscourse.annotation",
    "rank_marker_rates": "msdiscourse.annotation",
    "compare_roles": "msdiscourse.compare",
    "pseudonymise": "msdiscourse.privacy",
    "pseudonymise_frame": "msdiscourse.privacy",
    # reading threads in a notebook
    "show_thread": "msdiscourse.view",
    "resolve_key": "msdiscourse.privacy",
    "safe_file_name": "msdiscourse.paths",
    "read_file_index": "msdiscourse.paths",
}

__all__ = ["Corpus", "load_processed", "ParseError", "ParseWarning", "__version__", *_EXPORTS]


def __getattr__(name: str):
    module_name = _EXPORTS.get(name)
    if module_name is None:
        if name in ("plotting", "io", "cli"):
            return importlib.import_module(f"msdiscourse.{name}")
        raise AttributeError(f"module 'msdiscourse' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
