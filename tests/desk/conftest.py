"""The real clamd of the documents tests (EICAR signature), for attachments on cases."""

from tests.core.conftest import EICAR, clamd, clamd_server, document_storage

__all__ = ["EICAR", "clamd", "clamd_server", "document_storage"]
