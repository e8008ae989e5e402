# Participants' evaluations made before were named by a key, "activity-12", in every survey list,
# results heading and on the home page; since walk3 a new one is named after its activity. This
# names the earlier ones by the same rule (participation.evaluation.round_label_for), oldest first.
# A label someone changed by hand (not "activity-<its activity>") is left as it is.

from django.db import migrations

from medvirk.participation.evaluation import SERIES, round_label_for


def name_evaluation_rounds(apps, schema_editor):
    Activity = apps.get_model("participation", "Activity")
    Survey = apps.get_model("surveys", "Survey")
    limit = Survey._meta.get_field("round_label").max_length
    for activity in (
        Activity.objects.filter(evaluation_survey__series=SERIES)
        .select_related("evaluation_survey")
        .order_by("pk")
    ):
        survey = activity.evaluation_survey
        if survey.round_label != f"activity-{activity.pk}":
            continue
        taken = set(
            Survey.objects.filter(municipality_id=survey.municipality_id, series=SERIES).values_list(
                "round_label", flat=True
            )
        )
        survey.round_label = round_label_for(activity.title, taken, limit)
        survey.save(update_fields=["round_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_indexes_not_prefixes"),
        ("surveys", "0011_closed_round_tree"),
    ]

    operations = [
        migrations.RunPython(name_evaluation_rounds, migrations.RunPython.noop, elidable=True),
    ]
