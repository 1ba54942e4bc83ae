"""docker-compose.yaml and the Celery stack describe the same deployment, with real options.

There is no Docker engine here, so the compose file is checked statically: every service the
deployment needs, one shared environment (one JWT secret for every process), and every Airflow
option it sets known to the installed Airflow. tests/test_celery_stack.py runs the same
deployment for real without Docker.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from celery_stack import Stack  # noqa: E402

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yaml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW = {n: s for n, s in SERVICES.items() if n.startswith("airflow-")}


def _airflow_options(env: dict) -> list[tuple[str, str]]:
    return [tuple(k.split("__")[1:3]) for k in env if k.startswith("AIRFLOW__")]


def test_every_component_of_the_celery_deployment_is_there():
    assert {"postgres", "redis", "airflow-init", "airflow-apiserver", "airflow-scheduler",
            "airflow-dag-processor", "airflow-worker"} <= set(SERVICES)
    commands = {n: s.get("command") for n, s in AIRFLOW.items()}
    assert commands["airflow-apiserver"] == "api-server"
    assert commands["airflow-scheduler"] == "scheduler"
    assert commands["airflow-dag-processor"] == "dag-processor"
    assert commands["airflow-worker"] == "celery worker"
    assert "airflow db migrate" in "".join(commands["airflow-init"])
    for name, service in AIRFLOW.items():
        assert "healthcheck" in service or name == "airflow-init", name
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_one_environment_for_every_airflow_process():
    envs = [s["environment"] for s in AIRFLOW.values()]
    secrets = {e["AIRFLOW__API_AUTH__JWT_SECRET"] for e in envs}
    assert len(secrets) == 1
    for env in envs:
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://airflow-apiserver:8080/")
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"


def test_every_airflow_option_set_is_a_real_one():
    from airflow.configuration import conf

    stack_env = Stack(ROOT / ".stack-test-unused").env()
    options = set(_airflow_options(SERVICES["airflow-scheduler"]["environment"])) | set(_airflow_options(stack_env))
    known = conf.configuration_description  # core and provider (celery) options, documented
    unknown = [f"[{s.lower()}] {k.lower()}" for s, k in options
               if k.lower() not in known.get(s.lower(), {}).get("options", {})]
    assert unknown == []
    # the stack without Docker sets what the compose file sets (and a few ports of its own)
    compose_keys = {k for k in SERVICES["airflow-scheduler"]["environment"] if k.startswith("AIRFLOW__")}
    assert compose_keys - set(stack_env) <= {"AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"}


def test_mounted_folders_exist_and_the_image_matches_the_pins():
    for volume in COMPOSE["x-airflow-common"]["volumes"]:
        host = volume.split(":")[0]
        if host.startswith("./") and not host.startswith("./.") and host != "./data":
            assert (ROOT / host).is_dir(), host
    image = re.search(r"^FROM apache/airflow:(\S+)-python(\S+)$", (ROOT / "Dockerfile").read_text(), re.M)
    pinned = re.search(r"^apache-airflow\[[^\]]*\]==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert image and pinned and image.group(1) == pinned.group(1)
    assert image.group(2) == "3.11"  # the Python the project is built and tested on
