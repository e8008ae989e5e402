import uuid

import django.db.models.deletion
from django.db import migrations, models


def versions_for_conversations(apps, schema_editor):
    """Give every municipality with conversations a themes version, so its themes can be kept."""
    Conversation = apps.get_model("feedback", "Conversation")
    ThemesVersion = apps.get_model("feedback", "ThemesVersion")
    ids = Conversation.objects.values_list("municipality_id", flat=True).distinct()
    ThemesVersion.objects.bulk_create(
        [ThemesVersion(municipality_id=m, token=uuid.uuid4(), revision=1) for m in ids.order_by()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_dashboardversion"),
        ("orgs", "0004_unit_org_number_and_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThemesVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("revision", models.PositiveBigIntegerField(default=0, editable=False)),
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
                "constraints": [
                    models.UniqueConstraint(fields=("municipality",), name="feedback_themes_version_unique")
                ],
            },
        ),
        migrations.RunPython(versions_for_conversations, migrations.RunPython.noop),
    ]
