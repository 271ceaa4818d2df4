"""Giving rows that existed before their table had a record key each a key of their own (for migrations).

`AddField` with a callable default calls it once, so every existing row gets the *same* key; a cell's key is
then a multiple of it and the noise of the cells would follow one another. Each row needs its own draw,
as uniform in [0, RECORD_KEY_MODULUS) as `new_record_key()`. On PostgreSQL one UPDATE does it (the first 32 bits
of `gen_random_uuid()` are random, from the server's strong generator); elsewhere, `new_record_key()` row by
row, in batches.
"""

from carehub.models import RECORD_KEY_MODULUS, new_record_key


def redraw(app_label: str, *model_names: str):
    """A RunPython function giving every existing row of these models a fresh, independent record key."""

    def run(apps, schema_editor):
        connection = schema_editor.connection
        for name in model_names:
            model = apps.get_model(app_label, name)
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET record_key = "
                        f"((('x' || left(gen_random_uuid()::text, 8))::bit(32)::bigint) %% %s)::integer",
                        [RECORD_KEY_MODULUS],
                    )
                continue
            batch = []
            for pk in model.objects.values_list("pk", flat=True).iterator(chunk_size=2000):
                batch.append(model(pk=pk, record_key=new_record_key()))
                if len(batch) == 1000:
                    model.objects.bulk_update(batch, ["record_key"])
                    batch = []
            model.objects.bulk_update(batch, ["record_key"])

    return run
