"""The one table the floor endpoint writes to."""

from django.db import models


class FloorRow(models.Model):
    """A fixed row: the cheapest write a request through the full middleware stack can do."""

    created_on = models.DateField()
    label = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.label
