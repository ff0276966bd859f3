from server.domain.login_backoff import lock_seconds


def test_four_mistakes_are_free_then_each_failure_locks_twice_as_long_up_to_an_hour():
    assert [lock_seconds(n) for n in range(1, 13)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600]
    assert lock_seconds(10_000) == 3600
