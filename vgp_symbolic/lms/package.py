"""Byte-exact, deterministic files: XML documents and zip packages (fixed timestamps, sorted).

>>> import io, zipfile
>>> data = zip_bytes({"b.txt": b"2", "a.txt": b"1"})
>>> zipfile.ZipFile(io.BytesIO(data)).namelist(), data == zip_bytes({"a.txt": b"1", "b.txt": b"2"})
(['a.txt', 'b.txt'], True)
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

__all__ = ["xml_bytes", "zip_bytes", "safe_ident"]

_EPOCH = (1980, 1, 1, 0, 0, 0)


def xml_bytes(root: ET.Element, doctype: str | None = None, default_ns: str | None = None
              ) -> bytes:
    """``<?xml …?>`` + the document, UTF-8, indented for people who open the file.

    ``default_ns``: the namespace written without a prefix (every element must be in one).
    """
    ET.indent(root, space="  ")
    # ElementTree's own default_namespace option refuses unprefixed attributes, so the
    # namespace is given the empty prefix for this one serialization
    saved = dict(ET._namespace_map)
    try:
        if default_ns:
            ET.register_namespace("", default_ns)
        body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    finally:
        ET._namespace_map.clear()
        ET._namespace_map.update(saved)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + (doctype + "\n" if doctype else "")
    return (head + body + "\n").encode("utf-8")


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``name → bytes``, in name order, every entry dated 1980-01-01 (reproducible)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def safe_ident(*parts: str) -> str:
    """An identifier that is an XML NCName (what QTI identifiers must be): ``hw1_q1a_v003``.

    >>> safe_ident("hw 1", "q1a", "v003"), safe_ident("1st", "x")
    ('hw_1_q1a_v003', 'I1st_x')
    """
    s = "_".join(re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in parts)
    return s if re.match(r"[A-Za-z_]", s) else "I" + s
