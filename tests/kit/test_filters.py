import pytest

from timeledger.kit.errors import Unprocessable
from timeledger.kit.filters import MAX_IDS_PER_FILTER, parse_id_list


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1"], [1]),
        (["1", "2", "3"], [1, 2, 3]),
        (["1,2", "3"], [1, 2, 3]),
        ([" 4 , 5 ,", "6"], [4, 5, 6]),
        (["3,1,3", "1"], [3, 1]),
        (["9223372036854775807"], [2**63 - 1]),
    ],
)
def test_ids_repeated_and_comma_separated(values: list[str], expected: list[int]) -> None:
    assert parse_id_list(values, parameter="employee_id") == expected


@pytest.mark.parametrize("values", [None, [], [""], [",", " , "]])
def test_no_ids_means_no_filter(values: list[str] | None) -> None:
    assert parse_id_list(values, parameter="employee_id") is None


@pytest.mark.parametrize(
    "junk",
    ["abc", "1.5", "-3", "1e3", "0x10", "²", "١٢", "9223372036854775808", "1" * 5000, "+7"],
)
def test_junk_is_unprocessable(junk: str) -> None:
    with pytest.raises(Unprocessable) as raised:
        parse_id_list(["1", f"2,{junk}"], parameter="project_id")
    assert raised.value.status == 422
    assert raised.value.errors == [{"location": "query.project_id", "message": "not an integer id"}]
    assert "project_id" in raised.value.detail
    assert len(raised.value.detail) < 200


def test_too_many_ids_are_unprocessable() -> None:
    just_enough = [",".join(str(n) for n in range(1, MAX_IDS_PER_FILTER + 1))]
    assert parse_id_list(just_enough, parameter="ids") == list(range(1, MAX_IDS_PER_FILTER + 1))
    with pytest.raises(Unprocessable) as raised:
        parse_id_list([*just_enough, str(MAX_IDS_PER_FILTER + 1)], parameter="ids")
    assert raised.value.errors[0]["message"] == "too many ids"
