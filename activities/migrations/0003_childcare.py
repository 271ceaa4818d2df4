# Childcare places ("canguratge"): an activity's offer, each session's places and counter, a booking's children.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_record_key'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='childcare_max_age',
            field=models.PositiveSmallIntegerField(blank=True, help_text='The oldest a child may be, in years. Needed when there is childcare.', null=True, verbose_name='childcare for children up to (years old)'),
        ),
        migrations.AddField(
            model_name='activity',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, help_text='How many children can be looked after while their caregivers attend. 0: no childcare.', verbose_name='childcare places per session'),
        ),
        migrations.AddField(
            model_name='booking',
            name='childcare_ages',
            field=models.CharField(blank=True, db_default='', default='', max_length=40, verbose_name='ages of the children'),
        ),
        migrations.AddField(
            model_name='booking',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='children in childcare'),
        ),
        migrations.AddField(
            model_name='historicalactivity',
            name='childcare_max_age',
            field=models.PositiveSmallIntegerField(blank=True, help_text='The oldest a child may be, in years. Needed when there is childcare.', null=True, verbose_name='childcare for children up to (years old)'),
        ),
        migrations.AddField(
            model_name='historicalactivity',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, help_text='How many children can be looked after while their caregivers attend. 0: no childcare.', verbose_name='childcare places per session'),
        ),
        migrations.AddField(
            model_name='historicalbooking',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='children in childcare'),
        ),
        migrations.AddField(
            model_name='historicalsession',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='childcare places'),
        ),
        migrations.AddField(
            model_name='session',
            name='childcare_confirmed',
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name='session',
            name='childcare_places',
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='childcare places'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(('childcare_places', 0), ('childcare_max_age__isnull', False), _connector='OR'), name='activity_childcare_has_max_age'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(('childcare_max_age__isnull', True), ('childcare_max_age__lte', 17), _connector='OR'), name='activity_childcare_max_age_of_a_child'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('childcare_confirmed__lte', models.F('childcare_places'))), name='session_childcare_never_over_capacity', violation_error_message='The childcare of this session is full.'),
        ),
    ]
