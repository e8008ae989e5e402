"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("surveys", "0001_initial"),
        ("surveys", "0002_answer_fewer_indexes"),
        ("surveys", "0003_local_questions_invitation_language"),
        ("surveys", "0004_response_complete_indexes_revision"),
        ("surveys", "0005_builder"),
        ("surveys", "0006_invitation_address_blankable"),
    ]

    initial = True

    dependencies = [
        ("orgs", "0001_squashed_0003_municipality_logo_apart"),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("sent_on", models.DateField(blank=True, null=True)),
                ("reminders_sent", models.PositiveSmallIntegerField(default=0)),
                ("reminded_on", models.DateField(blank=True, null=True)),
                ("completed", models.BooleanField(default=False)),
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
        ),
        migrations.CreateModel(
            name="Survey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.JSONField(default=dict, verbose_name="title")),
                (
                    "series",
                    models.SlugField(
                        help_text="Rounds in the same series are compared year to year, e.g. the question bank key.",
                        max_length=64,
                        verbose_name="series",
                    ),
                ),
                (
                    "round_label",
                    models.CharField(help_text="For example 2026.", max_length=32, verbose_name="round"),
                ),
                ("template_key", models.CharField(blank=True, max_length=64)),
                ("definition", models.JSONField(default=dict)),
                ("definition_version", models.PositiveIntegerField(default=1)),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("opens_on", models.DateField(blank=True, null=True, verbose_name="opens")),
                ("closes_on", models.DateField(blank=True, null=True, verbose_name="closes")),
                (
                    "anonymity_mode",
                    models.CharField(
                        choices=[
                            ("aggregate_only", "Anonymous, only aggregated results leave Medvirk"),
                            ("anonymous", "Anonymous, response-level export allowed"),
                        ],
                        default="aggregate_only",
                        max_length=20,
                    ),
                ),
                (
                    "threshold",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="Never below the municipality's threshold.",
                        verbose_name="anonymity threshold",
                    ),
                ),
                ("created_on", models.DateField(auto_now_add=True)),
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
                        related_name="owned_surveys",
                        to="orgs.orgunit",
                        verbose_name="owner unit",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Response",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(max_length=10)),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("link", "Open link"),
                            ("kiosk", "Kiosk"),
                            ("code", "Single-use code"),
                            ("email", "E-mail invitation"),
                            ("paper", "Paper form"),
                            ("api", "API"),
                        ],
                        max_length=10,
                    ),
                ),
                ("complete", models.BooleanField(default=False)),
                ("created_on", models.DateField()),
                ("submitted_on", models.DateField(blank=True, null=True)),
                ("idempotency_key", models.CharField(max_length=64)),
                ("resume_hash", models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ("bg_age_band", models.CharField(blank=True, max_length=32)),
                ("bg_gender", models.CharField(blank=True, max_length=32)),
                ("bg_district", models.CharField(blank=True, max_length=32)),
                ("bg_home_language", models.CharField(blank=True, max_length=32)),
                ("bg_immigrant_background", models.CharField(blank=True, max_length=32)),
                ("bg_functional_impairment", models.CharField(blank=True, max_length=32)),
                (
                    "invitation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="surveys.invitation",
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
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.orgunit"
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="surveys.survey",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SurveyQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=63)),
                ("qtype", models.CharField(max_length=20)),
                ("dimension", models.CharField(blank=True, max_length=40)),
                ("position", models.PositiveIntegerField(default=0)),
                ("hidden", models.BooleanField(default=False)),
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registry_questions",
                        to="surveys.survey",
                    ),
                ),
            ],
            options={
                "ordering": ["position"],
            },
        ),
        migrations.CreateModel(
            name="SurveyOption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=63)),
                ("position", models.PositiveIntegerField(default=0)),
                ("hidden", models.BooleanField(default=False)),
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
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="options",
                        to="surveys.surveyquestion",
                    ),
                ),
            ],
            options={
                "ordering": ["position"],
            },
        ),
        migrations.CreateModel(
            name="Answer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value_num", models.FloatField(blank=True, null=True)),
                ("value_text", models.TextField(blank=True)),
                (
                    "municipality",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.municipality",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.orgunit"
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="surveys.response",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="surveys.survey",
                    ),
                ),
                (
                    "option",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="surveys.surveyoption",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="answers",
                        to="surveys.surveyquestion",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SurveyUnit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("link_key", models.CharField(max_length=24, unique=True)),
                (
                    "user_count",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="number of users"),
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="survey_units",
                        to="surveys.survey",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="survey_units",
                        to="orgs.orgunit",
                    ),
                ),
            ],
            options={
                "ordering": ["unit__path"],
            },
        ),
        migrations.AddField(
            model_name="invitation",
            name="survey_unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="invitations",
                to="surveys.surveyunit",
            ),
        ),
        migrations.CreateModel(
            name="AccessCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=16, unique=True)),
                ("batch", models.PositiveIntegerField(default=1)),
                ("used_on", models.DateField(blank=True, null=True)),
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
                    "survey_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="surveys.surveyunit",
                    ),
                ),
            ],
            options={
                "ordering": ["batch", "code"],
            },
        ),
        migrations.AddConstraint(
            model_name="survey",
            constraint=models.UniqueConstraint(
                fields=("municipality", "series", "round_label"), name="survey_unique_round"
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["survey", "unit", "complete"], name="surveys_res_survey__1e3b29_idx"),
        ),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(
                fields=("municipality", "survey", "idempotency_key"), name="response_unique_idempotency"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyquestion",
            constraint=models.UniqueConstraint(
                fields=("municipality", "survey", "key"), name="surveyquestion_unique_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyoption",
            constraint=models.UniqueConstraint(
                fields=("municipality", "question", "key"), name="surveyoption_unique_key"
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["survey", "question", "option"], name="surveys_ans_survey__b5309f_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["survey", "unit", "question"], name="surveys_ans_survey__423c3c_idx"),
        ),
        migrations.AddConstraint(
            model_name="surveyunit",
            constraint=models.UniqueConstraint(
                fields=("municipality", "survey", "unit"), name="surveyunit_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("municipality", "survey_unit", "email"), name="invitation_unique_email"
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="language",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name="surveyunit",
            name="local_questions",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RemoveIndex(
            model_name="response",
            name="surveys_res_survey__1e3b29_idx",
        ),
        migrations.AddField(
            model_name="survey",
            name="responses_revision",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("complete", True)),
                fields=[
                    "survey",
                    "unit",
                    "bg_age_band",
                    "bg_gender",
                    "bg_district",
                    "bg_home_language",
                    "bg_immigrant_background",
                    "bg_functional_impairment",
                    "complete",
                ],
                name="surveys_resp_complete_bg",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                condition=models.Q(("complete", True)),
                fields=["survey", "id"],
                name="surveys_resp_complete_last",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="fallback_languages",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="surveyquestion",
            name="reworded_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RemoveConstraint(
            model_name="invitation",
            name="invitation_unique_email",
        ),
        migrations.AlterField(
            model_name="invitation",
            name="email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("email", ""), _negated=True),
                fields=("municipality", "survey_unit", "email"),
                name="invitation_unique_email",
            ),
        ),
    ]
