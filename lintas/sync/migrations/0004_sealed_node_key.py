"""The node's signing key is sealed with a secret derived from the data key."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models


def seal_clear_keys(apps: Any, schema_editor: Any) -> None:
    from lintas.sync.crypto import _CLEAR_KEY, seal_private_key

    HubLink = apps.get_model("sync", "HubLink")
    for link in HubLink.objects.all():
        if _CLEAR_KEY.match(link.private_key):
            try:
                link.private_key = seal_private_key(link.private_key)
            except ImproperlyConfigured:
                return  # no data key here: the key stays readable until the next rotation
            link.save(update_fields=["private_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0003_node_write_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="hublink",
            name="next_private_key",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="hublink",
            name="private_key",
            field=models.CharField(max_length=200),
        ),
        migrations.RunPython(seal_clear_keys, migrations.RunPython.noop),
    ]
