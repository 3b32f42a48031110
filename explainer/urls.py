"""URL policy: only http, https, mailto and relative URLs ever reach a page."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_safe_url(url: str, allow_relative: bool = True) -> bool:
    """True for http(s)/mailto URLs (and relative ones if allowed); false for javascript:, data: and the like."""
    if not isinstance(url, str) or not url or _CONTROL.search(url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme:
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return False
        return parts.scheme.lower() == "mailto" or bool(parts.netloc)
    if url.strip().startswith("//"):
        return False  # protocol-relative: leaves the site without saying how
    return allow_relative
