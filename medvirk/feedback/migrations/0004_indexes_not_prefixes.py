# Each model's foreign key keeps its constraint and loses the index of its own, which another index
# or unique key of the table leads with (tests/test_indexes.py).

from django.conf import settings
from django.db import migrations

from medvirk.core.migration_operations import DropKeyIndex


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_themesversion"),
        ("orgs", "0006_indexes_not_prefixes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        DropKeyIndex(
            [
                "conversation",
                "dashboardversion",
                "episode",
                "episodemember",
                "goalrating",
                "instrument",
                "rating",
                "retentionpolicy",
                "service",
                "session",
                "themesversion",
                "trajectoryfit",
            ]
        ),
        DropKeyIndex(["episodemember"], field="user"),
    ]
