"""Stored documents (contracts, evidence, applications) attached to records by (entity, id).

Bytes live in a content-addressed store (`backends.py`: a local directory by default, S3-compatible as an
option); uploads are spooled with a size limit (`spool.py`) and recognised from their content
(`checks.py`); `service.py` holds the use cases; `docs/files.md` explains the whole.
"""
