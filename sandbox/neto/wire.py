"""How answers are written: JSON when the client sends ``Accept: application/json``, XML otherwise.

The XML is a simple rendering of the same envelope (Neto's own XML follows
its XSDs; this emulator keeps to the shape): one element per field, a list
as the same element repeated, under ``<Response>``.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from starlette.responses import Response

__all__ = ["render"]


def _xml_into(parent: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _xml_into(parent, name, item)
        return
    node = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_into(node, key, inner)
    else:
        node.text = "" if value is None else str(value)


def _xml(envelope: dict[str, Any]) -> bytes:
    root = ET.Element("Response")
    for key, value in envelope.items():
        _xml_into(root, key, value)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def render(envelope: dict[str, Any], accept: str, status: int = 200) -> Response:
    """The envelope as JSON or XML, by the request's ``Accept`` header."""
    if "application/json" in accept.lower():
        return Response(json.dumps(envelope), status_code=status, media_type="application/json")
    return Response(_xml(envelope), status_code=status, media_type="application/xml")
