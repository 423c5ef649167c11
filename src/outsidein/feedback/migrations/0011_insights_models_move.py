# Themes and key driver analyses moved to the insights app (insights 0001). Their tables stay as they are
# (the insights models name them with db_table), so this changes Django's state only, never the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("voice", "0010_importbatch_encoding"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ThemeMember"),
                migrations.DeleteModel(name="ThemeAnalysis"),
                migrations.DeleteModel(name="ThemeModelState"),
                migrations.DeleteModel(name="Theme"),
                migrations.DeleteModel(name="DriverAnalysis"),
            ],
            database_operations=[],
        ),
    ]
