"""docker-compose.yaml and the Celery stack describe the same deployment, with real options.

There is no Docker engine here, so the compose file is checked statically: every service the
deployment needs, one shared environment (one JWT secret for every process), and every Airflow
option it sets known to the installed Airflow. No JWT secret ships with the repo (make makes
one per checkout, compose refuses to start without one) and everything listens on 127.0.0.1
unless told otherwise. tests/test_celery_stack.py runs the same
deployment for real without Docker.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from celery_stack import Stack

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yaml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW = {n: s for n, s in SERVICES.items() if n.startswith("airflow-")}


def _airflow_options(env: dict) -> list[tuple[str, str]]:
    return [tuple(k.split("__")[1:3]) for k in env if k.startswith("AIRFLOW__")]


def test_every_component_of_the_celery_deployment_is_there():
    assert {"postgres", "redis", "airflow-init", "airflow-apiserver", "airflow-scheduler",
            "airflow-dag-processor", "airflow-triggerer", "airflow-worker"} <= set(SERVICES)
    commands = {n: s.get("command") for n, s in AIRFLOW.items()}
    assert commands["airflow-apiserver"] == "api-server"
    assert commands["airflow-scheduler"] == "scheduler"
    assert commands["airflow-dag-processor"] == "dag-processor"
    assert commands["airflow-triggerer"] == "triggerer"  # asset-driven and deferrable work need it
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


# -- no shared JWT secret, loopback by default ----------------------------------------------------
# A token signed with the JWT secret is an admin login: a default anyone can read in this repo
# would let anyone who reaches the port in. (The old value is spelled in pieces so this file does
# not count as an occurrence.)
OLD_DEFAULTS = ("newsflow-local-dev-" + "secret", "change" + "-me", "newsflow-test-" + "secret")
SHOW = 'show: ; @echo "$$AIRFLOW__API_AUTH__JWT_SECRET|$$AIRFLOW__API__HOST|$$AIRFLOW__CORE__EXECUTION_API_SERVER_URL"'


def _checkout(tmp_path: Path, name: str) -> Path:
    """A copy of the Makefile and what its install rule depends on, in a fresh folder."""
    d = tmp_path / name
    d.mkdir()
    for f in ("Makefile", "requirements.txt", "requirements-dev.txt", "constraints.txt", "pyproject.toml"):
        shutil.copy(ROOT / f, d / f)
    (d / ".venv").mkdir()
    (d / ".venv" / ".installed").touch()  # installed: make -n shows only the target's own commands
    return d


def _make(d: Path, *args: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "MAKE", "NEWSFLOW"))}
    r = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(d), *args], env={**clean, **env},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _show(d: Path, **env: str) -> tuple[str, str, str]:
    return tuple(_make(d, "--eval", SHOW, "show", **env).strip().split("|"))


def test_make_generates_a_random_jwt_secret_per_checkout(tmp_path):
    one, two = _checkout(tmp_path, "one"), _checkout(tmp_path, "two")
    secret = _show(one)[0]
    assert len(secret) >= 64 and not any(old in secret for old in OLD_DEFAULTS)  # 384 random bits
    assert _show(one)[0] == secret  # the same checkout keeps its secret: every process shares it
    assert _show(two)[0] not in (secret, "")  # another checkout gets another one
    kept = one / ".airflow" / "jwt_secret"
    assert kept.read_text().strip() == secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    # the environment's own secret wins, and then none is written
    three = _checkout(tmp_path, "three")
    assert _show(three, AIRFLOW__API_AUTH__JWT_SECRET="mine")[0] == "mine"
    assert not (three / ".airflow" / "jwt_secret").exists()
    # the file is git-ignored with the rest of .airflow/
    assert subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", ".airflow/jwt_secret"]).returncode == 0


def test_make_airflow_and_make_stack_listen_on_loopback_unless_told(tmp_path):
    d = _checkout(tmp_path, "co")
    _, host, execution_url = _show(d)
    assert host == "127.0.0.1" and execution_url == "http://127.0.0.1:8080/execution/"
    stack = _make(d, "-n", "stack")
    assert "tools/celery_stack.py up" in stack and "--host 127.0.0.1" in stack
    airflow = _make(d, "-n", "airflow")  # the supervisor, not `airflow standalone`
    assert "tools/airflow_local.py --host 127.0.0.1 --port 8080" in airflow and "standalone" not in airflow
    # told otherwise: every interface, and the tasks still reach the execution API on loopback
    assert _show(d, AIRFLOW__API__HOST="0.0.0.0", AIRFLOW__API__PORT="9090")[1:] == (
        "0.0.0.0", "http://127.0.0.1:9090/execution/")
    assert "--host 0.0.0.0" in _make(d, "-n", "stack", AIRFLOW__API__HOST="0.0.0.0")


def test_no_fixed_jwt_secret_anywhere_in_the_repo():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    args = [a for old in OLD_DEFAULTS for a in ("-e", old)]
    found = subprocess.run(["git", "-C", str(ROOT), "grep", "-n", "-I", "-F", "--untracked", *args],
                           capture_output=True, text=True)
    assert found.returncode == 1, found.stdout  # 1: no match


def _interpolate(value: str, env: dict[str, str]) -> str:
    """docker compose's ${VAR}, ${VAR:-default} and ${VAR:?error} (an unset or empty VAR)."""
    def sub(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if env.get(name):
            return env[name]
        if op == ":?":
            raise ValueError(f"{name}: {arg}")
        return arg if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", sub, value)


def test_compose_refuses_to_start_without_a_jwt_secret():
    raw = (ROOT / "docker-compose.yaml").read_text()
    refs = re.findall(r"\$\{AIRFLOW_JWT_SECRET([^}]*)\}", raw)
    assert refs and all(r.startswith(":?") for r in refs), refs  # required, never a default
    for env in AIRFLOW.values():
        value = env["environment"]["AIRFLOW__API_AUTH__JWT_SECRET"]
        with pytest.raises(ValueError, match="AIRFLOW_JWT_SECRET"):
            _interpolate(value, {})
        with pytest.raises(ValueError):
            _interpolate(value, {"AIRFLOW_JWT_SECRET": ""})  # an empty .env line does not do either
        assert _interpolate(value, {"AIRFLOW_JWT_SECRET": "s3cr3t"}) == "s3cr3t"
    # .env holds it, is never committed, and .env.example says how to make one
    assert subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", ".env"]).returncode == 0
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^AIRFLOW_JWT_SECRET=$", example, re.M)  # no value to copy
    assert "secrets.token_urlsafe" in example


def test_compose_publishes_ports_on_loopback_by_default():
    published = [(name, str(p)) for name, s in SERVICES.items() for p in s.get("ports", [])]
    assert [n for n, _ in published] == ["airflow-apiserver"]  # PostgreSQL and Redis stay inside
    for name, port in published:
        assert _interpolate(port, {}).startswith("127.0.0.1:"), (name, port)
        assert _interpolate(port, {"AIRFLOW_BIND": "0.0.0.0"}).startswith("0.0.0.0:"), (name, port)


def test_the_stack_binds_loopback_and_makes_its_own_secret(tmp_path, monkeypatch):
    from celery_stack import stack_from_args

    a, b = Stack(tmp_path / "a"), Stack(tmp_path / "b")
    assert a.jwt_secret != b.jwt_secret and len(a.jwt_secret) >= 64
    assert a.env()["AIRFLOW__API_AUTH__JWT_SECRET"] == a.jwt_secret
    cmd = a.api_server_command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and a.url.startswith("http://127.0.0.1:")
    wide = Stack(tmp_path / "w", host="0.0.0.0")
    assert wide.api_server_command()[cmd.index("--host") + 1] == "0.0.0.0"
    assert wide.url.startswith("http://127.0.0.1:")  # its own clients and tasks use loopback
    with pytest.raises(ValueError):
        Stack(tmp_path / "e", jwt_secret="")
    # `make stack`: the environment's secret and host; without them, random and loopback
    monkeypatch.delenv("AIRFLOW__API_AUTH__JWT_SECRET", raising=False)
    monkeypatch.delenv("AIRFLOW__API__HOST", raising=False)
    default = stack_from_args(["up", "--dir", str(tmp_path / "d")])
    assert default.host == "127.0.0.1" and len(default.jwt_secret) >= 64
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "the-checkouts")
    monkeypatch.setenv("AIRFLOW__API__HOST", "0.0.0.0")
    told = stack_from_args(["up", "--dir", str(tmp_path / "d")])
    assert (told.jwt_secret, told.host) == ("the-checkouts", "0.0.0.0")
    assert not (tmp_path / "d").exists()  # nothing written before it starts


