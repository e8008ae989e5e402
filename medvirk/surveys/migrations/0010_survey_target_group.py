# Who a survey round is for (its target group) and who answers it: the equity report compares the
# respondents with these people. Existing rounds get their template's service area's target group,
# as new rounds made from the question bank do (surveys.design.target.BY_SERVICE_AREA, copied here
# as it was when this migration was written).

from django.db import migrations, models

BY_SERVICE_AREA = {
    "home_care": (67, None, "users"),
    "nursing_home": (67, None, "relatives"),
    "kindergarten": (None, None, "relatives"),
    "school": (None, 15, "users"),
}


def targets_from_service_area(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    for survey in Survey.objects.all().only("pk", "definition"):
        area = (survey.definition or {}).get("service_area") if isinstance(survey.definition, dict) else None
        if area in BY_SERVICE_AREA:
            age_from, age_to, answered_by = BY_SERVICE_AREA[area]
            Survey.objects.filter(pk=survey.pk).update(
                target_age_from=age_from, target_age_to=age_to, answered_by=answered_by
            )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0009_indexes_not_prefixes"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="answered_by",
            field=models.CharField(
                choices=[
                    ("users", "The users themselves"),
                    ("relatives", "Parents or relatives, for the users"),
                ],
                default="users",
                max_length=10,
                verbose_name="who answers",
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="target_age_from",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="target group from age"
            ),
        ),
        migrations.AddField(
            model_name="survey",
            name="target_age_to",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="target group to age"),
        ),
        migrations.RunPython(targets_from_service_area, migrations.RunPython.noop),
    ]
