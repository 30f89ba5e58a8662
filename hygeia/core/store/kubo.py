"""A content store on an IPFS node, over the Kubo RPC API (plain HTTP POST with httpx).

The same API is served by Kubo and by js-ipfs (the node ``hygeia.dev.nodes.ipfs`` starts when Kubo
is not installed), so requests stay within what both accept: every multipart part has a
Content-Type, CIDv1 are asked for in base32, and every command that may look for content on the
network carries a ``timeout`` (js-ipfs waits forever for a missing CID otherwise). The node is
not trusted: ``add`` must return the CID computed here and ``cat`` output is checked against its
CID.
"""

# Not ipfshttpclient: it refuses daemons newer than 0.8; its httpx backend breaks on httpx 0.28.

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

import httpx

from hygeia.core.errors import (
    ContentNotFoundError,
    IntegrityError,
    InvalidCIDError,
    StoreError,
    StoreTimeoutError,
    StoreUnavailableError,
)
from hygeia.core.store.cid import CID, BytesLike, byte_view
from hygeia.core.store.unixfs import CHUNK_SIZE, Content, file_cid, read_file, verify, whole

# The HTTP client waits this much longer than the node-side timeout, so that the node's own
# "not found in time" answer arrives before the client gives up on the connection.
_GRACE_SECONDS = 2.0
# A block the node holds is found in milliseconds; js-ipfs ignores ``offline=true`` and would
# otherwise search the network for the whole timeout before ``has`` can answer False.
_LOCAL_LOOKUP_SECONDS = 2.0
#: The largest block asked for: Kubo and js-ipfs exchange blocks of at most 2 MiB (bitswap).
MAX_BLOCK_SIZE = 2 * 1024 * 1024
# Node error messages that mean "this content could not be found" (Kubo and js-ipfs wordings).
_NOT_FOUND_MARKERS = ("timed out", "deadline exceeded", "not found", "could not find")


