from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("carehub", "0007_password_resets"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalperson",
            name="needs_duplicate_check",
            field=models.BooleanField(default=False, editable=False, verbose_name="to check for a duplicate"),
        ),
        migrations.AddField(
            model_name="person",
            name="needs_duplicate_check",
            field=models.BooleanField(default=False, editable=False, verbose_name="to check for a duplicate"),
        ),
    ]
