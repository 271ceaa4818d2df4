"""Hubs that existed before guidance get the default attention topics (new hubs get them when created)."""

from django.db import migrations


def seed(apps, schema_editor):
    from guidance.defaults import DEFAULT_TOPICS

    Hub = apps.get_model("carehub", "Hub")
    Topic = apps.get_model("guidance", "AttentionTopic")
    rows = []
    for hub in Hub.objects.all():
        have = set(Topic.objects.filter(hub=hub).values_list("key", flat=True))
        rows += [Topic(hub=hub, key=key, name_ca=ca, name_es=es, name_en=en, position=(index + 1) * 10)
                 for index, (key, ca, es, en) in enumerate(DEFAULT_TOPICS) if key not in have]
    Topic.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
