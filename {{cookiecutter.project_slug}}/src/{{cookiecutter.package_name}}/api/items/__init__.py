"""The items resource: its routes (router.py), bodies (schemas.py) and statements (queries.py)."""
