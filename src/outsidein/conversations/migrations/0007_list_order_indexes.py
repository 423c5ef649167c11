"""Lists read a page from an index in their own order (newest first, id breaking ties)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0006_highlight_sentiment'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='conversation',
            name='conversatio_workspa_46d860_idx',
        ),
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(fields=['workspace', '-occurred_at', '-id'], name='conversation_list_order'),
        ),
        migrations.AddIndex(
            model_name='highlight',
            index=models.Index(fields=['workspace', '-created_at', '-id'], name='highlight_list_order'),
        ),
    ]
