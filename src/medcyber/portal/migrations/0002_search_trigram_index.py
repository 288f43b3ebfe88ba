"""A GIN trigram index on the portal's search text (PostgreSQL only; see core.fulltext)."""

from django.db import migrations

from medcyber.core.fulltext import trigram_index


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        trigram_index("portal_contentitem", "search_text", "portal_item_search_trgm_idx"),
    ]
