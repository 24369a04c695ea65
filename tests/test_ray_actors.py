"""The Ray dispatcher's trainer actors, as slots (no cluster needed: the actors here are plain objects): an actor is
reused run after run, one that failed is ended and replaced, idle ones are retired, and no more than fit are in use."""

from __future__ import annotations

from anomaly_core.runs.ray_actors import TrainerActors


def slots(fits: int = 2, idle_seconds: float = 60.0) -> tuple[list[object], list[object], TrainerActors]:
    """(actors made, actors ended, the slots that made and ended them)."""
    made: list[object] = []
    ended: list[object] = []

    def make() -> object:
        made.append(object())
        return made[-1]

    return made, ended, TrainerActors(make, ended.append, fits, idle_seconds)


def test_an_actor_trains_run_after_run_and_a_failed_one_is_replaced() -> None:
    made, ended, actors = slots()
    assert actors.reserve(timeout=0)
    first = actors.take()
    actors.give_back(first, healthy=True)
    assert actors.reserve(timeout=0) and actors.take() is first and len(made) == 1  # torch and the data stay loaded
    actors.give_back(first, healthy=False)  # it died, or cannot be reached: ended, never handed out again
    assert ended == [first]
    assert actors.reserve(timeout=0) and actors.take() is not first and len(made) == 2


def test_no_more_runs_than_fit_and_a_slot_without_a_run_is_freed() -> None:
    made, ended, actors = slots()
    assert actors.reserve(timeout=0) and actors.reserve(timeout=0)
    assert not actors.reserve(timeout=0)  # both slots taken
    actors.unreserve()
    assert actors.reserve(timeout=0)
    assert actors.take() is not actors.take() and len(made) == 2
    actors.give_back(None, healthy=False)  # no actor could be started for a run: its slot is free all the same
    assert actors.reserve(timeout=0) and ended == []


def test_idle_actors_are_retired_and_made_again_when_needed() -> None:
    made, ended, actors = slots()
    assert actors.reserve(timeout=0)
    actors.give_back(actors.take(), healthy=True)
    actors.retire_idle()
    assert ended == [] and actors.reserve(timeout=0) and actors.take() is made[0]  # not idle for long yet
    made, ended, actors = slots(idle_seconds=-1.0)  # every idle actor is past its time
    assert actors.reserve(timeout=0)
    actors.give_back(actors.take(), healthy=True)
    actors.retire_idle()
    assert ended == made and actors.reserve(timeout=0) and actors.take() is not made[0] and len(made) == 2
