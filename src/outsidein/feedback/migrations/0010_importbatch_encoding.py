from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("voice", "0009_job_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="encoding",
            field=models.CharField(blank=True, help_text="The text encoding the file is read in (utf-8, cp1252…); "
                                                         "blank for XLSX.", max_length=40),
        ),
    ]
