"""Each loan's (and each history row's) deposit status from the old flags: waived, refunded, or collected at
lending (the only way a deposit was taken before it could be recorded on its own), else no deposit.

The method of those old collections was never recorded: it stays empty ("not recorded" on the pages).
"""

from django.db import migrations
from django.db.models import F, Q


def forwards(apps, schema_editor):
    for model_name in ("Loan", "HistoricalLoan"):
        model = apps.get_model("lending", model_name)
        rows = model.objects.all()
        rows.filter(deposit_waived=True).update(deposit_status="waived", deposit_settled_at=F("lent_at"),
                                                deposit_settled_by=F("lent_by"))
        with_money = rows.filter(deposit_waived=False, deposit_eur__gt=0)
        with_money.update(deposit_status="collected", deposit_collected_at=F("lent_at"),
                          deposit_collected_by=F("lent_by"))
        with_money.filter(deposit_refunded=True).update(
            deposit_status="refunded", deposit_settled_at=F("returned_at"), deposit_settled_by=F("returned_to"))


def backwards(apps, schema_editor):
    for model_name in ("Loan", "HistoricalLoan"):
        model = apps.get_model("lending", model_name)
        model.objects.filter(deposit_status="waived").update(deposit_waived=True)
        model.objects.filter(deposit_status="refunded").update(deposit_refunded=True)
        model.objects.filter(~Q(deposit_status="waived")).update(deposit_waived=False)


class Migration(migrations.Migration):

    dependencies = [
        ("lending", "0004_deposit_fields"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