# -- the compose file against Airflow's reference file and the installed Airflow CLI --------------

def _init_script() -> str:
    shell, script = SERVICES["airflow-init"]["command"]
    assert shell == "-c" and SERVICES["airflow-init"]["entrypoint"] == "/bin/bash"
    return script


def _airflow_commands() -> dict[str, list[str]]:
    """Every `airflow ...` command a service runs: its command, the Airflow commands of the init
    script and of the healthchecks (words up to the first option or quote)."""
    found: dict[str, list[str]] = {}
    for name, service in AIRFLOW.items():
        if name == "airflow-init":
            for m in re.finditer(r"\bairflow((?: [a-z][a-z-]*)+)", _init_script()):
                found.setdefault(m.group(1).strip(), []).append(name)
        else:
            found.setdefault(service["command"], []).append(name)
        test = service.get("healthcheck", {}).get("test", [])
        for m in re.finditer(r"(?:^|[\s'\"])airflow((?: [a-z][a-z-]*)+)", " ".join(test)):
            found.setdefault(m.group(1).strip(), []).append(f"{name} healthcheck")
    return found


def test_every_service_command_exists_in_the_installed_airflow_cli(capsys, monkeypatch):
    """`airflow <command> --help` exits 0 for every command a service runs: the installed Airflow
    CLI's own parser (what the `airflow` script parses with), with the compose file's executor."""
    commands = _airflow_commands()
    assert {"api-server", "scheduler", "dag-processor", "triggerer", "celery worker", "db migrate",
            "version", "jobs check"} <= set(commands), commands
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", SERVICES["airflow-scheduler"]["environment"]["AIRFLOW__CORE__EXECUTOR"])
    from airflow.cli import cli_parser

    failed = {}
    for command, used_by in commands.items():
        with pytest.raises(SystemExit) as exited:
            cli_parser.get_parser().parse_args([*command.split(), "--help"])
        out = capsys.readouterr()
        if exited.value.code not in (0, None) or f"usage: airflow {command}" not in " ".join(out.out.lower().split()):
            failed[command] = (used_by, exited.value.code, (out.out + out.err)[-300:])
    assert failed == {}


