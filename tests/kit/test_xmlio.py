"""Rails-style XML rendering and the hardened body parser."""

import datetime as dt
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from timeledger.kit.xmlio import XmlBodyError, parse_xml_body, render_xml, xml_safe


def _tree(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def _child(element: etree._Element, name: str) -> etree._Element:
    found = element.find(name)
    assert found is not None, f"<{name}> missing under <{element.tag}>"
    return found


def test_a_mapping_renders_typed_children_with_dashed_names() -> None:
    document = render_xml(
        "time_entry",
        {
            "id": 7,
            "billable": False,
            "hours": 1.25,
            "date_at": dt.date(2024, 3, 1),
            "created_at": dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC),
            "note": "Standup",
            "revenue": None,
            "project_id": None,
        },
        nil_types={"revenue": "float"},
    )

    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = _tree(document)
    assert root.tag == "time-entry"
    assert len(root.attrib) == 0
    assert [child.tag for child in root] == [
        "id",
        "billable",
        "hours",
        "date-at",
        "created-at",
        "note",
        "revenue",
        "project-id",
    ]
    expected: dict[str, tuple[dict[str, str], str | None]] = {
        "id": ({"type": "integer"}, "7"),
        "billable": ({"type": "boolean"}, "false"),
        "hours": ({"type": "float"}, "1.25"),
        "date-at": ({"type": "date"}, "2024-03-01"),
        "created-at": ({"type": "datetime"}, "2024-03-01T09:30:00+00:00"),
        "note": ({}, "Standup"),
        "revenue": ({"type": "float", "nil": "true"}, None),
        "project-id": ({"nil": "true"}, None),
    }
    for name, (attributes, text) in expected.items():
        element = _child(root, name)
        assert dict(element.items()) == attributes, name
        assert element.text == text, name
    assert list(_child(root, "revenue").attrib) == ["type", "nil"]


def test_the_document_is_pretty_printed_utf8() -> None:
    document = render_xml("client", {"name": "Müller", "tracking": {"minutes": 5}})

    assert "Müller".encode() in document
    assert b"\n  <name>" in document
    assert b"\n    <minutes" in document


def test_a_top_level_list_is_an_array_of_item_elements() -> None:
    root = _tree(render_xml("time_entries", [{"id": 1}, {"id": 2}], item="time_entry"))

    assert root.tag == "time-entries"
    assert root.get("type") == "array"
    assert [child.tag for child in root] == ["time-entry", "time-entry"]
    assert [_child(child, "id").text for child in root] == ["1", "2"]


def test_a_top_level_list_without_item_uses_the_singular_of_the_root() -> None:
    root = _tree(render_xml("projects", [{"id": 1}]))
    assert [child.tag for child in root] == ["project"]

    empty = _tree(render_xml("time_entries", []))
    assert empty.get("type") == "array"
    assert len(empty) == 0


def test_nested_mappings_and_lists() -> None:
    root = _tree(
        render_xml(
            "time_entry",
            {
                "tracking": {"since": dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC), "minutes": 3},
                "entries": [{"id": 1}, {"id": 2}],
                "tags": ["a", "b"],
                "services": [],
                "extra": {},
            },
        )
    )

    tracking = _child(root, "tracking")
    assert len(tracking.attrib) == 0
    assert [child.tag for child in tracking] == ["since", "minutes"]
    assert _child(tracking, "minutes").text == "3"

    entries = _child(root, "entries")
    assert entries.get("type") == "array"
    assert [child.tag for child in entries] == ["entry", "entry"]
    assert [_child(entry, "id").text for entry in entries] == ["1", "2"]

    tags = _child(root, "tags")
    assert tags.get("type") == "array"
    assert [(child.tag, child.text) for child in tags] == [("tag", "a"), ("tag", "b")]

    services = _child(root, "services")
    assert services.get("type") == "array"
    assert len(services) == 0

    extra = _child(root, "extra")
    assert len(extra) == 0
    assert len(extra.attrib) == 0
    assert not extra.text


def test_control_characters_are_replaced_not_fatal() -> None:
    root = _tree(render_xml("note", {"text": "a\x00b\x07c\td\ne\ud800f\ufffeg"}))

    assert _child(root, "text").text == "a\ufffdb\ufffdc\td\ne\ufffdf\ufffdg"
    assert xml_safe("tab\tok\x1b") == "tab\tok\ufffd"


@pytest.mark.parametrize("key", ["", "1st", "has space", "a:b", "a<b"])
def test_an_invalid_element_name_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="not a valid XML element name"):
        render_xml("root", {key: 1})


def test_an_invalid_root_or_item_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid XML element name"):
        render_xml("bad root", {"a": 1})
    with pytest.raises(ValueError, match="not a valid XML element name"):
        render_xml("roots", [{"a": 1}], item="9")


def test_an_unsupported_value_type_is_refused() -> None:
    with pytest.raises(TypeError, match="'when'"):
        render_xml("root", {"when": dt.time(9, 0)})


