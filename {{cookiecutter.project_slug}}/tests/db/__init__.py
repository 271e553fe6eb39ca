"""Tests of the database layer: the engine, credentials and reads."""
