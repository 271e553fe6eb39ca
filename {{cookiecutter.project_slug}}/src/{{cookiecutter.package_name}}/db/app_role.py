"""The service's own database role: it reads and writes the tables, and can change none of them.

The migrations connect as the database's owner (on AWS, the RDS master user) and, after every
upgrade, bring this role in step with the models: it exists and may log in (on RDS with IAM
tokens only: it has no password), and holds SELECT, INSERT, UPDATE and DELETE on each table of
the models and USAGE on the schema's sequences. It never gets CREATE, ALTER, DROP, TRUNCATE or
REFERENCES, nor any right on Alembic's version table.
"""

from sqlalchemy import Connection, MetaData, text


def grant_app_role(connection: Connection, role: str, metadata: MetaData) -> None:
    """Create the role if it is missing and grant it what the models' tables need (PostgreSQL;
    run inside the migrations' transaction, which holds their lock)."""
    quote = connection.dialect.identifier_preparer.quote
    name = quote(role)
    # Whether each role exists, and whether it may administer the database.
    powers = text(
        "SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = :role"
    )
    found = connection.execute(powers, {"role": role}).first()
    if role == connection.execute(text("SELECT current_user")).scalar_one() or (found and found[0]):
        raise ValueError(
            f"DB_APP_USER={role} may administer the database: name a role of the service's own"
        )
    if found is None:
        connection.execute(text(f"CREATE ROLE {name} LOGIN"))
    # rds_iam exists on RDS only: membership lets IAM authentication tokens log the role in.
    if connection.execute(powers, {"role": "rds_iam"}).first() is not None:
        connection.execute(text(f"GRANT rds_iam TO {name}"))
    database = quote(connection.execute(text("SELECT current_database()")).scalar_one())
    statements = [
        # Before PostgreSQL 15, every role could create tables in public.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {name}",
        f"GRANT USAGE ON SCHEMA public TO {name}",
        *(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {quote(table.name)} TO {name}"
            for table in metadata.sorted_tables
        ),
        # The sequences behind the tables' generated ids.
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}",
    ]
    for statement in statements:
        connection.execute(text(statement))
