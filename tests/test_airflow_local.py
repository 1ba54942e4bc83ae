"""`make airflow` (tools/airflow_local.py): Airflow's components started as one and stopped as one.

`airflow standalone` hung on Ctrl-C, left 32 LocalExecutor workers that ignored SIGTERM and, on
SIGTERM, an api-server still serving. The slow tests start the supervisor for real on free ports
with a temporary AIRFLOW_HOME, wait for the api-server, then stop it with SIGTERM (while a task
is running) or SIGINT (Ctrl-C) and check that within seconds the supervisor exited, no process
of its tree or its process groups is left, and the ports are free. The fast tests cover the
login it sets up and the task logs it files for `make run`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import airflow_local  # noqa: E402

STOP_WITHIN = 20  # seconds from the signal to the last process gone

SLEEPER_DAG = '''
import time

import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False)
def sleeper():
    @task
    def nap():
        time.sleep(600)  # a task that is still running when Airflow is stopped

    nap()


sleeper()
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pgid(proc: psutil.Process) -> int | None:
    try:
        return os.getpgid(proc.pid)
    except ProcessLookupError:
        return None


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Running:
    """The supervisor started as `make airflow` starts it, in a temporary AIRFLOW_HOME."""

    def __init__(self, tmp: Path, parallelism: int, dags: Path | None = None):
        self.home = tmp / "airflow"
        self.ports = {"api": _free_port(), "worker_log": _free_port(), "trigger_log": _free_port()}
        self.parallelism = parallelism
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSFLOW"))}
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.home}/airflow.db",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
            "NEWSFLOW_DATA_DIR": str(tmp / "data"),
        })
        if dags is not None:
            env["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
        self.output = tmp / "airflow_local.out"
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "tools" / "airflow_local.py"), "--port", str(self.ports["api"]),
                 "--worker-log-port", str(self.ports["worker_log"]),
                 "--trigger-log-port", str(self.ports["trigger_log"]), "--parallelism", str(parallelism)],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        self.url = f"http://127.0.0.1:{self.ports['api']}"

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_until_up(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the supervisor exited:\n{self.text()}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v2/monitor/health", timeout=2).status_code == 200 \
                        and "Airflow is up" in self.text():
                    return
            time.sleep(1)
        raise TimeoutError(f"the api-server did not answer within {timeout} s:\n{self.text()}")

    def tree(self) -> list[psutil.Process]:
        return psutil.Process(self.proc.pid).children(recursive=True)

    def executor_workers(self) -> list[psutil.Process]:
        found = []
        for p in self.tree():
            with contextlib.suppress(psutil.Error):
                if "LocalExecutor" in " ".join(p.cmdline()) and p.ppid() in {c.pid for c in self.tree()
                                                                           if "scheduler" in " ".join(c.cmdline())}:
                    found.append(p)
        return found

    def client(self) -> httpx.Client:
        password = json.loads((self.home / "simple_auth_manager_passwords.json.generated").read_text())["admin"]
        token = httpx.post(f"{self.url}/auth/token", json={"username": "admin", "password": password}, timeout=30)
        token.raise_for_status()
        return httpx.Client(base_url=f"{self.url}/api/v2", timeout=30,
                            headers={"Authorization": f"Bearer {token.json()['access_token']}"})

    def stop_and_check(self, sig: int) -> float:
        """Signal the supervisor; assert it and every process it started are gone, and the ports
        are free, within STOP_WITHIN seconds. Returns the seconds it took."""
        procs = {p.pid: p for p in self.tree()}
        groups = set()
        for p in procs.values():
            with contextlib.suppress(ProcessLookupError):
                groups.add(os.getpgid(p.pid))
        commands = " | ".join(" ".join(p.cmdline()) for p in procs.values())
        for component in ("api_server", "scheduler", "dag-processor", "triggerer"):  # api_server: its title
            assert component in commands.replace("api-server", "api_server"), commands
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the supervisor did not exit within {STOP_WITHIN} s of {signal.Signals(sig).name}:\n"
                        f"{self.text()}")
        deadline = started + STOP_WITHIN
        while time.monotonic() < deadline:
            left = self.leftovers(procs, groups)
            if not left and not any(_listening(port) for port in self.ports.values()):
                break
            time.sleep(0.2)
        took = time.monotonic() - started
        assert code == 0, self.text()
        assert self.leftovers(procs, groups) == []
        for name, port in self.ports.items():
            assert not _listening(port), f"{name} port {port} still open"
            assert airflow_local.port_is_free("127.0.0.1", port), f"{name} port {port} not free"
        assert took < STOP_WITHIN
        assert "Airflow stopped in" in self.text()
        return took

    def leftovers(self, procs: dict[int, psutil.Process], groups: set[int]) -> list[str]:
        """Processes left: any saved one, any in a saved process group, any with our AIRFLOW_HOME."""
        left = []
        for p in procs.values():
            with contextlib.suppress(psutil.Error):
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(f"{p.pid} {' '.join(p.cmdline())[:100]}")
        for p in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if p.pid in procs or p.status() == psutil.STATUS_ZOMBIE:
                    continue
                if os.getpgid(p.pid) in groups or p.environ().get("AIRFLOW_HOME") == str(self.home):
                    left.append(f"{p.pid} {' '.join(p.cmdline())[:100]}")
        return left

    def kill(self) -> None:
        """Clean-up after a failed test: nothing of this run may outlive it."""
        with contextlib.suppress(psutil.Error):
            for p in [*self.tree(), psutil.Process(self.proc.pid)]:
                with contextlib.suppress(psutil.Error):
                    p.kill()


@pytest.fixture
def running(tmp_path):
    started: list[Running] = []

    def start(**kw) -> Running:
        r = Running(tmp_path, **kw)
        started.append(r)
        return r

    yield start
    for r in started:
        r.kill()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sigterm_stops_every_component_and_a_running_task_within_seconds(running, tmp_path):
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "sleeper.py").write_text(SLEEPER_DAG)
    af = running(parallelism=4, dags=dags)
    af.wait_until_up()
    text = af.text()
    password = json.loads((af.home / "simple_auth_manager_passwords.json.generated").read_text())["admin"]
    assert f"login: admin / {password}" in text and af.url in text and "listening on 127.0.0.1" in text
    assert stat.S_IMODE((af.home / "simple_auth_manager_passwords.json.generated").stat().st_mode) == 0o600
    # sized for a small machine: as many LocalExecutor workers as parallelism, not 32
    deadline = time.monotonic() + 120
    while len(af.executor_workers()) < 4 and time.monotonic() < deadline:
        time.sleep(1)
    assert len(af.executor_workers()) == 4
    # a task running when the stop comes (the DAG is active at creation: no unpausing needed)
    client = af.client()
    deadline = time.monotonic() + 180
    while client.get("/dags/sleeper").status_code != 200:
        assert time.monotonic() < deadline, "the dag-processor did not parse the DAG"
        time.sleep(2)
    assert client.get("/dags/sleeper").json()["is_paused"] is False
    run = client.post("/dags/sleeper/dagRuns", json={"logical_date": None})
    assert run.status_code == 200, run.text
    url = f"/dags/sleeper/dagRuns/{run.json()['dag_run_id']}/taskInstances/nap"
    while client.get(url).json().get("state") != "running":
        assert time.monotonic() < deadline, client.get(url).json()
        time.sleep(1)
    # the task's process runs in a process group of its own: killing the components' groups
    # would miss it
    components = {p.pid for p in psutil.Process(af.proc.pid).children()}
    deadline = time.monotonic() + 30
    while not [p for p in af.tree() if _pgid(p) not in components | {None}]:
        assert time.monotonic() < deadline, [" ".join(p.cmdline()) for p in af.tree()]
        time.sleep(0.5)
    took = af.stop_and_check(signal.SIGTERM)
    print(f"stopped in {took:.1f} s\n{af.text()[-600:]}")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ctrl_c_stops_everything_within_seconds(running):
    af = running(parallelism=2)
    af.wait_until_up()
    deadline = time.monotonic() + 120
    while len(af.executor_workers()) < 2 and time.monotonic() < deadline:
        time.sleep(1)
    assert len(af.executor_workers()) == 2  # --parallelism is the number of workers
    took = af.stop_and_check(signal.SIGINT)
    print(f"stopped in {took:.1f} s")


# -- fast: the login and the task logs of `make run` ----------------------------------------------

def test_the_admin_login_is_made_once_and_kept_private(tmp_path):
    logins, path = airflow_local.admin_logins(tmp_path, {})
    assert list(logins) == ["admin"] and len(logins["admin"]) == 16
    assert set(logins["admin"]) <= set(airflow_local.PASSWORD_ALPHABET)
    assert path == tmp_path / "simple_auth_manager_passwords.json.generated"
    assert json.loads(path.read_text()) == logins  # the format the simple auth manager reads
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert airflow_local.admin_logins(tmp_path, {})[0] == logins  # the same password next time
    two, _ = airflow_local.admin_logins(tmp_path, {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin,ann:viewer"})
    assert two["admin"] == logins["admin"] and len(two["ann"]) == 16
    assert airflow_local.admin_logins(tmp_path, {"AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True"}) == ({}, None)


def test_make_run_prints_the_login_make_airflow_will_use(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    monkeypatch.delenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", raising=False)
    assert airflow_local.main(["login"]) == 0
    password = json.loads((tmp_path / "simple_auth_manager_passwords.json.generated").read_text())["admin"]
    assert capsys.readouterr().out.strip() == f"admin / {password}"
    assert airflow_local.admin_logins(tmp_path, {})[0] == {"admin": password}  # what `up` then prints


def test_the_supervisor_refuses_a_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        af = airflow_local.LocalAirflow(tmp_path / "home", port=port)
        with pytest.raises(RuntimeError, match=f"port {port} .* in use"):
            af.start()
    assert af.procs == {}


RUN = "manual__2026-11-30T03:46:40.201850+00:00"
DAGS_TEST_OUTPUT = f"""\
2026-11-30T03:46:40.577292Z [info     ] Created dag run.               [airflow.models.dagrun] dagrun=<DagRun news_pipeline>
2026-11-30T03:46:40.670925Z [info     ] [DAG TEST] starting task_id=plan_fetch map_index=-1 [airflow.sdk.definitions.dag] loc=dag.py:1501
2026-11-30T03:46:40.677015Z [info     ] [DAG TEST] running task <TaskInstance: news_pipeline.plan_fetch {RUN} [TaskInstanceState.SCHEDULED] ti_id=1> [airflow.sdk.definitions.dag] loc=dag.py:1502
2026-11-30T03:46:52.902102Z [info     ] ::endgroup::                   [task] loc=task_runner.py:2232
2026-11-30T03:46:54.966329Z [info     ] Done. Returned value was: ['samples'] [airflow.task.operators.python] loc=python.py:233
2026-11-30T03:46:55.118386Z [info     ] [DAG TEST] end task task_id=plan_fetch map_index=-1 [airflow.sdk.definitions.dag] loc=dag.py:1563
2026-11-30T03:46:55.203075Z [info     ] [DAG TEST] starting task_id=fetch_source map_index=0 [airflow.sdk.definitions.dag] loc=dag.py:1501
2026-11-30T03:46:55.203764Z [info     ] [DAG TEST] running task <TaskInstance: news_pipeline.fetch_source {RUN} map_index=0 [TaskInstanceState.SCHEDULED] ti_id=2> [airflow.sdk.definitions.dag] loc=dag.py:1502
2026-11-30T03:46:55.336187Z [error    ] source failed                  [newsflow.fetch] loc=fetch.py:239
Traceback (most recent call last):
  File "fetch.py", line 1, in <module>
