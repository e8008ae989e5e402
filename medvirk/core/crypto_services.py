"""Key rotation: every stored encrypted value re-encrypted with the newest key (``manage.py rotate_keys``)."""

from __future__ import annotations

from django.db import models, transaction

from .actors import SystemActor, ensure_system
from .crypto import ROTATIONS, EncryptedTextField, encrypted_fields


def _rotate_field(model: type[models.Model], field: EncryptedTextField) -> int:
    # ``values_list`` decrypts through ``from_db_value`` and ``update`` encrypts through
    # ``get_prep_value``, which always uses the newest key.
    count = 0
    for pk, value in model._default_manager.values_list("pk", field.attname).iterator():
        if value:
            model._default_manager.filter(pk=pk).update(**{field.attname: value})
            count += 1
    return count


def keys_rotate(*, actor: SystemActor) -> dict[str, int]:
    """Re-encrypt every stored encrypted value with the newest key, in one transaction (Medvirk itself)."""
    ensure_system(actor, "Rotating the encryption keys")
    done: dict[str, int] = {}
    with transaction.atomic():
        for model, field in encrypted_fields():
            done[f"{model._meta.label_lower}.{field.name}"] = _rotate_field(model, field)
        for name, rotate_values in sorted(ROTATIONS.items()):
            done[name] = rotate_values(actor=actor)
    return done