def test_healthchecks_name_real_job_types():
    from airflow.jobs.dag_processor_job_runner import DagProcessorJobRunner
    from airflow.jobs.triggerer_job_runner import TriggererJobRunner

    checks = {n: " ".join(s["healthcheck"]["test"]) for n, s in AIRFLOW.items() if "healthcheck" in s}
    assert f"--job-type {TriggererJobRunner.job_type} " in checks["airflow-triggerer"]
    assert f"--job-type {DagProcessorJobRunner.job_type} " in checks["airflow-dag-processor"]


def test_init_runs_as_root_and_prepares_the_mounted_folders():
    """Like Airflow's reference file: airflow-init is root, creates every folder the services
    write to and hands it to AIRFLOW_UID (group 0) that every other service runs as."""
    init = SERVICES["airflow-init"]
    assert init["user"] == "0:0"
    assert COMPOSE["x-airflow-common"]["user"] == "${AIRFLOW_UID:-50000}:0"
    assert all(s["user"] == COMPOSE["x-airflow-common"]["user"] for n, s in AIRFLOW.items() if n != "airflow-init")
    script = _init_script()
    assert script.startswith("set -euo pipefail")
    mkdir = re.search(r"^mkdir -v -p (.+)$", script, re.M)
    chown = re.search(r'^chown -R "\$\{AIRFLOW_UID:-50000\}:0" (.+)$', script, re.M)
    assert mkdir and chown, script
    # the writable mounts (logs, passwords, the lake); dags, plugins and include are the checkout's
    writable = {v.split(":")[1] for v in COMPOSE["x-airflow-common"]["volumes"]
                if v.split(":")[0] in ("./data", "./.airflow-docker/logs", "./.airflow-docker/passwords")}
    assert writable == {"/opt/airflow/logs", "/opt/airflow/passwords", "/opt/newsflow/data"}
    assert set(mkdir.group(1).split()) >= writable and set(chown.group(1).split()) >= writable
    # Airflow is installed for the airflow user: as root it runs through the image's entrypoint
    assert re.search(r"^/entrypoint airflow db migrate$", script, re.M)
    assert not re.search(r"^airflow ", script, re.M)