def test_every_scalar_type_round_trips() -> None:
    value: dict[str, Any] = {
        "id": 42,
        "negative": -3,
        "billable": True,
        "locked": False,
        "hours": 0.1,
        "note": "  padded  ",
        "empty": "",
        "revenue": None,
        "service_id": None,
        "date_at": dt.date(2024, 2, 29),
        "created_at": dt.datetime(2024, 2, 29, 23, 59, 1, tzinfo=dt.UTC),
    }
    document = render_xml("time_entry", value, nil_types={"revenue": "float"})

    name, parsed = parse_xml_body(document)

    assert name == "time_entry"
    assert parsed == {
        "id": 42,
        "negative": -3,
        "billable": True,
        "locked": False,
        "hours": 0.1,
        "note": "padded",
        "empty": "",
        "revenue": None,
        "service_id": None,
        "date_at": "2024-02-29",
        "created_at": "2024-02-29T23:59:01+00:00",
    }
    assert type(parsed["hours"]) is float
    assert type(parsed["billable"]) is bool


def test_nested_structures_round_trip() -> None:
    value: dict[str, Any] = {
        "tracking": {"minutes": 12, "since": "now"},
        "entries": [{"id": 1, "note": "x"}, {"id": 2, "note": None}],
        "tags": ["a", "b"],
        "counts": [1, 2],
        "none_yet": [],
    }

    name, parsed = parse_xml_body(render_xml("report", value))

    assert name == "report"
    assert parsed == value


def test_parsing_converts_types_and_dashes() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
    <time-entry>
      <!-- ignored -->
      <?ignored pi?>
      <minutes type="integer"> 90 </minutes>
      <billable type="boolean">1</billable>
      <locked type="boolean">FALSE</locked>
      <rate type="float">-1.5e2</rate>
      <note>
        Design review
      </note>
      <service-id type="integer" nil="true"></service-id>
      <date-at type="date">2024-05-06</date-at>
      <project-ids type="array"><project-id type="integer">3</project-id></project-ids>
      <dup>first</dup>
      <dup>last</dup>
    </time-entry>"""

    assert parse_xml_body(body) == (
        "time_entry",
        {
            "minutes": 90,
            "billable": True,
            "locked": False,
            "rate": -150.0,
            "note": "Design review",
            "service_id": None,
            "date_at": "2024-05-06",
            "project_ids": [3],
            "dup": "last",
        },
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<a><b type='integer'>abc</b></a>", "<b> must hold an integer"),
        (b"<a><b type='integer'>1_000</b></a>", "<b> must hold an integer"),
        (b"<a><b type='integer'></b></a>", "<b> must hold an integer"),
        (b"<a><b type='integer'>" + b"9" * 5000 + b"</b></a>", "<b> must hold an integer"),
        (b"<a><b type='float'>1.2.3</b></a>", "<b> must hold a number"),
        (b"<a><list type='array'><c type='boolean'>yes</c></list></a>", "<c> must hold true"),
    ],
)
def test_a_failed_conversion_names_the_element(body: bytes, message: str) -> None:
    with pytest.raises(XmlBodyError, match=re.escape(message)):
        parse_xml_body(body)


@pytest.mark.parametrize("body", [b"", b"   \n\t "])
def test_an_empty_body_is_refused(body: bytes) -> None:
    with pytest.raises(XmlBodyError, match=r"^empty body$"):
        parse_xml_body(body)


@pytest.mark.parametrize(
    "body", [b"<a><b></a>", b"not xml at all", b"<a>&undefined;</a>", b"<a/><b/>"]
)
def test_malformed_xml_is_refused_with_one_line(body: bytes) -> None:
    with pytest.raises(XmlBodyError) as raised:
        parse_xml_body(body)
    assert str(raised.value)
    assert "\n" not in str(raised.value)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz><note>&lol4;</note></lolz>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a><b>&x;</b></a>',
        b'<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>',
        b"<!DOCTYPE a><a/>",
    ],
)
def test_a_doctype_is_refused(body: bytes) -> None:
    with pytest.raises(XmlBodyError, match=r"^DOCTYPE is not allowed$"):
        parse_xml_body(body)


def _nested(levels: int) -> bytes:
    return b"<n>" * levels + b"x" + b"</n>" * levels


def test_nesting_is_limited_to_eight_levels() -> None:
    name, parsed = parse_xml_body(_nested(8))
    assert name == "n"
    assert parsed == {"n": {"n": {"n": {"n": {"n": {"n": {"n": "x"}}}}}}}

    with pytest.raises(XmlBodyError, match="deeper than 8 levels"):
        parse_xml_body(_nested(9))
    with pytest.raises(XmlBodyError, match="deeper than 8 levels"):
        parse_xml_body(b"<a nil='true'>" + _nested(8) + b"</a>")


def test_an_array_root_is_refused() -> None:
    with pytest.raises(XmlBodyError, match="must not be an array"):
        parse_xml_body(render_xml("time_entries", [{"id": 1}]))


_KEYS = st.from_regex(r"[a-z]([a-z_]{0,8}[a-z])?", fullmatch=True)
_SCALARS = st.one_of(
    st.integers(),
    st.booleans(),
    st.none(),
    st.text(st.characters(exclude_categories=["Cs"])),
)


def _expected(value: object) -> object:
    return xml_safe(value).strip() if isinstance(value, str) else value


@given(st.dictionaries(_KEYS, _SCALARS, max_size=8))
def test_simple_dicts_round_trip(value: dict[str, Any]) -> None:
    name, parsed = parse_xml_body(render_xml("record", value))

    assert name == "record"
    assert parsed == {key: _expected(item) for key, item in value.items()}
