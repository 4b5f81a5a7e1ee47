"""Command line: ``msdiscourse parse``, ``msdiscourse sarcasm-train``, ``msdiscourse figures``.

Also reachable as ``python -m msdiscourse``. The commands only move data: the work is
done by library functions that are tested on their own. A failure prints one line,
``msdiscourse: error: ...``, and exits with code 2; ``--debug`` shows the traceback.

Error policy: ``msdiscourse parse`` collects text it cannot place (``--on-error collect``)
and reports it, so a run over a folder of pages finishes; the library's readers raise by
default (``on_error="raise"``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import json
import sys
from pathlib import Path


__all__ = ["main"]


def _cmd_parse_dask(args: argparse.Namespace) -> int:
    import msdiscourse.dask as mdd

    client = mdd.get_client(args.scheduler, workers=args.workers)
    corpus = mdd.read_corpus(args.data, on_error=args.on_error, npartitions=args.partitions,
                             table_options=_table_options(args))
    if args.pseudonymise:
        from msdiscourse.privacy import resolve_key

        # the key is resolved here, once, as with the pandas engine; workers get the mapping
        corpus = corpus.pseudonymise(key=resolve_key(args.key, key_file=args.key_file))
    out = corpus.save(args.output)
    rows = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["tables"]
    print(f"parsed {args.data} on {len(client.scheduler_info()['workers'])} Dask worker(s): "
          f"{rows['posts']['rows']} posts, {rows['comments']['rows']} comments, "
          f"{rows['unparsed']['rows']} unparsed row(s)")
    print(f"partitioned tables written to {out}/ ({corpus.npartitions} partitions)")
    return 0


def _files_read(report) -> int:
    """Files handed to a reader that did not fail on them."""
    return sum(path not in report.failed for path in report.read)


def _nothing_read(data: Path, formats: list[str] | None, report) -> str:
    """The one line that says why a folder gave no post and no comment."""
    read = _files_read(report)
    why = [f"{read} file(s) read" + (", holding no post or comment" if read else "")]
    if formats is not None:
        why.append(f"{len(report.left_out)} left out by --formats {','.join(formats)}")
    if report.not_read:
        why.append(f"{len(report.not_read)} not read (the first: {report.not_read[0]['text']})")
    return f"{data}: no post or comment read, nothing written: {'; '.join(why)}"


def _cmd_parse(args: argparse.Namespace) -> int:
    if args.engine == "dask":
        return _cmd_parse_dask(args)
    from msdiscourse.io.folder import _read_folder, list_corpus_files

    corpus, report = _read_folder(args.data, on_error=args.on_error, formats=args.formats,
                                  progress=None, table_options=_table_options(args))
    s = corpus.summary()
    if not s["posts"] and not s["comments"]:  # empty tables would pass down a pipeline unseen
        raise ValueError(_nothing_read(args.data, args.formats, report))
    if args.pseudonymise:
        from msdiscourse.privacy import pseudonymise, resolve_key

        # no key given: MSDISCOURSE_KEY, MSDISCOURSE_KEY_FILE or the project's private key
        corpus = pseudonymise(corpus, key=resolve_key(args.key, key_file=args.key_file))
    out = corpus.save(args.output)
    _, skipped = list_corpus_files(args.data)
    left_out = (f" ({len(report.left_out)} left out by --formats {','.join(args.formats)})"
                if args.formats is not None else "")
    print(
        f"parsed {_files_read(report)} file(s) from {args.data}{left_out}: {s['posts']} posts, "
        f"{s['comments']} comments, deepest reply at depth {s['max_depth']}, "
        f"{s['unparsed']} unparsed row(s), {s['furniture']} furniture line(s)"
    )
    if s["unparsed"]:
        # reasons first: skipped export entries are expected, unplaced page text is not
        for reason, count in corpus.unparsed["reason"].value_counts().head(8).items():
            print(f"  unparsed: {count} x {reason}")
        unread = corpus.unparsed[corpus.unparsed["reason"] == "file not read"]
        for message in unread["text"].head(20):  # whole files that could not be read
            print(f"  not read: {message}")
    if skipped:
        print(f"skipped (not corpus data): {', '.join(str(p) for p in skipped)}")
    print(f"tables written to {out}/ (posts, comments, unparsed, furniture .parquet)")
    return 0


def _cmd_sarcasm_train(args: argparse.Namespace) -> int:
    from msdiscourse.sarcasm_eval import train_from_file

    report = train_from_file(args.labelled, output=args.output,
                             situations_output=args.situations, seed=args.seed)
    print(report)
    return 0


def _is_demo_corpus(data: Path | None) -> bool:
    """True for the project's invented demo corpus, data/raw (the default when None).

    ``--data`` is relative to the working directory, as :func:`resolve_figure_run` reads it.
    """
    from msdiscourse.paths import DATA_RAW

    return data is None or Path(data).expanduser().resolve() == DATA_RAW.resolve()


@contextlib.contextmanager
def _key_for_notebooks(args: argparse.Namespace):
    """Resolve the key once here and hand it to the notebook kernels through the environment.

    Kernels inherit this process's environment; the notebooks call
    ``msdiscourse.privacy.resolve_key()``, which reads it. The variables are restored after.
    """
    from msdiscourse import notebook_runner
    from msdiscourse.privacy import KEY_ENV, KEY_FILE_ENV, _locate_key

    saved = {name: os.environ.get(name) for name in (KEY_ENV, KEY_FILE_ENV)}
    if args.no_pseudonymise:
        yield
        return
    if args.key is None and args.key_file is None and _is_demo_corpus(args.data):
        # the demo corpus is invented: a public key keeps `make figures` byte-identical on
        # every machine; any other data gets the private key below, never this one
        key, source = notebook_runner.DEMO_KEY.encode("utf-8"), None
    else:
        key, source = _locate_key(args.key, args.key_file, None, True)
    for name in (KEY_ENV, KEY_FILE_ENV):
        os.environ.pop(name, None)
    if source is not None:
        os.environ[KEY_FILE_ENV] = str(source.resolve())
    else:
        os.environ[KEY_ENV] = key.decode("utf-8")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _cmd_figures(args: argparse.Namespace) -> int:
    from msdiscourse import notebook_runner
    from msdiscourse.paths import UnsafePathError, resolve_figure_run

    try:  # relative to the working directory, checked before anything is created
        data, figures, build = resolve_figure_run(args.data, figures=args.figures, build=args.build)
    except (FileNotFoundError, UnsafePathError) as error:
        print(f"msdiscourse figures: error: {error}", file=sys.stderr)
        return 2
    with _key_for_notebooks(args):
        written = notebook_runner.run_notebooks(
            data=data,
            figures=figures,
            notebooks=args.notebooks,
            build=build,
            pseudonymise=not args.no_pseudonymise,
            parameters=_notebook_parameters(args),
        )
    print(f"{len(written)} figure file(s) written:")
    for path in written:
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass  # outside the working directory: show it whole
        print(f"  {path}")
    return 0


def _notebook_parameters(args: argparse.Namespace) -> dict | None:
    """The notebook parameters that ``figures``' flags set (None: the notebooks' defaults)."""
    parameters: dict = {}
    if _table_options(args):
        parameters["TABLE_OPTIONS"] = _table_options(args)
    if args.forum:
        parameters["BLOG_IS_RESEARCH"] = False
    return parameters or None


def _formats(value: str) -> list[str]:
    from msdiscourse.io.folder import READERS

    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in READERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or repr(value)}; expected a comma-separated "
            f"list of: {', '.join(READERS)}"
        )
    return names
def _table_columns(value: str) -> dict[str, str | None]:
    """``id=,post=post_id,text=body`` -> ``{"id": None, "post": "post_id", "text": "body"}``."""
    from msdiscourse.io.table import DEFAULT_COLUMNS

    columns: dict[str, str | None] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        role, equals, name = (piece.strip() for piece in item.partition("="))
        if not equals or role not in DEFAULT_COLUMNS:
            raise argparse.ArgumentTypeError(
                f"expected ROLE=COLUMN pairs, comma-separated, ROLE one of "
                f"{', '.join(DEFAULT_COLUMNS)} (an empty COLUMN: the table has none); got {item!r}")
        columns[role] = name or None
    if not columns:
        raise argparse.ArgumentTypeError(f"expected ROLE=COLUMN pairs; got {value!r}")
    return columns


def _table_options(args: argparse.Namespace) -> dict | None:
    """What ``--table-columns`` and ``--first-row-is-post`` ask of every table file, or None."""
    options: dict = {}
    if args.table_columns is not None:
        options["columns"] = args.table_columns
    if args.first_row_is_post:
        options["first_row_is_post"] = True
    return options or None


def _add_table_options(command: argparse.ArgumentParser) -> None:
    tables = command.add_argument_group("table files (CSV, TSV, JSON Lines, parquet)")
    tables.add_argument("--table-columns", type=_table_columns, default=None,
                        metavar="ROLE=COLUMN,...",
                        help="which column plays each role: roles id, parent, post, author, "
                             "text, date; an empty COLUMN when the table has none "
                             "(id=,parent=,post=thread,author=user,text=body,date=date); "
                             "default: the columns comment_id, parent_id, post_id, author, "
                             "text, published")
    tables.add_argument("--first-row-is-post", action="store_true",
                        help="a forum export, one row per message: the first row of each "
                             "post id is the thread's opening post, the others its comments")


def _add_key_options(command: argparse.ArgumentParser, what: str) -> None:
    keys = command.add_mutually_exclusive_group()
    keys.add_argument("--key-file", type=Path, default=None,
                      help=f"file holding the secret key for {what} (default: $MSDISCOURSE_KEY, "
                           f"$MSDISCOURSE_KEY_FILE, else the project's private "
                           f".msdiscourse/pseudonym.key, created on first use)")
    keys.add_argument("--key", default=None,
                      help=f"the secret key for {what} itself (prefer --key-file: a key typed "
                           f"here stays in the shell history)")


def build_parser() -> argparse.ArgumentParser:
    from msdiscourse import __version__

    parser = argparse.ArgumentParser(
        prog="msdiscourse",
        description="Discourse analysis of online health communities.",
        epilog="Errors print one line and exit with code 2; add --debug for the traceback.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", default=False,
                        help="show the full traceback when a command fails")
    # --debug is accepted after the command too (default SUPPRESS keeps the value above)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when the command fails")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse", parents=[common], help="parse a folder of pages/exports into parquet tables",
        description="Read every page dump or export under DATA and write the corpus tables "
                    "(posts, comments, unparsed, furniture) as parquet files.")
    parse.add_argument("data", type=Path, help="folder (or file) of page dumps and exports")
    parse.add_argument("-o", "--output", type=Path, default=Path("data/processed"),
                       help="where the tables go (default: data/processed)")
    parse.add_argument("--on-error", choices=("raise", "warn", "collect"), default="collect",
                       help="what to do with text that cannot be placed: stop (raise), warn, "
                            "or keep it as an unparsed row (collect). Default: collect, so a "
                            "run over many pages finishes; the library's readers default to "
                            "raise")
    parse.add_argument("--formats", type=_formats, default=None, metavar="NAMES",
                       help="read only files of these formats, comma-separated "
                            "(pagedump, wxr, blogger, disqus, html, table, convokit, reddit; "
                            "default: every format found)")
    _add_table_options(parse)
    parse.add_argument("--pseudonymise", action="store_true",
                       help="replace author names by keyed pseudonyms before writing")
    _add_key_options(parse, "--pseudonymise")
    parse.add_argument("--engine", choices=("pandas", "dask"), default="pandas",
                       help="pandas (one process, default) or dask (a partitioned dataset, "
                            "read by workers)")
    parse.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="with --engine dask: a running scheduler (tcp://host:8786); "
                            "default: a local cluster")
    parse.add_argument("--workers", type=int, default=None, metavar="N",
                       help="with --engine dask: worker processes of the local cluster")
    parse.add_argument("--partitions", type=int, default=None, metavar="N",
                       help="with --engine dask: partitions (default: twice the workers)")
    parse.set_defaults(func=_cmd_parse)

    train = commands.add_parser("sarcasm-train", parents=[common],
                                help="re-derive the sarcasm model's coefficients from a labelled file")
    train.add_argument("labelled", type=Path, nargs="+",
                       help="labelled file(s), pooled (sarcasm_v2 CSV or SemEval TSV)")
    train.add_argument("-o", "--output", type=Path, default=None,
                       help="where to write the coefficient table, .csv or .csv.gz (default: print only)")
    train.add_argument("--situations", type=Path, default=None,
                       help="where to write the learned situations CSV (default: not written)")
    train.add_argument("--seed", type=int, default=0,
                       help="random seed of the cross-validation folds (default: 0)")
    train.set_defaults(func=_cmd_sarcasm_train)

    figures = commands.add_parser(
        "figures", parents=[common], help="run every notebook headless and write figures",
        description="Run the analysis notebooks with papermill on DATA and write their "
                    "figures. Needs the notebooks extra: pip install 'msdiscourse[notebooks]'.")
    figures.add_argument("--data", type=Path, default=None,
                         help="the data folder the notebooks read, relative to the working "
                              "directory (default: the project's demo corpus data/raw, the only "
                              "data that refreshes figures/)")
    figures.add_argument("--figures", type=Path, default=None,
                         help="figure folder (default: figures/ for data/raw, else build/<data>/figures)")
    figures.add_argument("--notebooks", type=Path, default=Path("notebooks"),
                         help="folder of notebooks to run, in name order (default: notebooks)")
    figures.add_argument("--build", type=Path, default=None,
                         help="where executed notebooks and kernel logs go "
                              "(default: build/<data>/notebooks)")
    figures.add_argument("--no-pseudonymise", action="store_true",
                         help="show real names in figures (never commit such figures)")
    figures.add_argument("--forum", action="store_true",
                         help="DATA is a patient forum, not a research group's blog: opening "
                              "posts are read as participants' text and no post author is a "
                              "researcher for writing the post (notebooks: BLOG_IS_RESEARCH = False)")
    _add_table_options(figures)
    _add_key_options(figures, "pseudonyms")
    figures.set_defaults(func=_cmd_figures)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for any error, with a one-line message).

    Examples
    --------
    >>> main(["parse", "/no/such/folder"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "parse" and not args.pseudonymise and (args.key or args.key_file):
        parser.error("--key and --key-file only apply with --pseudonymise")
    if args.command == "parse" and args.engine == "dask" and args.formats is not None:
        parser.error("--formats only applies with --engine pandas (the Dask engine reads "
                     "every format)")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("msdiscourse: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line for people; the traceback with --debug
        if args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, ModuleNotFoundError):
            message = (f"{message} (msdiscourse {args.command} needs an extra: "
                       f"pip install 'msdiscourse[notebooks]')")
        print(f"msdiscourse: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
