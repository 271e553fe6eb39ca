"""Tests of the items resource."""
