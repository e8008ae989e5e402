# A closed round keeps its organisation tree (surveys/round_tree.py): its figures no longer move
# when a unit moves after the close (red team 5). Rounds closed before this migration keep the
# tree as it stands when it runs, the nearest to the close that is known.

import django.db.models.deletion
from django.db import migrations, models


def keep_trees_of_closed_rounds(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    SurveyUnit = apps.get_model("surveys", "SurveyUnit")
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    ClosedTreeUnit = apps.get_model("surveys", "ClosedTreeUnit")
    for survey in Survey.objects.filter(status="closed").only("pk", "municipality_id").iterator():
        paths = dict(SurveyUnit.objects.filter(survey_id=survey.pk).values_list("unit_id", "unit__path"))
        ids = {int(part) for path in paths.values() for part in path.split("/") if part}
        ClosedTreeUnit.objects.bulk_create(
            ClosedTreeUnit(
                municipality_id=survey.municipality_id,
                survey_id=survey.pk,
                unit_id=unit.pk,
                parent_id_at_close=unit.parent_id,
                path=unit.path,
                depth=unit.depth,
                is_survey_unit=unit.pk in paths,
            )
            for unit in OrgUnit.objects.filter(municipality_id=survey.municipality_id, pk__in=ids)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_indexes_not_prefixes"),
        ("surveys", "0010_survey_target_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClosedTreeUnit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("parent_id_at_close", models.PositiveIntegerField(blank=True, null=True)),
                ("path", models.CharField(max_length=255)),
                ("depth", models.PositiveSmallIntegerField()),
                ("is_survey_unit", models.BooleanField(default=False)),
                (
                    "municipality",
                    models.ForeignKey(
                        db_index=False,
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
                        related_name="closed_tree",
                        to="surveys.survey",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.orgunit"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "survey", "unit"), name="closedtreeunit_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(keep_trees_of_closed_rounds, migrations.RunPython.noop, elidable=True),
    ]
