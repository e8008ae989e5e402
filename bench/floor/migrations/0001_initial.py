import django.db.models
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="FloorRow",
            fields=[
                ("id", django.db.models.BigAutoField(primary_key=True, serialize=False)),
                ("created_on", django.db.models.DateField()),
                ("label", django.db.models.CharField(max_length=32)),
            ],
        ),
    ]
