"""The deposit's yes/no flags go: `deposit_status` holds what they said (0005)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lending', '0005_deposit_status_from_flags'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='loan',
            name='loan_waiver_has_reason',
        ),
        migrations.RemoveField(
            model_name='historicalloan',
            name='deposit_refunded',
        ),
        migrations.RemoveField(
            model_name='historicalloan',
            name='deposit_waived',
        ),
        migrations.RemoveField(
            model_name='loan',
            name='deposit_refunded',
        ),
        migrations.RemoveField(
            model_name='loan',
            name='deposit_waived',
        ),
        migrations.AddConstraint(
            model_name='loan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('deposit_status', 'waived'), _negated=True), models.Q(('deposit_waiver_reason', ''), _negated=True), _connector='OR'), name='loan_deposit_waiver_has_reason'),
        ),
    ]
