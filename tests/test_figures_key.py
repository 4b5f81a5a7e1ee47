"""`msdiscourse figures` hands the notebooks a key: the public demo key for the invented
demo corpus only, so the committed figures are the same on every machine, and the private
key for any other data."""

from __future__ import annotations

import argparse
import os

from msdiscourse import cli
from msdiscourse.privacy import KEY_ENV, KEY_FILE_ENV


def _args(data, **options):
    values = {"data": data, "key": None, "key_file": None, "no_pseudonymise": False}
    values.update(options)
    return argparse.Namespace(**values)


def _key_seen(args) -> tuple[str | None, str | None]:
    with cli._key_for_notebooks(args):
        return os.environ.get(KEY_ENV), os.environ.get(KEY_FILE_ENV)


def test_the_demo_run_uses_the_documented_demo_key_whatever_the_environment(monkeypatch, tmp_path):
    private = tmp_path / "team.key"
    private.write_text("a-team-secret\n", encoding="utf-8")
    monkeypatch.setenv(KEY_FILE_ENV, str(private))
    assert _key_seen(_args(cli.Path("data/raw"))) == ("msdiscourse-demo-corpus", None)
    # restored afterwards
    assert os.environ[KEY_FILE_ENV] == str(private)
    assert KEY_ENV not in os.environ


def test_other_data_never_gets_the_demo_key(monkeypatch, tmp_path):
    private = tmp_path / "team.key"
    private.write_text("a-team-secret\n", encoding="utf-8")
    private.chmod(0o600)  # as the docs ask: a key readable by all would (rightly) warn
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(private))
    key, key_file = _key_seen(_args(tmp_path / "pages"))
    assert key is None and key_file == str(private.resolve())


def test_a_key_given_on_the_demo_run_wins(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    assert _key_seen(_args(cli.Path("data/raw"), key="my-own-key")) == ("my-own-key", None)
