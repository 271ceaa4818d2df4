"""The deposit's status, how it was paid and who collected, refunded or waived it (beside the old yes/no flags,
which 0005 turns into the status and 0006 removes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('carehub', '0006_person_email_verified_at'),
        ('lending', '0003_record_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_collected_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deposit collected at'),
        ),
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_collected_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deposit collected by'),
        ),
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_method',
            field=models.CharField(blank=True, choices=[('cash', 'Cash'), ('card', 'Card'), ('bizum', 'Bizum'), ('bank_transfer', 'Bank transfer')], db_default='', default='', max_length=16, verbose_name='deposit paid by'),
        ),
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_settled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deposit refunded or waived at'),
        ),
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_settled_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deposit refunded or waived by'),
        ),
        migrations.AddField(
            model_name='historicalloan',
            name='deposit_status',
            field=models.CharField(choices=[('none', 'No deposit'), ('due', 'To collect'), ('collected', 'Collected'), ('refunded', 'Refunded'), ('waived', 'Waived')], db_default='none', default='none', max_length=16, verbose_name='deposit'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_collected_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deposit collected at'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_collected_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deposit collected by'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_method',
            field=models.CharField(blank=True, choices=[('cash', 'Cash'), ('card', 'Card'), ('bizum', 'Bizum'), ('bank_transfer', 'Bank transfer')], db_default='', default='', max_length=16, verbose_name='deposit paid by'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_settled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deposit refunded or waived at'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_settled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='deposit refunded or waived by'),
        ),
        migrations.AddField(
            model_name='loan',
            name='deposit_status',
            field=models.CharField(choices=[('none', 'No deposit'), ('due', 'To collect'), ('collected', 'Collected'), ('refunded', 'Refunded'), ('waived', 'Waived')], db_default='none', default='none', max_length=16, verbose_name='deposit'),
        ),
    ]