def test_dags_are_active_from_the_start_everywhere(tmp_path, monkeypatch):
    """A deployed newsflow runs on its own: no DAG waits paused for someone to find the toggle."""
    for env in (SERVICES["airflow-scheduler"]["environment"], Stack(ROOT / ".stack-test-unused").env()):
        assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "False"
    d = _checkout(tmp_path, "co")
    shown = _make(d, "--eval", 'show: ; @echo "$$AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"', "show").strip()
    assert shown == "False"
    import airflow_local  # make airflow's supervisor: also when started without make

    monkeypatch.delenv("AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", raising=False)
    assert airflow_local.LocalAirflow(tmp_path).env()["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "False"


TEST_TOOLS = re.compile(r"^(pytest|pytest-timeout|ruff|moto|playwright|hypothesis)\b", re.I)


def _requirements(name: str) -> list[str]:
    lines = [line.split("#")[0].strip() for line in (ROOT / name).read_text().splitlines()]
    return [line for line in lines if line]


def test_runtime_and_test_requirements_are_split():
    runtime, dev = _requirements("requirements.txt"), _requirements("requirements-dev.txt")
    assert not [r for r in runtime if TEST_TOOLS.match(r)], runtime  # no test tools in the image
    assert dev[0] == "-r requirements.txt"
    assert {re.split(r"[\[<>=]", r)[0].lower() for r in dev[1:]} >= {
        "pytest", "pytest-timeout", "ruff", "moto", "playwright", "hypothesis"}
    # one constraints file pins both
    pinned = {line.split("==")[0].lower() for line in _requirements("constraints.txt")}
    for req in runtime + dev[1:]:
        name = re.split(r"[\[<>=]", req)[0].lower()
        assert name in pinned or name.replace("-", "_") in pinned, name


def test_the_image_installs_the_runtime_requirements_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    assert "requirements-dev" not in "\n".join(instructions)
    assert re.search(r"pip install .*-r /opt/newsflow/requirements\.txt -c /opt/newsflow/constraints\.txt",
                     dockerfile)


def test_make_installs_runtime_and_test_requirements(tmp_path):
    d = _checkout(tmp_path, "co")
    time.sleep(0.01)
    os.utime(d / "requirements-dev.txt")  # newer than the stamp: make installs again
    install = _make(d, "-n", "install")
    assert "pip install --quiet -r requirements-dev.txt -c constraints.txt" in install
    os.utime(d / ".venv" / ".installed")
    assert "pip install" not in _make(d, "-n", "install")  # up to date: nothing to do
    (d / "requirements-dev.txt").touch()
    assert "requirements-dev.txt" in _make(d, "-n", "test")  # make test installs both too
