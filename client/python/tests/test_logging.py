"""The Python client against the real server: steps, flattening, values,
summary, config, states, and a server killed in the middle of a run."""

import math
import subprocess
import sys
import threading
import time

import pytest

import sextant
from conftest import ROOT
from helpers import assert_points, history_points, run_info


def test_steps_flatten_and_commit(server, project):
    run = sextant.init(project=project, name="steps", config={"lr": 0.01})
    run.log({"loss": 1.0})                                  # step 0
    run.log({"train": {"loss": 0.5, "inner": {"x": 3}}})    # step 1, flattened
    run.log({"a": 1}, commit=False)                          # step 2, open
    run.log({"b": 2})                                        # step 2, closed
    run.log({"loss": 0.25}, step=10)                         # jumps to 10
    run.log({"loss": 0.2})                                   # step 11
    run.log({"early": 7}, step=5)                            # back-fill step 5
    run.log({"section-a/metric": 4})                         # step 12
    assert run.finish() is True

    assert_points(history_points(server, project, run.id), {
        "loss": {0: 1.0, 10: 0.25, 11: 0.2},
        "train/loss": {1: 0.5},
        "train/inner/x": {1: 3.0},
        "a": {2: 1.0},
        "b": {2: 2.0},
        "early": {5: 7.0},
        "section-a/metric": {12: 4.0},
    })
    info = run_info(server, project, run.id)
    assert info["state"] == "finished"
    assert info["name"] == "steps"
    assert info["config"]["lr"] == 0.01


def test_values_numpy_bools_nonfinite(server, project):
    np = pytest.importorskip("numpy")
    run = sextant.init(project=project)
    run.log({
        "np32": np.float32(0.1), "np64": np.float64(1 / 3), "npint": np.int64(2**40),
        "npbool": np.bool_(True), "bool": False, "zero_d": np.array(2.5),
        "nan": math.nan, "inf": math.inf, "ninf": -math.inf, "none": None,
    })
    run.finish()

    assert_points(history_points(server, project, run.id), {
        "np32": {0: float(np.float32(0.1))}, "np64": {0: 1 / 3},
        "npint": {0: float(2**40)}, "npbool": {0: 1.0}, "bool": {0: 0.0},
        "zero_d": {0: 2.5}, "nan": {0: math.nan}, "inf": {0: math.inf},
        "ninf": {0: -math.inf},
    })


def test_strings_go_to_summary_not_history(server, project):
    run = sextant.init(project=project)
    run.log({"loss": 0.5, "phase": "warmup", "nested": {"note": "hi"}})
    run.summary["best_acc"] = 0.93
    run.summary.update({"model": "resnet"})
    run.config["batch"] = 64
    run.config.update({"optimizer": {"name": "adam", "beta": 0.9}})
    assert run.summary["loss"] == 0.5
    assert run.summary["phase"] == "warmup"
    run.finish()

    assert_points(history_points(server, project, run.id), {"loss": {0: 0.5}})
    info = run_info(server, project, run.id)
    assert info["config"]["batch"] == 64
    assert info["config"]["optimizer"] == {"name": "adam", "beta": 0.9}
    assert info["config"]["_summary"] == {
        "phase": "warmup", "nested/note": "hi", "best_acc": 0.93, "model": "resnet"}
    assert info["summary"]["loss"]["last"] == 0.5


def test_init_fields(server, project):
    run = sextant.init(project=project, id="fixed-id", name="n", group="g",
                       job_type="train", tags=["a", "b"], notes="some notes")
    run.finish()
    info = run_info(server, project, "fixed-id")
    assert (info["name"], info["group"], info["job_type"], info["notes"]) == \
        ("n", "g", "train", "some notes")
    assert info["tags"] == ["a", "b"]


