"""Organisation ↔ district and mapping group ↔ organisation links carry the municipality key,
like every tenant-owned table (sharding).

Django's recipe for giving a many-to-many field its own through model: each existing table is
taken over in the migration state only (no SQL), then the municipality key is added, filled from
the row that owns the link and made required, and the pair's unique key gains the municipality.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_municipality(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    MappingGroup = apps.get_model("partners", "MappingGroup")
    for link, owner, column in (
        ("OrganisationDistrict", Organisation, "organisation_id"),
        ("MappingGroupOrganisation", MappingGroup, "mappinggroup_id"),
    ):
        of_owner = owner.objects.filter(pk=OuterRef(column)).values("municipality_id")[:1]
        apps.get_model("partners", link).objects.update(municipality_id=Subquery(of_owner))


MUNICIPALITY = {
    "on_delete": django.db.models.deletion.PROTECT,
    "related_name": "+",
    "to": "orgs.municipality",
}
CASCADE = django.db.models.deletion.CASCADE


def _link(name, table, a, a_to, b, b_to):
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
            ),
            (a, models.ForeignKey(on_delete=CASCADE, related_name="+", to=a_to)),
            (b, models.ForeignKey(on_delete=CASCADE, related_name="+", to=b_to)),
        ],
        options={"db_table": table, "unique_together": {(a, b)}},
    )


def _key(model_name, a, b, constraint):
    return [
        migrations.AddField(
            model_name=model_name,
            name="municipality",
            field=models.ForeignKey(null=True, verbose_name="municipality", **MUNICIPALITY),
        ),
    ], [
        migrations.AlterField(
            model_name=model_name,
            name="municipality",
            field=models.ForeignKey(verbose_name="municipality", **MUNICIPALITY),
        ),
        migrations.AlterUniqueTogether(name=model_name, unique_together=set()),
        migrations.AddConstraint(
            model_name=model_name,
            constraint=models.UniqueConstraint(fields=("municipality", a, b), name=constraint),
        ),
    ]


_districts_add, _districts_finish = _key(
    "organisationdistrict", "organisation", "orgunit", "organisationdistrict_unique"
)
_groups_add, _groups_finish = _key(
    "mappinggrouporganisation", "mappinggroup", "organisation", "mappinggrouporganisation_unique"
)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_squashed_0003_municipality_logo_apart"),
        ("partners", "0001_squashed_0002_contact_activity"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _link(
                    "OrganisationDistrict",
                    "partners_organisation_districts",
                    "organisation",
                    "partners.organisation",
                    "orgunit",
                    "orgs.orgunit",
                ),
                _link(
                    "MappingGroupOrganisation",
                    "partners_mappinggroup_organisations",
                    "mappinggroup",
                    "partners.mappinggroup",
                    "organisation",
                    "partners.organisation",
                ),
                migrations.AlterField(
                    model_name="organisation",
                    name="districts",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="partners.OrganisationDistrict",
                        to="orgs.orgunit",
                        verbose_name="districts where active",
                    ),
                ),
                migrations.AlterField(
                    model_name="mappinggroup",
                    name="organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="partners.MappingGroupOrganisation",
                        to="partners.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
        *_districts_add,
        *_groups_add,
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        *_districts_finish,
        *_groups_finish,
    ]
