"""The per-person sliding window behind the flood limit."""

from handlers.flood import FloodGate, Verdict

PASS, WARN, DROP = Verdict.PASS, Verdict.WARN, Verdict.DROP


def test_limit_per_sliding_minute_with_one_warning() -> None:
    gate = FloodGate(period=60)
    assert [gate.check(1, 3, t) for t in (0, 10, 20)] == [PASS, PASS, PASS]
    assert [gate.check(1, 3, t) for t in (21, 22, 59)] == [WARN, DROP, DROP]
    assert gate.check(1, 3, 60) == PASS  # the update at 0 left the window
    assert gate.check(1, 3, 61) == DROP  # full again; warned less than a minute ago
    assert gate.check(1, 3, 70) == PASS  # the one at 10 left
    assert [gate.check(1, 3, t) for t in (80, 82)] == [PASS, WARN]  # a minute after the warning


def test_others_are_unaffected() -> None:
    gate = FloodGate(period=60)
    for t in range(5):
        gate.check(1, 2, t)
    assert gate.check(2, 2, 5) == PASS
    assert gate.check(1, 2, 5) == DROP


def test_idle_people_are_forgotten_and_memory_is_bounded() -> None:
    gate = FloodGate(period=60, max_tracked=100)
    for user in range(50):
        gate.check(user, 5, 0)
    gate.check(999, 5, 61)
    assert len(gate) == 1  # everyone else was idle for a minute
    for user in range(1000):
        gate.check(user, 5, 100 + user / 1000)
    assert len(gate) == 100
    assert gate.check(999, 5, 101) == PASS  # the most recent are kept


def test_an_album_counts_once_and_shares_its_first_verdict() -> None:
    gate = FloodGate(period=60)
    for t in range(10):  # ten photos of one album, then two more albums
        assert gate.check(1, 2, t, album="a") == PASS
    assert [gate.check(1, 2, 20, album=a) for a in ("b", "b", "c", "c")] == [PASS, PASS, WARN, DROP]
    assert gate.check(1, 2, 30) == DROP