def test_context_manager_states(server, project):
    with sextant.init(project=project) as ok_run:
        ok_run.log({"x": 1})
    assert run_info(server, project, ok_run.id)["state"] == "finished"

    with pytest.raises(ZeroDivisionError):
        with sextant.init(project=project) as bad_run:
            bad_run.log({"x": 1})
            1 / 0
    assert run_info(server, project, bad_run.id)["state"] == "failed"
    assert_points(history_points(server, project, bad_run.id), {"x": {0: 1.0}})


def test_resume_continues_after_last_step(server, project):
    first = sextant.init(project=project, id="resumed")
    for i in range(5):
        first.log({"x": i})
    first.finish()

    second = sextant.init(project=project, id="resumed")
    assert second.step == 5
    second.log({"x": 50})
    second.finish()
    assert history_points(server, project, "resumed")["x"][5] == 50.0


def test_module_level_functions(server, project):
    sextant.init(project=project)
    sextant.log({"y": 2.0})
    assert sextant.finish() is True
    assert_points(history_points(server, project, sextant.run.id), {"y": {0: 2.0}})


def test_server_killed_and_restarted_loses_nothing(own_server, project, monkeypatch):
    """SIGKILL the server in the middle of a run, start it again on the same
    data: every point logged before, during and after is there."""
    monkeypatch.setenv("SEXTANT_URL", own_server.url)
    monkeypatch.setenv("SEXTANT_API_KEY", own_server.key)
    run = sextant.init(project=project, max_backoff=0.5)
    total = 600
    logged = threading.Event()

    def train():
        for step in range(total):
            run.log({"loss": 1.0 / (step + 1), "acc": step / total, "step_copy": step})
            time.sleep(0.005)
            if step == total // 3:
                logged.set()

    trainer = threading.Thread(target=train)
    trainer.start()
    logged.wait(30)
    own_server.kill()              # no shutdown: acknowledged data must survive
    time.sleep(1.0)                # the client spools while the server is away
    own_server.start()
    trainer.join()
    assert run.finish(timeout=60) is True

    want = {
        "loss": {s: 1.0 / (s + 1) for s in range(total)},
        "acc": {s: s / total for s in range(total)},
        "step_copy": {s: float(s) for s in range(total)},
    }
    assert_points(history_points(own_server, project, run.id), want)
    assert run_info(own_server, project, run.id)["state"] == "finished"


def test_finish_timeout_keeps_spool_for_next_start(own_server, project, monkeypatch):
    monkeypatch.setenv("SEXTANT_URL", own_server.url)
    monkeypatch.setenv("SEXTANT_API_KEY", own_server.key)
    run = sextant.init(project=project, id="spooled", max_backoff=0.2)
    run.log({"x": 1.0})
    assert run.finish(timeout=30) is True
    own_server.kill()

    offline = sextant.init(project=project, id="spooled", max_backoff=0.2)
    offline.log({"x": 2.0}, step=1)
    offline.log({"x": 3.0}, step=2)
    assert offline.finish(timeout=0.5) is False       # server away: kept on disk

    own_server.start()
    again = sextant.init(project=project, id="spooled")  # sends the leftovers
    assert again.finish(timeout=30) is True
    assert_points(history_points(own_server, project, "spooled"),
                  {"x": {0: 1.0, 1: 2.0, 2: 3.0}})


@pytest.mark.parametrize("ending, state", [("pass", "finished"),
                                           ("raise SystemError('x')", "crashed")])
def test_script_without_finish(server, project, tmp_path, ending, state):
    """A script that never calls finish still delivers its rows at exit, and
    its state tells a crash from a normal end."""
    script = tmp_path / "train.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT / "client" / "python")!r})
import sextant
run = sextant.init(project={project!r}, id="noexit")
for step in range(100):
    run.log({{"x": step}})
{ending}
""")
    subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120)
    assert run_info(server, project, "noexit")["state"] == state
    assert_points(history_points(server, project, "noexit"),
                  {"x": {s: float(s) for s in range(100)}})
