# Each model's foreign key keeps its constraint and loses the index of its own, which another index
# or unique key of the table leads with (tests/test_indexes.py).

from django.db import migrations

from medvirk.core.migration_operations import DropKeyIndex


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_indexes_not_prefixes"),
        ("participation", "0003_activityunit"),
    ]

    operations = [
        DropKeyIndex(["activity", "activityunit", "comparisongrant", "cyclecheck"]),
    ]
