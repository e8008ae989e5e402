# The half-years shown before their tree was kept (0005) keep the tree as it stands when this
# runs, the nearest to the tree they were shown on that is known (feedback/halfyear_tree.py).
# Without it, a half-year shown before the upgrade kept the tree it was next worked out on: a unit
# moved after the upgrade moved its figures once more (red team 5). The last six ended
# half-years (all the dashboard offers) of every municipality with figures.

from django.db import migrations
from django.utils import timezone


def _ended_half_years(today, count=6):
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    for _ in range(count):
        yield f"{year}-{half}"
        year, half = (year, 1) if half == 2 else (year - 1, 2)


def keep_trees_of_ended_half_years(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    HalfYearTree = apps.get_model("feedback", "HalfYearTree")
    # Municipalities with figures: a closed episode or a conversation has moved a data version.
    municipalities = set(
        apps.get_model("feedback", "DashboardVersion").objects.values_list("municipality_id", flat=True)
    ) | set(apps.get_model("feedback", "ThemesVersion").objects.values_list("municipality_id", flat=True))
    periods = list(_ended_half_years(timezone.localdate()))
    for municipality in sorted(municipalities):
        parents = {
            str(pk): parent
            for pk, parent in OrgUnit.objects.filter(municipality_id=municipality).values_list(
                "pk", "parent_id"
            )
        }
        HalfYearTree.objects.bulk_create(
            [
                HalfYearTree(municipality_id=municipality, period=period, parents=parents)
                for period in periods
            ],
            ignore_conflicts=True,  # a half-year already kept keeps its tree
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0005_half_year_tree"),
        ("orgs", "0006_indexes_not_prefixes"),
    ]

    operations = [
        migrations.RunPython(keep_trees_of_ended_half_years, migrations.RunPython.noop, elidable=True),
    ]
