"""Readers and writers, one format per module (like pandas' ``pandas/io``)."""
