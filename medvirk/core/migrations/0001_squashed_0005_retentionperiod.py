"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import medvirk.core.models


class Migration(migrations.Migration):
    replaces = [
        ("core", "0001_initial"),
        ("core", "0002_job"),
        ("core", "0003_job_updated_at"),
        ("core", "0004_audit_action_names"),
        ("core", "0005_retentionperiod"),
    ]

    initial = True

    dependencies = [
        ("orgs", "0001_squashed_0003_municipality_logo_apart"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("action", models.CharField(max_length=64)),
                ("object_type", models.CharField(max_length=64)),
                ("object_id", models.CharField(max_length=64)),
                ("data", models.JSONField(default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to="orgs.municipality",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["municipality", "-created_at"], name="core_audite_municip_2e9dc3_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=64, verbose_name="kind")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("params", models.JSONField(blank=True, default=dict)),
                ("done", models.PositiveIntegerField(default=0)),
                ("total", models.PositiveIntegerField(default=0)),
                ("message", models.CharField(blank=True, max_length=300, verbose_name="message")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                ("result", models.JSONField(blank=True, default=dict)),
                ("result_url", models.CharField(blank=True, max_length=300)),
                (
                    "result_file",
                    models.FileField(
                        blank=True, max_length=300, upload_to=medvirk.core.models.job_result_path
                    ),
                ),
                ("result_name", models.CharField(blank=True, max_length=200)),
                ("result_type", models.CharField(blank=True, max_length=100)),
                ("language", models.CharField(blank=True, max_length=10)),
                ("task_id", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField(db_index=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.municipality",
                        verbose_name="municipality",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "background job",
                "verbose_name_plural": "background jobs",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["municipality", "kind", "status"], name="core_job_municip_803f93_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RetentionPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=64, verbose_name="kind of personal data")),
                ("amount", models.PositiveIntegerField(verbose_name="period")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.municipality",
                        verbose_name="municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "retention period",
                "verbose_name_plural": "retention periods",
                "ordering": ["kind"],
                "constraints": [
                    models.UniqueConstraint(fields=("municipality", "kind"), name="retention_unique_kind")
                ],
            },
        ),
    ]
