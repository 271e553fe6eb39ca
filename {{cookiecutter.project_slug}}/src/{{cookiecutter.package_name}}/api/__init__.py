"""HTTP routes: a module per endpoint group, a package per resource."""
