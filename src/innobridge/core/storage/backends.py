"""Where the bytes live: a local directory (default) or an S3-compatible bucket, named by content hash.

Keys are `ab/cd/<sha256>`: identical content is stored once, whatever its name or record. Files first go
to a staging directory (core/storage/spool.py) and are moved in whole: a reader never sees half a file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from innobridge.core.storage.spool import Spooled

if TYPE_CHECKING:
    from obstore.store import ClientConfig, S3Config

CHUNK = 256 * 1024
# An S3 object reused after this long is written again, renewing its time (see S3Store.put).
REFRESH_AFTER = timedelta(hours=1)
_HASH = re.compile(r"[0-9a-f]{64}")


def key_for(sha256: str) -> str:
    if not _HASH.fullmatch(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class FileStore(Protocol):
    """A content-addressed store of immutable blobs."""

    @property
    def staging_dir(self) -> Path: ...

    def put(self, spooled: Spooled) -> bool:
        """Store the staged file under its hash (consuming it); False when that content was there."""
        ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks; FileNotFoundError (raised here, not mid-stream) if it is absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def modified(self, sha256: str) -> datetime | None:
        """When the blob was last written or reused (None if absent): pruning spares recent ones."""
        ...

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        """Every blob's hash and `modified` time."""
        ...

    def delete(self, sha256: str) -> None: ...

    def describe(self) -> str: ...


class LocalStore:
    """Blobs under `root`; staging in `root/.staging`, on the same file system so a rename is atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging"

    def _path(self, sha256: str) -> Path:
        return self.root / key_for(sha256)

    def put(self, spooled: Spooled) -> bool:
        target = self._path(spooled.sha256)
        if target.exists():
            os.utime(target)  # reused now: a prune running meanwhile must spare it (service.prune_blobs)
            spooled.discard()
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(spooled.path, 0o440)  # stored content never changes
        os.replace(spooled.path, target)  # atomic: whole file or none
        return True

    def open(self, sha256: str) -> Iterator[bytes]:
        f = self._path(sha256).open("rb")  # FileNotFoundError now, before a response starts

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(CHUNK):
                    yield chunk

        return chunks()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def modified(self, sha256: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(self._path(sha256).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        for path in self.root.glob("??/??/*"):
            if _HASH.fullmatch(path.name):
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def describe(self) -> str:
        return f"local directory {self.root}"


class S3Store:
    """Blobs in an S3-compatible bucket through obstore; credentials from the usual AWS_* variables."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint: str | None = None,
        region: str | None = None,
        staging_dir: Path,
    ) -> None:
        try:
            from obstore.store import S3Store as ObS3Store  # the `s3` extra, needed only when configured
        except ImportError as exc:
            raise RuntimeError(
                "INNOBRIDGE_STORAGE_URL names an S3 bucket, but obstore is not installed: "
                "pip install 'innobridge[s3]'"
            ) from exc

        config: S3Config = {}
        if endpoint:
            config["endpoint"] = endpoint
            config["virtual_hosted_style_request"] = False  # MinIO, Ceph, moto: path-style
        if region:
            config["region"] = region
        client: ClientConfig | None = (
            {"allow_http": True} if endpoint and endpoint.startswith("http://") else None
        )
        self._store = ObS3Store(bucket, prefix=prefix or None, config=config, client_options=client)
        self.bucket, self.prefix, self.endpoint = bucket, prefix, endpoint
        self._staging = staging_dir

    @property
    def staging_dir(self) -> Path:
        return self._staging

    def put(self, spooled: Spooled) -> bool:
        import obstore

        try:
            modified = self.modified(spooled.sha256)
            if modified is not None and modified > datetime.now(UTC) - REFRESH_AFTER:
                return False
            # Multipart above 5 MB; an object appears only when complete, so readers never see half.
            # An old object is written again when reused (S3 cannot touch one): pruning spares it.
            obstore.put(self._store, key_for(spooled.sha256), spooled.path)
            return modified is None
        finally:
            spooled.discard()

    def open(self, sha256: str) -> Iterator[bytes]:
        import obstore

        result = obstore.get(self._store, key_for(sha256))  # FileNotFoundError when absent

        def chunks() -> Iterator[bytes]:
            for chunk in result.stream(min_chunk_size=CHUNK):
                yield bytes(chunk)

        return chunks()

    def exists(self, sha256: str) -> bool:
        return self.modified(sha256) is not None

    def modified(self, sha256: str) -> datetime | None:
        import obstore

        try:
            return obstore.head(self._store, key_for(sha256))["last_modified"]
        except FileNotFoundError:
            return None

    def blobs(self) -> Iterator[tuple[str, datetime]]:
        import obstore

        for batch in obstore.list(self._store, chunk_size=1000):
            for meta in batch:
                name = meta["path"].rsplit("/", 1)[-1]
                if _HASH.fullmatch(name) and meta["path"].endswith(key_for(name)):
                    yield name, meta["last_modified"]

    def delete(self, sha256: str) -> None:
        import obstore

        obstore.delete(self._store, key_for(sha256))

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"S3 bucket {self.bucket}/{self.prefix}{where}"


def store_from_url(url: str, *, data_dir: Path) -> FileStore:
    """ "" → files/ in the data directory; a path or file:// URL → that directory;
    s3://bucket/prefix?endpoint=http://host:9000&region=us-east-1 → an S3-compatible bucket."""
    if not url:
        return LocalStore(data_dir / "files")
    parts = urlsplit(url)
    if parts.scheme in ("", "file"):
        return LocalStore(Path(unquote(parts.path) if parts.scheme else url))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"storage URL {url!r} names no bucket")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint", "region"}
        if unknown:
            raise ValueError(f"storage URL {url!r}: unknown options {sorted(unknown)}")
        return S3Store(
            parts.netloc,
            prefix=parts.path.strip("/"),
            endpoint=query.get("endpoint"),
            region=query.get("region"),
            staging_dir=data_dir / "files-staging",
        )
    raise ValueError(f"storage URL {url!r}: use a directory, file:// or s3://")
