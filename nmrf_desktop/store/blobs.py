"""Content-addressed evidence files: evidence/sha256/ab/cd/<hex>, written atomically, every
folder 0700 and every file 0600 on POSIX whatever the umask (evidence may be confidential)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop.faults import crashpoint
from nmrf_desktop.files import OWNER_ONLY, private_folder, publish
from nmrf_desktop.hashing import file_sha256

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path
    already_present: bool


class BlobStore:
    """Files named by their SHA-256: the same bytes are stored once, never half-written."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path, max_size: int | None = None) -> StoredBlob:
        """Copy `source` in while hashing: temp file in the target folder, fsync, rename."""
        with source.open("rb") as fh:
            return self.put_stream(fh, max_size)

    def put_stream(self, stream, max_size: int | None = None) -> StoredBlob:  # type: ignore[no-untyped-def]
        private_folder(self.root)
        incoming = private_folder(self.root / "incoming")
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix=".part-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while block := stream.read(CHUNK):
                    size += len(block)
                    if max_size is not None and size > max_size:
                        raise ValueError(f"larger than the {max_size:,} byte limit")
                    digest.update(block)
                    out.write(block)
                out.flush()
            crashpoint("blob:written")
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.is_file():
                tmp.unlink()
                return StoredBlob(sha, size, final, True)
            private_folder(final.parent)
            publish(tmp, final, OWNER_ONLY)
            return StoredBlob(sha, size, final, False)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.is_file() and file_sha256(path) == sha256
