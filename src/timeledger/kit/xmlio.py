"""Rails-`to_xml`-style XML: plain Python values rendered to bytes, request bodies parsed."""

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
MAX_DEPTH = 8

# XML 1.0 Name without ":" (namespaces are never produced here).
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_REST = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_XML_NAME = re.compile(f"[{_NAME_START}][{_NAME_REST}]*")
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class XmlBodyError(ValueError):
    """A request body that is not acceptable XML; the message is meant for the client."""


def render_xml(
    root: str,
    value: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    item: str | None = None,
    nil_types: Mapping[str, str] | None = None,
) -> bytes:
    """`value` as a UTF-8 document under `root`; a list becomes `type="array"` of `item`
    elements (by default the singular of `root`). `nil_types` gives the `type` of keys whose
    value is None."""
    types = nil_types or {}
    if isinstance(value, Mapping):
        element = etree.Element(_xml_name(root))
        _fill_mapping(element, value, types)
    elif _is_list(value):
        element = etree.Element(_xml_name(root), type="array")
        _fill_list(element, value, item or _singular(root), types)
    else:
        raise TypeError(f"cannot render {type(value).__name__} as an XML document")
    return XML_DECLARATION + etree.tostring(
        element, encoding="UTF-8", xml_declaration=False, pretty_print=True
    )


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML_CHAR.sub("\ufffd", text)


def _xml_name(key: str) -> str:
    name = key.replace("_", "-") if isinstance(key, str) else ""
    if not _XML_NAME.fullmatch(name):
        raise ValueError(f"{key!r} is not a valid XML element name")
    return name


def _singular(key: str) -> str:
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith("s") and len(key) > 1:
        return key[:-1]
    return key


def _is_list(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _fill_mapping(
    element: etree._Element, value: Mapping[str, Any], nil_types: Mapping[str, str]
) -> None:
    for key, child in value.items():
        _append(element, key, child, nil_types, nil_types.get(key))


def _fill_list(
    element: etree._Element, values: Sequence[Any], item: str, nil_types: Mapping[str, str]
) -> None:
    for child in values:
        _append(element, item, child, nil_types, None)


def _append(
    parent: etree._Element,
    key: str,
    value: Any,
    nil_types: Mapping[str, str],
    nil_type: str | None,
) -> None:
    element = etree.SubElement(parent, _xml_name(key))
    if value is None:
        if nil_type is not None:
            element.set("type", nil_type)
        element.set("nil", "true")
    elif isinstance(value, bool):
        element.set("type", "boolean")
        element.text = "true" if value else "false"
    elif isinstance(value, int):
        element.set("type", "integer")
        element.text = str(int(value))
    elif isinstance(value, float):
        element.set("type", "float")
        element.text = repr(float(value))
    elif isinstance(value, dt.datetime):
        element.set("type", "datetime")
        element.text = value.isoformat()
    elif isinstance(value, dt.date):
        element.set("type", "date")
        element.text = value.isoformat()
    elif isinstance(value, str):
        element.text = xml_safe(str.__str__(value))
    elif isinstance(value, Mapping):
        _fill_mapping(element, value, nil_types)
    elif _is_list(value):
        element.set("type", "array")
        _fill_list(element, value, _singular(key), nil_types)
    else:
        raise TypeError(f"cannot render {type(value).__name__} at {key!r} as XML")


def parse_xml_body(body: bytes) -> tuple[str, dict[str, Any]]:
    """The root element's name and its children as a dict, dashes turned into underscores.

    Typed elements (integer, boolean, float, array) are converted, `nil="true"` is None, any
    other leaf is its stripped text; a repeated child name outside an array keeps the last."""
    if not body.strip():
        raise XmlBodyError("empty body")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc).splitlines()[0] if str(exc).strip() else "malformed XML"
        raise XmlBodyError(message) from None
    docinfo = root.getroottree().docinfo
    # lxml keeps a DTD object for every DOCTYPE, even with load_dtd=False.
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlBodyError("DOCTYPE is not allowed")
    _check_depth(root)
    if root.get("type") == "array":
        raise XmlBodyError(f"root element <{_local_name(root)}> must not be an array")
    return _key(root), _children_dict(root)


def _check_depth(root: etree._Element) -> None:
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise XmlBodyError(f"elements are nested deeper than {MAX_DEPTH} levels")
        pending.extend((child, depth + 1) for child in _child_elements(element))


def _child_elements(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def _key(element: etree._Element) -> str:
    return _local_name(element).replace("-", "_")


def _children_dict(element: etree._Element) -> dict[str, Any]:
    return {_key(child): _value(child) for child in _child_elements(element)}


def _value(element: etree._Element) -> Any:
    if element.get("nil") == "true":
        return None
    kind = element.get("type")
    if kind == "array":
        return [_value(child) for child in _child_elements(element)]
    text = (element.text or "").strip()
    if kind == "integer":
        try:
            if _INTEGER.fullmatch(text):
                return int(text)
        except ValueError:  # more digits than int() converts
            pass
        raise _conversion_error(element, "an integer", text)
    if kind == "float":
        if not _FLOAT.fullmatch(text):
            raise _conversion_error(element, "a number", text)
        return float(text)
    if kind == "boolean":
        if text.lower() not in _BOOLEANS:
            raise _conversion_error(element, "true or false", text)
        return _BOOLEANS[text.lower()]
    if _child_elements(element):
        return _children_dict(element)
    return text


def _conversion_error(element: etree._Element, expected: str, text: str) -> XmlBodyError:
    shown = text if len(text) <= 40 else text[:40] + "…"
    return XmlBodyError(f"<{_local_name(element)}> must hold {expected}, not {shown!r}")
