"""Migrations from before release 0.1.0, squashed into one (``squashmigrations``).

``replaces`` names the files it replaces: a database of 0.1.0, which recorded those names, goes
on from the next migration; a new database runs this one. Their data migrations only changed
rows that a new database does not have, so they are left out.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("orgs", "0001_initial"),
        ("orgs", "0002_municipality_branding"),
        ("orgs", "0003_municipality_logo_apart"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Municipality",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=4, unique=True, verbose_name="municipality number")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("slug", models.SlugField(unique=True)),
                (
                    "anonymity_threshold",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="No figure from fewer respondents than this is shown. Only raised, never below 5.",
                        verbose_name="anonymity threshold",
                    ),
                ),
                (
                    "accessibility_statement_url",
                    models.URLField(blank=True, verbose_name="accessibility statement"),
                ),
                ("brand_colour", models.CharField(blank=True, max_length=7, verbose_name="brand colour")),
                ("logo_type", models.CharField(blank=True, editable=False, max_length=20)),
                (
                    "privacy_contact",
                    models.CharField(blank=True, max_length=200, verbose_name="privacy contact"),
                ),
                ("privacy_statement", models.TextField(blank=True, verbose_name="privacy statement")),
            ],
            options={
                "verbose_name": "municipality",
                "verbose_name_plural": "municipalities",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="OrgUnit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("municipality", "Municipality"),
                            ("district", "City district"),
                            ("agency", "Agency"),
                            ("unit", "Unit"),
                        ],
                        default="unit",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=150, verbose_name="name")),
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
                    "region_code",
                    models.CharField(
                        blank=True,
                        help_text="Statistics Norway code of the area this unit covers, e.g. a city district.",
                        max_length=12,
                        verbose_name="region code",
                    ),
                ),
                ("path", models.CharField(db_index=True, default="", editable=False, max_length=255)),
                ("depth", models.PositiveSmallIntegerField(default=0, editable=False)),
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
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="orgs.orgunit",
                        verbose_name="parent unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisation unit",
                "verbose_name_plural": "organisation units",
                "ordering": ["path"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "parent", "name"), name="orgunit_unique_name_per_parent"
                    ),
                    models.UniqueConstraint(fields=("municipality", "path"), name="orgunit_unique_path"),
                    models.UniqueConstraint(
                        condition=models.Q(("parent__isnull", True)),
                        fields=("municipality",),
                        name="orgunit_one_root_per_municipality",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="MunicipalityLogo",
            fields=[
                (
                    "municipality",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="logo",
                        serialize=False,
                        to="orgs.municipality",
                    ),
                ),
                ("data", models.BinaryField()),
            ],
        ),
    ]
