"""Tests of the HTTP routes, one module per resource."""
