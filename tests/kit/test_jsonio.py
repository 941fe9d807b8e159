"""JSON columns are read by orjson, and what orjson refuses by the standard library."""

import math

from timeledger.kit.jsonio import load_json_column


def test_plain_json_is_read() -> None:
    assert load_json_column('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


def test_what_orjson_refuses_is_read_as_the_standard_library_wrote_it() -> None:
    big = 2**70
    assert load_json_column(f'{{"n": {big}}}') == {"n": big}
    assert math.isnan(load_json_column('{"x": NaN}')["x"])
