# Themes and key driver analyses, moved here from the feedback app (label voice; its 0011 lets go of them).
# Their tables exist already, created by voice's migrations under the same names (db_table), so this adds the
# models to Django's state only and touches no table.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('conversations', '0010_planned_and_kind_indexes'),
        ('voice', '0011_insights_models_move'),
        ('workspaces', '0003_failedattempts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DriverAnalysis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('error', models.TextField(blank=True, help_text='Why the job failed, in words a user can act on.')),
                        ('rows_total', models.PositiveIntegerField(blank=True, null=True)),
                        ('rows_done', models.PositiveIntegerField(default=0)),
                        ('phase', models.CharField(blank=True, help_text='What the running job does now, past its rows.', max_length=100)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('held_by', models.CharField(blank=True, help_text='The process running the job (host:pid).', max_length=100)),
                        ('heartbeat_at', models.DateTimeField(blank=True, help_text='Last sign of life of that process.', null=True)),
                        ('task_id', models.CharField(blank=True, help_text="The task queue's id of the job's last run.", max_length=64)),
                        ('resumes', models.PositiveSmallIntegerField(default=0, help_text='Times the job was queued again after a stop.')),
                        ('outcome', models.CharField(max_length=100)),
                        ('drivers', models.JSONField(default=list)),
                        ('result', models.JSONField(blank=True, default=dict)),
                        ('n', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'verbose_name_plural': 'driver analyses',
                        'db_table': 'voice_driveranalysis',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Theme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('top_terms', models.JSONField(blank=True, default=list)),
                        ('size', models.PositiveIntegerField(default=0)),
                        ('avg_sentiment', models.FloatField(blank=True, null=True)),
                        ('trend', models.FloatField(blank=True, help_text='Change in share of feedback per month.', null=True)),
                        ('revenue_at_stake', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True)),
                        ('representative_ids', models.JSONField(blank=True, default=list)),
                        ('nps_answers', models.PositiveIntegerField(default=0)),
                        ('detractors', models.PositiveIntegerField(default=0)),
                        ('accounts', models.PositiveIntegerField(default=0, help_text='Distinct accounts behind its items.')),
                        ('carrying_accounts', models.PositiveIntegerField(default=0, help_text='The fewest of them with 80% of its revenue.')),
                        ('method', models.CharField(default='tfidf', max_length=20)),
                        ('model_index', models.IntegerField(blank=True, help_text='Theme id inside the stored ThemeModel.', null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='merged', to='insights.theme')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'voice_theme',
                        'ordering': ['-size', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ThemeAnalysis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('error', models.TextField(blank=True, help_text='Why the job failed, in words a user can act on.')),
                        ('rows_total', models.PositiveIntegerField(blank=True, null=True)),
                        ('rows_done', models.PositiveIntegerField(default=0)),
                        ('phase', models.CharField(blank=True, help_text='What the running job does now, past its rows.', max_length=100)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('held_by', models.CharField(blank=True, help_text='The process running the job (host:pid).', max_length=100)),
                        ('heartbeat_at', models.DateTimeField(blank=True, help_text='Last sign of life of that process.', null=True)),
                        ('task_id', models.CharField(blank=True, help_text="The task queue's id of the job's last run.", max_length=64)),
                        ('resumes', models.PositiveSmallIntegerField(default=0, help_text='Times the job was queued again after a stop.')),
                        ('k', models.PositiveIntegerField(blank=True, help_text='Number of themes asked for; blank: chosen.', null=True)),
                        ('method', models.CharField(default='tfidf', max_length=20)),
                        ('themes_found', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'verbose_name_plural': 'theme analyses',
                        'db_table': 'voice_themeanalysis',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['workspace', 'created_at'], name='voice_theme_workspa_1c204e_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='ThemeMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('distance', models.FloatField(blank=True, null=True)),
                        ('feedback_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='theme_memberships', to='voice.feedbackitem')),
                        ('highlight', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='theme_memberships', to='conversations.highlight')),
                        ('theme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='insights.theme')),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'voice_thememember',
                        'indexes': [models.Index(fields=['workspace', 'theme'], name='voice_theme_workspa_4c231d_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('feedback_item__isnull', False)), fields=('theme', 'feedback_item'), name='unique_theme_feedback_item'), models.UniqueConstraint(condition=models.Q(('highlight__isnull', False)), fields=('theme', 'highlight'), name='unique_theme_highlight'), models.CheckConstraint(condition=models.Q(('feedback_item__isnull', False), ('highlight__isnull', False), _connector='OR'), name='theme_member_has_subject')],
                    },
                ),
                migrations.CreateModel(
                    name='ThemeModelState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('data', models.BinaryField()),
                        ('method', models.CharField(default='tfidf', max_length=20)),
                        ('k', models.PositiveIntegerField(default=0)),
                        ('fitted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('unthemed', models.PositiveIntegerField(default=0)),
                        ('texts', models.PositiveIntegerField(default=0)),
                        ('feedback_seen', models.BigIntegerField(default=0)),
                        ('highlight_seen', models.BigIntegerField(default=0)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
                    ],
                    options={
                        'db_table': 'voice_thememodelstate',
                        'constraints': [models.UniqueConstraint(fields=('workspace',), name='one_theme_model_per_workspace')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
