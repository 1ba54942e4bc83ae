"""The DAG folder parses cleanly, cheaply, and reads as the pipeline's table of contents."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "news_pipeline" in dagbag.dag_ids


def test_news_pipeline_shape(dagbag):
    dag = dagbag.dags["news_pipeline"]
    assert dag.catchup is False
    assert {"newsflow"} <= set(dag.tags)
    assert dag.doc_md and "validate_tables" in dag.doc_md
    assert {t.task_id for t in dag.tasks} == {"plan_fetch", "fetch_new", "fetch_source", "stage_batches",
                                              "process_batch", "validate_tables", "publish_tables",
                                              "plan_reprocess", "reprocess_run", "release_lock"}
    # plan_fetch takes the lake's write lock; a teardown gives it back however the run ends
    assert dag.get_task("plan_fetch").downstream_task_ids == {"fetch_new", "fetch_source", "plan_reprocess",
                                                              "release_lock"}
    assert dag.get_task("plan_fetch").is_setup and dag.get_task("release_lock").is_teardown
    assert dag.get_task("release_lock").upstream_task_ids == {"plan_fetch", "publish_tables", "reprocess_run"}
    # a reprocessing run skips the fetch chain whatever its trigger rules, and reruns landed runs instead
    assert dag.get_task("fetch_new").downstream_task_ids == {"fetch_source"}
    assert dag.get_task("fetch_new").ignore_downstream_trigger_rules
    assert dag.get_task("reprocess_run").max_active_tis_per_dagrun == 1
    assert dag.get_task("stage_batches").downstream_task_ids == {"process_batch"}
    assert dag.get_task("stage_batches").trigger_rule == "all_done"  # a failed source does not stop the rest
    assert dag.get_task("validate_tables").downstream_task_ids == {"publish_tables"}
    for t in dag.tasks:
        assert t.retries >= 2 and t.retry_exponential_backoff
        assert t.retry_delay == timedelta(seconds=30)
    from newsflow.pipeline import PUBLISHED_TABLES

    for task_id in ("publish_tables", "reprocess_run"):
        outlets = {a.name for a in dag.get_task(task_id).outlets}
        assert outlets == {f"newsflow.{t}" for t in PUBLISHED_TABLES}, task_id
    assert dag.get_task("validate_tables").trigger_rule == "none_failed"


def _serialized(dag):
    """The DAG as the scheduler and the REST API hold it: they validate a trigger's conf."""
    from airflow.serialization.serialized_objects import DagSerialization

    return DagSerialization.from_dict(DagSerialization.to_dict(dag))


def test_params_default_to_the_settings_and_are_checked_at_trigger(dagbag):
    from airflow.sdk.exceptions import ParamValidationError

    dag = _serialized(dagbag.dags["news_pipeline"])
    assert set(dag.params.validate().values()) == {None}  # scheduled runs: every param "not given"
    good = {"batch_size": 2, "sources": ["/tmp/a"], "reprocess_from": "2026-11-01", "reprocess_to": "2026-11-02"}
    assert dag.params.deep_merge(good).validate() == {**good, "sources_file": None}
    for conf, says in (({"batch_size": 0}, "batch_size: 0 is less than the minimum of 1"),
                       ({"batch_size": "abc"}, "batch_size: 'abc' is not of type"),
                       ({"batch_size": 1_000_000}, "is greater than the maximum"),
                       ({"reprocess_from": "2026-13-01"}, "reprocess_from: '2026-13-01' is not a 'date'"),
                       ({"sources": []}, "sources: [] should be non-empty")):
        with pytest.raises(ParamValidationError, match="Invalid input for param") as err:
            dag.params.deep_merge(conf).validate()
        assert says in str(err.value).splitlines()[0], str(err.value)
    rollup = _serialized(dagbag.dags["news_daily_rollup"])
    assert rollup.params.validate() == {"rebuild_all": False}


PARSE_PROBE = r"""
import json, socket, sys, time
opened = []
real_connect = socket.socket.connect
def refuse(self, addr):
    opened.append(str(addr))
    raise OSError("no network at parse time")
socket.socket.connect = refuse
t = time.perf_counter()
import importlib.util
spec = importlib.util.spec_from_file_location("news_pipeline", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
elapsed = time.perf_counter() - t
heavy = [m for m in ("spacy", "great_expectations", "duckdb", "trafilatura", "newsflow.entities",
                     "newsflow.validate", "thinc", "torch") if m in sys.modules]
print(json.dumps({"heavy": heavy, "connections": opened, "seconds": elapsed}))
"""


def test_parsing_is_cheap():
    """No heavy library imported, no connection opened while parsing the DAG file."""
    p = subprocess.run([sys.executable, "-c", PARSE_PROBE, str(ROOT / "dags" / "news_pipeline.py")],
                       capture_output=True, text=True, timeout=120, check=True)
    probe = json.loads(p.stdout.strip().splitlines()[-1])
    assert probe["heavy"] == []
    assert probe["connections"] == []


def test_dag_files_import_only_the_sdk():
    for f in (ROOT / "dags").glob("*.py"):
        for line in f.read_text().splitlines():
            if line.startswith(("import airflow", "from airflow")):
                assert line.startswith("from airflow.sdk"), f"{f.name}: {line}"


def test_library_has_no_airflow_imports():
    for f in (ROOT / "include" / "newsflow").rglob("*.py"):
        text = f.read_text()
        assert "import airflow" not in text and "from airflow" not in text, f


def test_readme_tables_match_the_contract():
    from newsflow.tables import markdown

    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- tables:start -->\n", 1)[1].split("<!-- tables:end -->", 1)[0]
    assert section.strip() == markdown().strip(), "run: newsflow schema, and paste it into README.md"
