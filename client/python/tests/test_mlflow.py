"""The real MLflow client (mlflow-skinny, pinned), unchanged, logging to
Sextant through its MLflow-compatible REST API; what it logged is then
read through Sextant's own API."""

import math

import pytest

from helpers import assert_points, history_points, run_info

mlflow = pytest.importorskip("mlflow")
from mlflow.tracking import MlflowClient  # noqa: E402


@pytest.fixture
def tracking(server, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", server.url)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", server.key)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    mlflow.set_tracking_uri(server.url)
    yield server
    if mlflow.active_run():
        mlflow.end_run()


def test_fluent_api_logs_to_sextant(tracking, project):
    server = tracking
    experiment = mlflow.set_experiment(project)
    assert experiment.name == project
    assert experiment.experiment_id == project   # see client/mlflowmap

    with mlflow.start_run(run_name="mlflow-run") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"batch": 64, "optimizer": "adam"})
        for step in range(5):
            mlflow.log_metric("train/loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.5, "nan": math.nan}, step=7)
        mlflow.set_tag("team", "vision")
        mlflow.set_tags({"stage": "dev"})
        run_id = run.info.run_id

    # Sextant's own API sees the run, its params as config and its points.
    info = run_info(server, project, run_id)
    assert info["name"] == "mlflow-run"
    assert info["state"] == "finished"
    assert info["config"]["lr"] == "0.01"
    assert info["config"]["batch"] == "64"
    assert info["config"]["optimizer"] == "adam"
    assert "team:vision" in info["tags"] and "stage:dev" in info["tags"]
    assert_points(history_points(server, project, run_id), {
        "train/loss": {s: 1.0 / (s + 1) for s in range(5)},
        "acc": {7: 0.5},
        "nan": {7: math.nan},
    })

    # And MLflow reads it back through the same REST API.
    client = MlflowClient()
    history = client.get_metric_history(run_id, "train/loss")
    assert [(m.step, m.value) for m in history] == [(s, 1.0 / (s + 1)) for s in range(5)]
    assert all(m.timestamp > 1_600_000_000_000 for m in history)

    fetched = client.get_run(run_id)
    assert fetched.info.status == "FINISHED"
    assert fetched.data.params == {"lr": "0.01", "batch": "64", "optimizer": "adam"}
    assert fetched.data.tags["team"] == "vision"
    assert fetched.data.metrics["train/loss"] == 0.2


def test_search_runs(tracking, project):
    experiment_id = mlflow.set_experiment(project).experiment_id
    for lr, acc in ((0.1, 0.7), (0.01, 0.9), (0.001, 0.8)):
        with mlflow.start_run():
            mlflow.log_param("lr", lr)
            mlflow.log_metric("acc", acc)

    client = MlflowClient()
    runs = client.search_runs([experiment_id], order_by=["metrics.acc DESC"])
    assert [r.data.metrics["acc"] for r in runs] == [0.9, 0.8, 0.7]

    good = client.search_runs([experiment_id], filter_string="metrics.acc >= 0.8")
    assert sorted(r.data.params["lr"] for r in good) == ["0.001", "0.01"]

    frame = mlflow.search_runs(experiment_ids=[experiment_id],
                               filter_string="params.lr = '0.1'")
    assert list(frame["metrics.acc"]) == [0.7]

    paged = client.search_runs([experiment_id], max_results=2)
    assert len(paged) == 2 and paged.token
    rest = client.search_runs([experiment_id], max_results=2, page_token=paged.token)
    assert len(rest) == 1


def test_client_api_and_failed_run(tracking, project):
    server = tracking
    client = MlflowClient()
    experiment_id = client.create_experiment(project)
    assert client.get_experiment(experiment_id).name == project
    assert client.get_experiment_by_name(project).experiment_id == experiment_id
    assert client.get_experiment_by_name(project + "-missing") is None

    run = client.create_run(experiment_id, tags={"mlflow.note.content": "notes here"})
    client.log_metric(run.info.run_id, "loss", 3.0, step=2, timestamp=1_700_000_000_000)
    client.log_batch(run.info.run_id, metrics=[
        mlflow.entities.Metric("loss", 2.0, 1_700_000_001_000, 3),
        mlflow.entities.Metric("loss", 1.0, 1_700_000_002_000, 4),
    ])
    client.set_terminated(run.info.run_id, status="FAILED")

    info = run_info(server, project, run.info.run_id)
    assert info["state"] == "failed"
    assert info["notes"] == "notes here"
    assert_points(history_points(server, project, run.info.run_id),
                  {"loss": {2: 3.0, 3: 2.0, 4: 1.0}})
    stamps = history_points(server, project, run.info.run_id, keys=["_timestamp"])
    assert stamps["_timestamp"] == {2: 1_700_000_000.0, 3: 1_700_000_001.0, 4: 1_700_000_002.0}

    names = [e.name for e in client.search_experiments()]
    assert project in names

    client.delete_run(run.info.run_id)
    with pytest.raises(mlflow.exceptions.MlflowException) as err:
        client.get_run(run.info.run_id)
    assert err.value.error_code == "RESOURCE_DOES_NOT_EXIST"
