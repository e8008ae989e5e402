"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import medvirk.participation.models


class Migration(migrations.Migration):
    replaces = [
        ("participation", "0001_initial"),
        ("participation", "0002_comparison_grants_and_cycle_reminders"),
    ]

    initial = True

    dependencies = [
        ("orgs", "0001_initial"),
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Activity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("user_meeting", "User meeting"),
                            ("user_panel", "User panel"),
                            ("council_meeting", "Council meeting"),
                            ("focus_group", "Focus group"),
                            ("reflection_group", "Reflection group"),
                            ("dialogue_meeting", "Dialogue meeting"),
                            ("individual", "Individual conversations"),
                            ("survey_round", "Survey round"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "service_area",
                    models.CharField(
                        choices=[
                            ("administration", "Administration"),
                            ("kindergarten", "Kindergarten"),
                            ("school", "School"),
                            ("home_care", "Home care"),
                            ("nursing_home", "Nursing home"),
                            ("service_centre", "Service centre"),
                            ("youth_club", "Youth club"),
                            ("health", "Health services"),
                            ("welfare", "Welfare (NAV)"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=30,
                        verbose_name="service area",
                    ),
                ),
                ("starts_on", models.DateField(verbose_name="date")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="last date")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                ("purpose", models.TextField(blank=True, verbose_name="purpose")),
                ("question", models.TextField(blank=True, verbose_name="question put to participants")),
                (
                    "ladder",
                    models.CharField(
                        choices=[
                            ("user_perspective", "User perspective"),
                            ("informants", "Users as informants"),
                            ("dialogue", "Dialogue"),
                            ("user_control", "User control"),
                        ],
                        max_length=20,
                        verbose_name="ladder level",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("individual", "Individual"),
                            ("group", "Group"),
                            ("representative", "Representative"),
                        ],
                        max_length=20,
                        verbose_name="participation level",
                    ),
                ),
                (
                    "invited",
                    models.CharField(
                        choices=[
                            ("open", "Open to everyone"),
                            ("organisations", "Organisations"),
                            ("panel", "A selected panel"),
                        ],
                        max_length=20,
                        verbose_name="who was invited",
                    ),
                ),
                ("offers_interpreter", models.BooleanField(default=False, verbose_name="interpreter")),
                (
                    "offers_accessible_venue",
                    models.BooleanField(default=False, verbose_name="accessible venue"),
                ),
                ("offers_child_care", models.BooleanField(default=False, verbose_name="child care")),
                (
                    "offers_travel_costs",
                    models.BooleanField(default=False, verbose_name="travel costs covered"),
                ),
                (
                    "participants",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="number of participants"),
                ),
                ("composition", models.JSONField(blank=True, default=dict)),
                ("minutes", models.TextField(blank=True, verbose_name="minutes")),
                ("staff_evaluation", models.TextField(blank=True, verbose_name="our own evaluation")),
                ("published", models.BooleanField(default=False, verbose_name="published")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "evaluation_survey",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="surveys.survey",
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
                (
                    "owner_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="responsible unit",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="surveys.survey",
                    ),
                ),
                (
                    "units",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="orgs.orgunit", verbose_name="units"
                    ),
                ),
            ],
            options={
                "verbose_name": "activity",
                "verbose_name_plural": "activities",
                "ordering": ["-starts_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ActivityAttachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(max_length=255, upload_to=medvirk.participation.models.attachment_path),
                ),
                ("name", models.CharField(max_length=200)),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveIntegerField()),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="participation.activity",
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
            ],
            options={
                "ordering": ["uploaded_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="CycleCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("council_met", models.BooleanField(default=False, verbose_name="the user council has met")),
                (
                    "minorities_mapped",
                    models.BooleanField(
                        default=False, verbose_name="who can voice minorities' views is mapped"
                    ),
                ),
                (
                    "report_published",
                    models.BooleanField(default=False, verbose_name="the participation report is published"),
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
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.orgunit"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Finding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.CharField(max_length=300, verbose_name="finding")),
                ("published", models.BooleanField(default=False, verbose_name="published")),
                ("created_on", models.DateField(auto_now_add=True)),
                (
                    "activity",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="findings",
                        to="participation.activity",
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
                (
                    "survey",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="surveys.survey",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Measure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "service_area",
                    models.CharField(
                        choices=[
                            ("administration", "Administration"),
                            ("kindergarten", "Kindergarten"),
                            ("school", "School"),
                            ("home_care", "Home care"),
                            ("nursing_home", "Nursing home"),
                            ("service_centre", "Service centre"),
                            ("youth_club", "Youth club"),
                            ("health", "Health services"),
                            ("welfare", "Welfare (NAV)"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=30,
                        verbose_name="service area",
                    ),
                ),
                (
                    "decision_level",
                    models.CharField(
                        choices=[
                            ("employee", "Employee"),
                            ("unit_leader", "Unit leader"),
                            ("agency", "Agency or district"),
                            ("council", "City council"),
                            ("parliament", "Parliament"),
                        ],
                        max_length=20,
                        verbose_name="decision level",
                    ),
                ),
                ("within_budget", models.BooleanField(default=True, verbose_name="within existing budget")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("decided", "Decided"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("rejected", "Rejected"),
                        ],
                        default="proposed",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="due date")),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="progress (%)")),
                ("outcome", models.TextField(blank=True, verbose_name="what came of it")),
                ("shareable", models.BooleanField(default=False, verbose_name="share in the measure bank")),
                ("published", models.BooleanField(default=False, verbose_name="published")),
                ("reminded_on", models.DateField(blank=True, null=True)),
                ("created_on", models.DateField(auto_now_add=True)),
                ("updated_on", models.DateField(auto_now=True)),
                (
                    "finding",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="measures",
                        to="participation.finding",
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
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "ordering": ["-updated_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="MeasureUpdate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("decided", "Decided"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=20,
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0)),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="updates",
                        to="participation.measure",
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
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["municipality", "starts_on"], name="participati_municip_e2fdfc_idx"),
        ),
        migrations.AddConstraint(
            model_name="cyclecheck",
            constraint=models.UniqueConstraint(
                fields=("municipality", "unit", "year"), name="cyclecheck_unique_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.CheckConstraint(
                condition=models.Q(("progress__lte", 100)), name="measure_progress_max_100"
            ),
        ),
        migrations.AddField(
            model_name="cyclecheck",
            name="reminded_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="ComparisonGrant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "granted_by",
                    models.ForeignKey(
                        blank=True,
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
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.municipality",
                        verbose_name="shared with",
                    ),
                ),
            ],
            options={
                "ordering": ["partner__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "partner"), name="comparisongrant_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("municipality", models.F("partner")), _negated=True),
                        name="comparisongrant_not_self",
                    ),
                ],
            },
        ),
    ]
