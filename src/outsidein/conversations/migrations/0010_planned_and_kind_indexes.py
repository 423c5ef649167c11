"""Someone's next plans are read from a planned-only index in their order; a conversation's highlights by kind
from an index on both."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0009_search_statistics'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='conversation',
            index=models.Index(condition=models.Q(('status', 'planned')), fields=['workspace', 'occurred_at', 'id'],
                               name='conversation_planned_due'),
        ),
        migrations.AddIndex(
            model_name='highlight',
            index=models.Index(fields=['conversation', 'kind'], name='highlight_conversation_kind'),
        ),
    ]
