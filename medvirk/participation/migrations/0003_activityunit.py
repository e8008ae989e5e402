"""Activity ↔ unit links carry the municipality key, like every tenant-owned table (sharding).

Django's recipe for giving a many-to-many field its own through model: the existing table is
taken over in the migration state only (no SQL), then the municipality key is added, filled from
the activity and made required, and the pair's unique key gains the municipality.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_municipality(apps, schema_editor):
    Link = apps.get_model("participation", "ActivityUnit")
    Activity = apps.get_model("participation", "Activity")
    owner = Activity.objects.filter(pk=OuterRef("activity_id")).values("municipality_id")[:1]
    Link.objects.update(municipality_id=Subquery(owner))


MUNICIPALITY = {
    "on_delete": django.db.models.deletion.PROTECT,
    "related_name": "+",
    "to": "orgs.municipality",
}


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_municipality_logo_apart"),
        ("participation", "0001_squashed_0002_comparison_grants_and_cycle_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityUnit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="participation.activity",
                            ),
                        ),
                        (
                            "orgunit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="orgs.orgunit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "participation_activity_units",
                        "unique_together": {("activity", "orgunit")},
                    },
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="units",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="participation.ActivityUnit",
                        to="orgs.orgunit",
                        verbose_name="units",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="activityunit",
            name="municipality",
            field=models.ForeignKey(null=True, verbose_name="municipality", **MUNICIPALITY),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activityunit",
            name="municipality",
            field=models.ForeignKey(verbose_name="municipality", **MUNICIPALITY),
        ),
        migrations.AlterUniqueTogether(name="activityunit", unique_together=set()),
        migrations.AddConstraint(
            model_name="activityunit",
            constraint=models.UniqueConstraint(
                fields=("municipality", "activity", "orgunit"), name="activityunit_unique"
            ),
        ),
    ]
