"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("partners", "0001_initial"), ("partners", "0002_contact_activity")]

    initial = True

    dependencies = [
        ("orgs", "0001_squashed_0003_municipality_logo_apart"),
        ("participation", "0001_squashed_0002_comparison_grants_and_cycle_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "org_number",
                    models.CharField(
                        blank=True,
                        help_text="Nine digits from the Brønnøysund Register Centre.",
                        max_length=9,
                        verbose_name="organisation number",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("voluntary", "Voluntary organisation"),
                            ("user_organisation", "User organisation"),
                            ("immigrant", "Immigrant organisation"),
                            ("social_entrepreneur", "Social entrepreneur"),
                            ("faith", "Faith or life-stance community"),
                            ("other", "Other"),
                        ],
                        default="voluntary",
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("competences", models.JSONField(blank=True, default=list, verbose_name="competence fields")),
                ("languages", models.JSONField(blank=True, default=list, verbose_name="languages")),
                (
                    "groups",
                    models.JSONField(blank=True, default=list, verbose_name="groups it can speak for"),
                ),
                (
                    "countries",
                    models.JSONField(
                        blank=True, default=list, verbose_name="country backgrounds it can speak for"
                    ),
                ),
                ("website", models.URLField(blank=True, verbose_name="website")),
                (
                    "listed_publicly",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to keep the entry internal.",
                        verbose_name="shown in the public search",
                    ),
                ),
                (
                    "is_competence_partner",
                    models.BooleanField(default=False, verbose_name="competence partner"),
                ),
                (
                    "partner_from",
                    models.DateField(blank=True, null=True, verbose_name="competence partner from"),
                ),
                (
                    "partner_until",
                    models.DateField(blank=True, null=True, verbose_name="competence partner until"),
                ),
                (
                    "partner_support",
                    models.TextField(
                        blank=True,
                        help_text="Grants, premises or other support from the municipality.",
                        verbose_name="support given",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "districts",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="orgs.orgunit", verbose_name="districts where active"
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
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ContactPerson",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                ("consent_on", models.DateField(verbose_name="consent given on")),
                ("consent_purpose", models.CharField(max_length=300, verbose_name="purpose of the consent")),
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
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="partners.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact person",
                "verbose_name_plural": "contact persons",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ContactLogEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(verbose_name="date")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("invited", "Invited to a meeting"),
                            ("consulted", "Consulted"),
                            ("co_organised", "Co-organised"),
                            ("nomination", "Asked to nominate members"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="kind of contact",
                    ),
                ),
                ("contribution", models.TextField(blank=True, verbose_name="what it contributed")),
                (
                    "activity_reference",
                    models.CharField(blank=True, max_length=200, verbose_name="participation activity"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
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
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="unit",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_log",
                        to="partners.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact log entry",
                "verbose_name_plural": "contact log entries",
                "ordering": ["-date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Proposal",
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
                            ("pending", "Waiting for moderation"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("data", models.JSONField(default=dict)),
                ("contact", models.JSONField(blank=True, default=dict)),
                ("message", models.TextField(blank=True, verbose_name="message to the municipality")),
                ("client_hash", models.CharField(db_index=True, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True, verbose_name="note")),
                (
                    "decided_by",
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
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposals",
                        to="partners.organisation",
                        verbose_name="organisation to update",
                    ),
                ),
            ],
            options={
                "verbose_name": "proposal",
                "verbose_name_plural": "proposals",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="YearlyMapping",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("completed", models.BooleanField(default=False, verbose_name="completed")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
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
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="unit",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "yearly mapping",
                "verbose_name_plural": "yearly mappings",
                "ordering": ["-year", "unit__path"],
            },
        ),
        migrations.CreateModel(
            name="MappingGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("label", models.CharField(max_length=200)),
                ("size", models.PositiveIntegerField(blank=True, null=True)),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
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
                    "organisations",
                    models.ManyToManyField(blank=True, related_name="+", to="partners.organisation"),
                ),
                (
                    "mapping",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="groups",
                        to="partners.yearlymapping",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("org_number", ""), _negated=True),
                fields=("municipality", "org_number"),
                name="organisation_unique_number",
            ),
        ),
        migrations.AddIndex(
            model_name="contactlogentry",
            index=models.Index(
                fields=["municipality", "unit", "-date"], name="partners_co_municip_77184e_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="yearlymapping",
            constraint=models.UniqueConstraint(
                fields=("municipality", "unit", "year"), name="yearlymapping_unique_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="mappinggroup",
            constraint=models.UniqueConstraint(
                fields=("municipality", "mapping", "key"), name="mappinggroup_unique_key"
            ),
        ),
        migrations.AddField(
            model_name="contactlogentry",
            name="activity",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="participation.activity",
                verbose_name="participation activity",
            ),
        ),
    ]