class KuboStore:
    """A :class:`~hygeia.core.store.base.ContentStore` on the node whose RPC API is at ``api_url``.

    ``timeout`` (seconds) bounds how long the node may look for content before a CID counts as
    not found; the HTTP client allows a little more.
    """

    def __init__(self, api_url: str, *, timeout: float = 30.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._client = httpx.Client(
            base_url=f"{self.api_url}/api/v0", timeout=timeout + _GRACE_SECONDS
        )

    def __repr__(self) -> str:
        return f"KuboStore({self.api_url!r})"

    # --- ContentStore ------------------------------------------------------------------------

    def add(self, data: BytesLike, *, pin: bool = True) -> str:
        return self.add_all([data], pin=pin)[0]

    def add_all(self, contents: Sequence[Content], *, pin: bool = True) -> list[str]:
        """One request for every content: the node answers one line per file, by name. A stream
        is joined into one buffer first: the node is sent, and checked against, whole files."""
        blobs = [whole(content) for content in contents]
        expected = [file_cid(data) for data in blobs]
        if not blobs:
            return []
        params = {
            "cid-version": "1",
            "raw-leaves": "true",
            "chunker": f"size-{CHUNK_SIZE}",
            "pin": "true" if pin else "false",
            "cid-base": "base32",
        }
        files = [
            ("file", (f"record-{n}", _upload(data), "application/octet-stream"))
            for n, data in enumerate(blobs)
        ]
        answer = self._post("add", params, files=files)
        try:
            lines = [json.loads(line) for line in answer.text.strip().splitlines()]
            by_name = {line["Name"]: CID.parse(line["Hash"]) for line in lines}
            names = [f"record-{n}" for n in range(len(contents))]
            if all(name in by_name for name in names):
                cids = [by_name[name] for name in names]
            elif len(lines) == len(contents):  # one line per file, in order, whatever its name
                cids = [CID.parse(line["Hash"]) for line in lines]
            else:
                raise ValueError(f"{len(lines)} files added, {len(contents)} sent")
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(
                f"unexpected answer to add from {self.api_url}: {answer.text!r}"
            ) from exc
        for cid, wanted in zip(cids, expected, strict=True):
            if cid != wanted:
                raise StoreError(
                    f"the IPFS node at {self.api_url} stored the content as {cid}, not {wanted}: "
                    "its import settings (e.g. Import.UnixFSFileMaxLinks) differ from Kubo's "
                    "defaults"
                )
        return [str(cid) for cid in cids]

    def cat(self, cid: str) -> bytes:
        parsed = CID.parse(cid)
        data = self._post("cat", {"arg": str(parsed), "timeout": _duration(self.timeout)}).content
        verify(parsed, data)
        return data

    def head(self, cid: str, size: int) -> bytes:
        # Block by block: the node's answer to ``cat`` with a length could not be checked
        # against the CID without the rest of the content.
        return read_file(CID.parse(cid), self._block, size)

    def pin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        self._post("pin/add", {"arg": str(parsed), "timeout": _duration(self.timeout)})

    def unpin(self, cid: str) -> None:
        parsed = CID.parse(cid)
        try:
            self._post("pin/rm", {"arg": str(parsed)})
        except StoreError as exc:
            if "not pinned" not in str(exc):
                raise

    def has(self, cid: str) -> bool:
        parsed = CID.parse(cid)
        lookup = min(self.timeout, _LOCAL_LOOKUP_SECONDS)
        params = {"arg": str(parsed), "offline": "true", "timeout": _duration(lookup)}
        try:
            self._post("block/stat", params)
        except ContentNotFoundError:
            return False
        return True

    def pins(self) -> list[str]:
        # No cid-base here: js-ipfs fails the whole listing when a CIDv0 pin cannot be base32.
        keys = self._json(self._post("pin/ls", {"type": "recursive"})).get("Keys") or {}
        return sorted(_as_v1(key) for key in keys)

    def close(self) -> None:
        self._client.close()

    # --- node -----------------------------------------------------------------------------------

    def version(self) -> str:
        """The node's version string (also a cheap check that the node answers)."""
        return str(self._json(self._post("version", {})).get("Version", ""))

    # --- internals ------------------------------------------------------------------------------

    def _block(self, cid: CID) -> bytes:
        """The block under `cid` from the node, checked against it."""
        params = {"arg": str(cid), "timeout": _duration(self.timeout)}
        data = self._post("block/get", params, limit=MAX_BLOCK_SIZE).content
        if CID.for_block(data, version=cid.version, codec=cid.codec) != cid:
            raise IntegrityError(f"the IPFS node at {self.api_url} sent another block for {cid}")
        return data

    def _post(
        self, command: str, params: dict[str, str], *, files: Any = None, limit: int | None = None
    ) -> httpx.Response:
        """POST one RPC command (the API answers 405 to GET) and map failures to store errors;
        with `limit`, an answer of more bytes is refused as it arrives, not held."""
        request = self._client.build_request("POST", f"/{command}", params=params, files=files)
        try:
            streamed = self._client.send(request, stream=True)
            try:
                if limit is None:
                    streamed.read()
                    response = streamed
                else:
                    what = f"{command} {params.get('arg', '')}"
                    response = _read_at_most(streamed, limit, what)
            finally:
                streamed.close()
        except httpx.ConnectError as exc:
            raise StoreUnavailableError(
                f"cannot connect to the IPFS node at {self.api_url}: {exc}"
            ) from exc
        except httpx.TimeoutException as exc:
            raise StoreTimeoutError(
                f"the IPFS node at {self.api_url} did not answer {command} within "
                f"{self.timeout + _GRACE_SECONDS:g} s"
            ) from exc
        except httpx.TransportError as exc:
            raise StoreUnavailableError(
                f"the connection to the IPFS node at {self.api_url} failed during {command}: {exc}"
            ) from exc
        except httpx.DecodingError as exc:
            raise StoreError(
                f"the IPFS node at {self.api_url} sent an answer to {command} that cannot be "
                f"decoded: {exc}"
            ) from exc
        if response.is_success:
            return response
        if response.status_code in (404, 405):
            raise StoreError(
                f"{self.api_url} does not serve the IPFS RPC API "
                f"(HTTP {response.status_code} for {command})"
            )
        message = _error_message(response)
        if "arg" in params and any(marker in message.lower() for marker in _NOT_FOUND_MARKERS):
            raise ContentNotFoundError(
                f"{params['arg']} was not found by the IPFS node at {self.api_url}: {message}"
            )
        raise StoreError(f"the IPFS node at {self.api_url} failed {command}: {message}")

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError as exc:
            raise StoreError(f"unexpected answer from {self.api_url}: {response.text!r}") from exc
        if not isinstance(answer, dict):
            raise StoreError(f"unexpected answer from {self.api_url}: {response.text!r}")
        return answer


class _BufferReader:
    """A seekable read-only file over a buffer, which httpx streams in chunks as it does a file."""

    def __init__(self, data: BytesLike) -> None:
        self._view = byte_view(data)
        self._position = 0

    def read(self, size: int) -> bytes:
        chunk = self._view[self._position : self._position + size].tobytes()
        self._position += len(chunk)
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._position = offset + {os.SEEK_SET: 0, os.SEEK_END: len(self._view)}[whence]
        return self._position

    def tell(self) -> int:
        return self._position


def _upload(data: BytesLike) -> bytes | _BufferReader:
    """What httpx sends for ``data``: bytes as they are; a bytearray or memoryview through a reader
    over it, since httpx reads anything but bytes as a file and ``bytes(data)`` would copy it."""
    return data if isinstance(data, bytes) else _BufferReader(data)


def _duration(seconds: float) -> str:
    """A duration both Go's ``time.ParseDuration`` and js-ipfs's ``parse-duration`` read."""
    return f"{max(1, round(seconds * 1000))}ms"


def _read_at_most(response: httpx.Response, limit: int, what: str) -> httpx.Response:
    """The streamed `response` read whole into a new response, or StoreError past `limit`."""
    body = bytearray()
    for piece in response.iter_bytes():
        body += piece
        if len(body) > limit:
            raise StoreError(f"the IPFS node answered {what} with more than {limit} bytes")
    # The headers stay behind: they describe the encoded stream, the body here is decoded.
    return httpx.Response(response.status_code, content=bytes(body), request=response.request)


def _error_message(response: httpx.Response) -> str:
    """The ``Message`` of an RPC error answer, or its raw text."""
    try:
        answer = response.json()
    except ValueError:
        return response.text.strip() or f"HTTP {response.status_code}"
    if isinstance(answer, dict) and isinstance(answer.get("Message"), str):
        return str(answer["Message"])
    return response.text.strip()


def _as_v1(key: str) -> str:
    """A pinned CID as CIDv1 base32; a CID of a codec this SDK does not read is kept as given."""
    try:
        return str(CID.parse(key).to_v1())
    except InvalidCIDError:
        return key
