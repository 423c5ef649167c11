from django.db import migrations, models


def score_existing(apps, schema_editor):
    # The scorer is a pure function (VADER); existing highlights get the score new ones get when saved.
    from outsidein.feedback.sentiment import score_text

    Highlight = apps.get_model("conversations", "Highlight")
    batch = []
    for highlight in Highlight.objects.filter(sentiment__isnull=True).only("id", "text").iterator(chunk_size=2000):
        value = score_text(highlight.text)
        if value == value:  # NaN for a blank text stays NULL
            highlight.sentiment = value
            batch.append(highlight)
        if len(batch) >= 2000:
            Highlight.objects.bulk_update(batch, ["sentiment"])
            batch = []
    if batch:
        Highlight.objects.bulk_update(batch, ["sentiment"])


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0005_highlight_guide_question"),
    ]

    operations = [
        migrations.AddField(
            model_name="highlight",
            name="sentiment",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(score_existing, migrations.RunPython.noop),
    ]
