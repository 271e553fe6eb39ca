"""Database engine, connections and table models."""
