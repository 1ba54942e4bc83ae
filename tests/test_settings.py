"""Settings: declared once, validated with a one-line error naming the variable, documented from
the declaration."""

import re
import subprocess
from dataclasses import fields

import pytest

from newsflow.settings import SettingError, Settings, markdown
from tests.conftest import NEWSFLOW, ROOT


def test_readme_configuration_table_is_generated_from_the_declarations():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("<!-- settings:start -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    assert section.strip() == markdown().strip(), "run: make docs"


def test_every_setting_has_a_variable_and_a_doc():
    for f in fields(Settings):
        assert f.metadata["env"] == f"NEWSFLOW_{f.name.upper()}"
        assert len(f.metadata["doc"]) > 10


def test_unset_and_empty_variables_keep_the_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"NEWSFLOW_BATCH_SIZE": ""}) == Settings()


def test_paths_replace_the_default_sources_file():
    s = Settings.from_env({"NEWSFLOW_SOURCES": "a:b"})
    assert s.sources == ("a", "b") and s.sources_file == ""


@pytest.mark.parametrize("name, value, expected", [
    ("BATCH_SIZE", "abc", "a whole number ≥ 1"),
    ("BATCH_SIZE", "0", "a whole number ≥ 1"),
    ("MIN_WORDS", "-3", "a whole number ≥ 1"),
    ("NLP_LANGUAGES", "english", "two-letter language codes"),
    ("DEFAULT_LANGUAGE", "en,de", "one two-letter language code"),
    ("STORAGE_OPTIONS", "[1, 2]", "a JSON object"),
    ("STORAGE_OPTIONS", "{nope", "a JSON object"),
    ("LOCK_WAIT", "-1", "seconds ≥ 0"),
    ("LOCK_TTL", "nan", "seconds ≥ 0"),
])
def test_a_bad_value_names_the_variable_and_what_it_expects(name, value, expected):
    with pytest.raises(SettingError) as err:
        Settings.from_env({f"NEWSFLOW_{name}": value})
    assert str(err.value).startswith(f"NEWSFLOW_{name} must be ") and expected in str(err.value)
    assert repr(value) in str(err.value)


@pytest.mark.slow
def test_the_cli_refuses_a_bad_setting_with_one_line_and_exit_2(tmp_path):
    p = subprocess.run([NEWSFLOW, "summary", "--data", str(tmp_path)], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "NEWSFLOW_BATCH_SIZE": "abc"}, timeout=120)
    assert p.returncode == 2
    assert p.stderr.strip() == "newsflow: error: NEWSFLOW_BATCH_SIZE must be a whole number ≥ 1, got 'abc'"


@pytest.mark.slow
def test_a_closed_pipe_is_not_an_error(tmp_path):
    p = subprocess.run(f"'{NEWSFLOW}' schema | head -1", shell=True, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip()
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr


def test_only_the_settings_module_reads_newsflow_variables():
    """One declaration per setting: nothing else reads NEWSFLOW_* from the environment
    (NEWSFLOW_CRASH_AT is the crash-recovery tests' fault injection, not a setting)."""
    readers = {}
    for path in [*(ROOT / "include" / "newsflow").glob("*.py"), *(ROOT / "dags").glob("*.py"),
                 *(ROOT / "plugins").glob("*.py")]:
        if path.name == "settings.py":
            continue
        found = set(re.findall(r"NEWSFLOW_[A-Z_]+", "\n".join(
            line for line in path.read_text().splitlines() if "environ" in line or "getenv" in line)))
        if found - {"NEWSFLOW_CRASH_AT"}:
            readers[path.name] = found
    assert readers == {}


def test_run_params_may_only_name_paths_under_the_folders_the_deployment_reads(tmp_path):
    inbox, secret = tmp_path / "inbox", tmp_path / "home"
    (inbox / "today").mkdir(parents=True)
    secret.mkdir()
    (secret / "id_rsa.txt").write_text("not for the lake")
    (inbox / "escape").symlink_to(secret)
    s = Settings(sources=(str(inbox),), sources_file="")
    assert s.overridden(sources=[str(inbox / "today")]).sources == (str(inbox / "today"),)
    for hostile in ([str(secret)], ["/etc"], [str(inbox / "escape")], [str(inbox / ".." / "home")]):
        with pytest.raises(SettingError, match="outside the folders a run may read"):
            s.overridden(sources=hostile)
    with pytest.raises(SettingError, match="sources_file: /etc/passwd is outside"):
        s.overridden(sources_file="/etc/passwd")
    wider = Settings(sources=(str(inbox),), sources_file="", param_roots=(str(secret),))
    assert wider.overridden(sources=[str(secret)]).sources == (str(secret),)