TimeoutError: slow
2026-11-30T03:46:55.726159Z [info     ] [DAG TEST] end task task_id=fetch_source map_index=0 [airflow.sdk.definitions.dag] loc=dag.py:1563
2026-11-30T03:46:56.000000Z [warning  ] No tasks to run. unrunnable tasks: {{...}} [airflow.sdk.definitions.dag] loc=dag.py:1400
2026-11-30T03:47:25.203075Z [info     ] [DAG TEST] starting task_id=fetch_source map_index=0 [airflow.sdk.definitions.dag] loc=dag.py:1501
2026-11-30T03:47:25.203764Z [info     ] [DAG TEST] running task <TaskInstance: news_pipeline.fetch_source {RUN} map_index=0 [TaskInstanceState.SCHEDULED] ti_id=2> [airflow.sdk.definitions.dag] loc=dag.py:1502
2026-11-30T03:47:25.336187Z [info     ] fetched 16 articles, 0 rejected [newsflow.fetch] loc=fetch.py:239
2026-11-30T03:47:25.726159Z [info     ] [DAG TEST] end task task_id=fetch_source map_index=0 [airflow.sdk.definitions.dag] loc=dag.py:1563
"""


def test_make_run_task_logs_land_where_the_ui_reads_them(tmp_path):
    files = airflow_local.task_logs("news_pipeline", DAGS_TEST_OUTPUT, tmp_path)
    base = tmp_path / "dag_id=news_pipeline" / f"run_id={RUN}"
    assert files == [base / "task_id=plan_fetch" / "attempt=1.log",
                     base / "task_id=fetch_source" / "map_index=0" / "attempt=1.log",
                     base / "task_id=fetch_source" / "map_index=0" / "attempt=2.log"]  # a retry: attempt 2
    plan = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert plan[0]["event"].startswith("[DAG TEST] starting task_id=plan_fetch")
    assert {"event": "::endgroup::", "logger": "task", "level": "info",
            "timestamp": "2026-11-30T03:46:52.902102Z"} in plan  # group markers stay bare for the UI
    assert plan[-2]["event"].startswith("Done. Returned value was: ['samples']")
    assert plan[-2]["logger"] == "airflow.task.operators.python"
    assert "TaskInstanceState.SCHEDULED" in plan[1]["event"]
    failed = [json.loads(line) for line in files[1].read_text().splitlines()]
    error = next(r for r in failed if r["level"] == "error")
    assert error["event"].endswith("TimeoutError: slow") and "Traceback" in error["event"]
    assert "fetched 16 articles" in files[2].read_text()
    assert "No tasks to run" not in "".join(f.read_text() for f in files)  # between tasks: nobody's


def test_the_filed_logs_follow_airflows_log_filename_template(tmp_path):
    """The path is the one Airflow renders from its [logging] log_filename_template (the default,
    which make leaves alone) for the task instance and attempt."""
    from airflow.configuration import conf
    from airflow.utils.helpers import parse_template_string, render_template

    files = airflow_local.task_logs("news_pipeline", DAGS_TEST_OUTPUT, tmp_path)

    class TI:
        dag_id, run_id, task_id, map_index = "news_pipeline", RUN, "fetch_source", 0

    class Unmapped(TI):
        task_id, map_index = "plan_fetch", -1

    _, template = parse_template_string(conf.get_default_value("logging", "log_filename_template"))
    assert tmp_path / render_template(template, {"ti": TI, "try_number": 2}, native=False) == files[2]
    assert tmp_path / render_template(template, {"ti": Unmapped, "try_number": 1}, native=False) == files[0]
