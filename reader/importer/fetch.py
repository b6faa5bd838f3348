"""Fetching a page by its URL: http(s) only, timeouts, a redirect cap, a size cap, and a one-line
reason for every way it can fail (a DNS failure, a timeout, a 4xx/5xx, something not a page)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.errors import PageError
from reader.text import MAX_PAGE_BYTES, size_error

TIMEOUT_S = 15.0
MAX_REDIRECTS = 5
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
USER_AGENT = "reader/0.1 (a terminal news reader; +https://example.invalid/reader)"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float | None = None, max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
    """The page at `url`, or PageError with the reason in a few words."""
    import httpx  # here, not at the top: every import of files (and each of its workers) paid ~0.13 s for it

    timeout = TIMEOUT_S if timeout is None else timeout
    try:
        parts = urlsplit(url)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise PageError("not a valid address") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PageError("only http:// and https:// addresses can be fetched")
    try:
        with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout,
                          headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"}) as client, \
                client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise PageError(f"the server answered {resp.status_code} {resp.reason_phrase}".rstrip())
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype and not ctype.startswith(PAGE_TYPES):
                raise PageError(f"not a web page ({ctype})")
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise PageError(size_error(int(declared)))
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise PageError(size_error(size))
                chunks.append(chunk)
            return Fetched(str(resp.url), b"".join(chunks), ctype)
    except httpx.TooManyRedirects:
        raise PageError(f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.TimeoutException:
        raise PageError(f"timed out after {timeout:g} s") from None
    except httpx.ConnectError as exc:
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text \
                or "getaddrinfo" in text or "no address" in text:
            raise PageError(f"cannot find the host {parts.hostname!r} (DNS)") from None
        raise PageError(f"cannot connect to {parts.netloc} ({_short(exc)})") from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise PageError(f"fetching failed ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).split("\n")[0][:100]
