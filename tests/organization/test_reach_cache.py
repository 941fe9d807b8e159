"""The reach cache alone: an answer is kept for its time, an answer read while the org
chart changed is not kept, and a change empties it."""

from timeledger.organization.reach_cache import ReachCache

KEY = (1, 7, "team", "2026-03-02")


def test_an_answer_is_kept_until_it_expires() -> None:
    kept, expired = ReachCache(), ReachCache(ttl_seconds=0)
    for cache in (kept, expired):
        cache.put(KEY, frozenset({3, 4}), cache.generation)

    assert kept.get(KEY) == (True, frozenset({3, 4}))
    assert expired.get(KEY) == (False, None)


def test_everyone_is_an_answer_too() -> None:
    cache = ReachCache()
    cache.put(KEY, None, cache.generation)

    assert cache.get(KEY) == (True, None)


def test_an_answer_read_while_the_chart_changed_is_not_kept() -> None:
    cache = ReachCache()
    read_at = cache.generation
    cache.clear()
    cache.put(KEY, frozenset({3}), read_at)

    assert cache.get(KEY) == (False, None)


def test_a_change_forgets_every_answer() -> None:
    cache = ReachCache()
    cache.put(KEY, frozenset({3}), cache.generation)
    cache.clear()

    assert cache.get(KEY) == (False, None)
