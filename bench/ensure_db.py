"""Create the bench database if it is missing (`ensure_db.py SERVER_URL NAME`), or say whether the database of
DATABASE_URL already has hubs (`ensure_db.py --has-hubs`: prints yes or no)."""

import os
import sys


def create(server: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"   created database {name}")


def has_hubs() -> bool:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")
    import django

    django.setup()
    from carehub.models import Hub

    return Hub.objects.exists()


if __name__ == "__main__":
    if sys.argv[1:] == ["--has-hubs"]:
        print("yes" if has_hubs() else "no")
    else:
        create(sys.argv[1], sys.argv[2])
