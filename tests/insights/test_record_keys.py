"""Record keys: every row a figure counts carries its own fixed random key, never shown, never in history."""

import pytest
from django.apps import apps

from carehub.insights.record_keys import redraw
from carehub.models import RECORD_KEY_MODULUS, Person
from tests.insights.conftest import KEYED_MODELS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("label", KEYED_MODELS)
def test_the_key_is_not_editable_and_not_in_history(label):
    model = apps.get_model(label)
    field = model._meta.get_field("record_key")
    assert field.editable is False  # so no form, admin page or ModelSchema built from the model shows it
    history = model.history.model
    assert "record_key" not in {f.name for f in history._meta.get_fields()}


def test_rows_get_distinct_keys_when_created(city):
    for label in KEYED_MODELS:
        keys = list(apps.get_model(label).objects.values_list("record_key", flat=True))
        assert keys and all(0 <= k < RECORD_KEY_MODULUS for k in keys), label
        assert len(set(keys)) == len(keys), label


def test_the_migration_gives_rows_that_shared_a_key_each_their_own(city):
    # What AddField leaves behind: one key for every existing row.
    Person.objects.update(record_key=7)
    from django.db import connection

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    redraw("carehub", "Person")(apps, editor)
    keys = list(Person.objects.values_list("record_key", flat=True))
    assert len(set(keys)) == len(keys) and 7 not in keys


def test_no_page_or_api_answer_of_the_insights_names_a_key(client, city, planner):
    from tests.conftest import bearer, client_for

    bodies = [client.get("/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31", **bearer(planner)),
              client_for(planner).get("/insights/?date_from=2025-01-01&date_to=2025-03-31"),
              client_for(planner).get("/insights/hubs.csv?date_from=2025-01-01&date_to=2025-03-31")]
    for response in bodies:
        assert b"record_key" not in response.content and b"_key" not in response.content
