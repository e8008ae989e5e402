# Each model's foreign key keeps its constraint and loses the index of its own, which another index
# or unique key of the table leads with (tests/test_indexes.py).

from django.db import migrations

from medvirk.core.migration_operations import DropKeyIndex


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_squashed_0005_retentionperiod"),
        ("orgs", "0006_indexes_not_prefixes"),
    ]

    operations = [
        DropKeyIndex(["auditevent", "job", "retentionperiod"]),
    ]
