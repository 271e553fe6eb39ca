"""Tests of the database layer: credentials and reads."""
