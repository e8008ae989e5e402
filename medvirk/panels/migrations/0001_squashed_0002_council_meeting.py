"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("panels", "0001_initial"), ("panels", "0002_council_meeting")]

    initial = True

    dependencies = [
        ("orgs", "0001_squashed_0003_municipality_logo_apart"),
        ("participation", "0001_squashed_0002_comparison_grants_and_cycle_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Council",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("mandate", models.TextField(blank=True, verbose_name="mandate")),
                (
                    "contact_email",
                    models.EmailField(
                        blank=True,
                        help_text="Gets a reminder before a member's term ends.",
                        max_length=254,
                        verbose_name="e-mail for reminders",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                "verbose_name": "council",
                "verbose_name_plural": "councils",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="CouncilDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("text", models.TextField(verbose_name="decision or advice")),
                ("follow_up", models.TextField(blank=True, verbose_name="follow-up")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="panels.council",
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
                "ordering": ["-date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="CouncilMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("user", "User representative"),
                            ("organisation", "Organisation delegate"),
                            ("staff", "Staff"),
                        ],
                        max_length=20,
                        verbose_name="represents",
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("chair", "Chair"),
                            ("deputy", "Deputy chair"),
                            ("secretary", "Secretary"),
                            ("member", "Member"),
                            ("substitute", "Substitute"),
                        ],
                        default="member",
                        max_length=20,
                        verbose_name="role",
                    ),
                ),
                ("organisation", models.CharField(blank=True, max_length=200, verbose_name="organisation")),
                ("term_start", models.DateField(verbose_name="term starts")),
                ("term_end", models.DateField(verbose_name="term ends")),
                ("reminded_on", models.DateField(blank=True, null=True)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="panels.council",
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
                "ordering": ["term_end", "name"],
            },
        ),
        migrations.CreateModel(
            name="Panel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("purpose", models.TextField(verbose_name="purpose")),
                ("size", models.PositiveIntegerField(verbose_name="number of seats")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("selected", "Selected"), ("closed", "Closed")],
                        default="draft",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("leximin", "LEXIMIN (as equal chances as the quotas allow)"),
                            ("legacy", "Legacy greedy draw (for comparison)"),
                        ],
                        default="leximin",
                        max_length=20,
                        verbose_name="selection method",
                    ),
                ),
                (
                    "one_per_household",
                    models.BooleanField(default=False, verbose_name="at most one person per household"),
                ),
                ("seed", models.BigIntegerField(blank=True, null=True, verbose_name="published seed")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
            ],
            options={
                "verbose_name": "panel",
                "verbose_name_plural": "panels",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="PanelQuota",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("feature", models.CharField(max_length=40)),
                ("value", models.CharField(max_length=40)),
                ("min", models.PositiveIntegerField(default=0)),
                ("max", models.PositiveIntegerField(default=0)),
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
                    "panel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="quotas", to="panels.panel"
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="SelectionRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("leximin", "LEXIMIN (as equal chances as the quotas allow)"),
                            ("legacy", "Legacy greedy draw (for comparison)"),
                        ],
                        max_length=20,
                    ),
                ),
                ("seed", models.BigIntegerField()),
                ("features", models.JSONField(default=list)),
                ("quotas", models.JSONField(default=list)),
                ("distribution", models.JSONField(default=dict)),
                ("person_probabilities", models.JSONField(default=dict)),
                ("minimum", models.FloatField(null=True)),
                ("stats", models.JSONField(default=dict)),
                ("drawn", models.JSONField(default=list)),
                ("pool_size", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "panel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="runs", to="panels.panel"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Volunteer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                ("age_band", models.CharField(max_length=30, verbose_name="age group")),
                ("gender", models.CharField(max_length=30, verbose_name="gender")),
                ("district", models.CharField(max_length=30, verbose_name="city district")),
                (
                    "immigrant_background",
                    models.CharField(max_length=40, verbose_name="immigrant background"),
                ),
                ("social_background", models.CharField(max_length=30, verbose_name="education")),
                ("languages", models.JSONField(blank=True, default=list, verbose_name="languages")),
                ("accessibility_needs", models.TextField(blank=True, verbose_name="accessibility needs")),
                ("consent_text", models.TextField(verbose_name="consent given")),
                ("consent_at", models.DateTimeField(verbose_name="consent given on")),
                ("email_confirmed", models.BooleanField(default=False, verbose_name="e-mail confirmed")),
                ("withdraw_token_hash", models.CharField(blank=True, max_length=64)),
                ("household_key", models.CharField(blank=True, max_length=100, verbose_name="household")),
                ("source", models.CharField(default="signup", max_length=20)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                "verbose_name": "volunteer",
                "verbose_name_plural": "volunteers",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="PanelMember",
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
                            ("selected", "Selected"),
                            ("declined", "Declined"),
                            ("replacement", "Replacement"),
                        ],
                        default="selected",
                        max_length=20,
                    ),
                ),
                ("seed", models.BigIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
                    "panel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="members", to="panels.panel"
                    ),
                ),
                (
                    "volunteer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="panels.volunteer",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddConstraint(
            model_name="council",
            constraint=models.UniqueConstraint(fields=("municipality", "name"), name="council_unique_name"),
        ),
        migrations.AddConstraint(
            model_name="panelquota",
            constraint=models.UniqueConstraint(
                fields=("municipality", "panel", "feature", "value"), name="panelquota_unique_cell"
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.UniqueConstraint(
                fields=("municipality", "email"), name="volunteer_unique_email"
            ),
        ),
        migrations.AddConstraint(
            model_name="panelmember",
            constraint=models.UniqueConstraint(
                fields=("municipality", "panel", "volunteer"), name="panelmember_unique_volunteer"
            ),
        ),
        migrations.CreateModel(
            name="CouncilMeeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "activity",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="participation.activity",
                        verbose_name="participation activity",
                    ),
                ),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meetings",
                        to="panels.council",
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
                "verbose_name": "council meeting",
                "verbose_name_plural": "council meetings",
                "ordering": ["-date", "-id"],
            },
        ),
    ]
