"""Command line: ``msdiscourse parse``, ``msdiscourse sarcasm-train``, ``msdiscourse figures``.

Also reachable as ``python -m msdiscourse``. The commands only move data: the work is
done by library functions that are tested on their own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from msdiscourse.errors import ParseError

__all__ = ["main"]


def _cmd_parse(args: argparse.Namespace) -> int:
    from msdiscourse.io.folder import list_corpus_files, read_corpus

    corpus = read_corpus(args.data, on_error=args.on_error)
    if args.pseudonymise:
        from msdiscourse.privacy import pseudonymise

        corpus = pseudonymise(corpus, key=args.key)
    out = corpus.save(args.output)
    files, skipped = list_corpus_files(args.data)
    s = corpus.summary()
    print(
        f"parsed {len(files)} file(s) from {args.data}: {s['posts']} posts, "
        f"{s['comments']} comments, deepest reply at depth {s['max_depth']}, "
        f"{s['unparsed']} unparsed row(s), {s['furniture']} furniture line(s)"
    )
    if s["unparsed"]:
        # reasons first: skipped export entries are expected, unplaced page text is not
        for reason, count in corpus.unparsed["reason"].value_counts().head(8).items():
            print(f"  unparsed: {count} x {reason}")
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


def _cmd_figures(args: argparse.Namespace) -> int:
    from msdiscourse.notebook_runner import run_notebooks

    written = run_notebooks(
        data=args.data,
        figures=args.figures,
        notebooks=args.notebooks,
        build=args.build,
        pseudonymise=not args.no_pseudonymise,
    )
    print(f"{len(written)} figure file(s) written:")
    for path in written:
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass  # outside the working directory: show it whole
        print(f"  {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msdiscourse",
        description="Discourse analysis of online health communities.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="parse a folder of pages/exports into parquet tables")
    parse.add_argument("data", type=Path, help="folder (or file) of page dumps and exports")
    parse.add_argument("-o", "--output", type=Path, default=Path("data/processed"),
                       help="where the tables go (default: data/processed)")
    parse.add_argument("--on-error", choices=("raise", "warn", "collect"), default="collect",
                       help="what to do with text that cannot be placed (default: collect)")
    parse.add_argument("--pseudonymise", action="store_true",
                       help="replace author names by keyed pseudonyms before writing")
    parse.add_argument("--key", default="msdiscourse-demo-key",
                       help="key for --pseudonymise (keep it secret for real data)")
    parse.set_defaults(func=_cmd_parse)

    train = commands.add_parser("sarcasm-train",
                                help="re-derive the sarcasm model's coefficients from a labelled file")
    train.add_argument("labelled", type=Path, nargs="+",
                       help="labelled file(s), pooled (sarcasm_v2 CSV or SemEval TSV)")
    train.add_argument("-o", "--output", type=Path, default=None,
                       help="where to write the coefficient table, .csv or .csv.gz (default: print only)")
    train.add_argument("--situations", type=Path, default=None,
                       help="where to write the learned situations CSV (default: not written)")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(func=_cmd_sarcasm_train)

    figures = commands.add_parser("figures", help="run every notebook headless and write figures")
    figures.add_argument("--data", type=Path, default=Path("data/raw"))
    figures.add_argument("--figures", type=Path, default=None,
                         help="figure folder (default: figures/ for data/raw, else build/<data>/figures)")
    figures.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    figures.add_argument("--build", type=Path, default=None,
                         help="where executed notebooks go (default: build/<data>/notebooks)")
    figures.add_argument("--no-pseudonymise", action="store_true",
                         help="show real names in figures (never commit such figures)")
    figures.set_defaults(func=_cmd_figures)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for a parse error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ParseError, FileNotFoundError) as error:
        print(f"msdiscourse: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
