"""The pytest-stoat-mock plugin, run the way users run it: pytest over a test file in a
fresh directory (pytester, child process). STOAT_MOCK_BIN names the stoat-mock under test
(integrations/python/test.sh sets it)."""

import os
import re
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_stoat_mock import StoatMock, StoatMockStartError, find_binary

BIN = os.path.abspath(os.environ["STOAT_MOCK_BIN"])
ROOT = Path(__file__).resolve().parents[3]
BOT = "01J0H3HPB0T5T0KEN000000AAA"  # HelperBot in the bundled fixtures, owned by alice


def run(pytester, source, *args, ini=""):
    pytester.makepyfile(test_it=textwrap.dedent(source))
    pytester.makeini("[pytest]\n" + textwrap.dedent(ini))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", *args)


def script(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_every_call_of_the_fixture(pytester):
    result = run(pytester, f"""
        import json
        import pytest
        from pytest_stoat_mock import StoatMockError

        def test_addresses(stoat_mock):
            assert stoat_mock.url.startswith("http://127.0.0.1:")
            root = stoat_mock.request("GET", "/").json
            assert stoat_mock.ws_url == root["ws"] and stoat_mock.ws_url.startswith("ws://")

        def test_create_user(stoat_mock):
            account = stoat_mock.create_user("dave")
            assert set(account) == {{"user", "token"}}
            assert account["user"]["username"] == "dave" and len(account["token"]) == 64
            me = stoat_mock.request("GET", "/users/@me", token=account["token"])
            assert (me.status, me.json["_id"]) == (200, account["user"]["_id"])

        def test_add_fault_and_requests(stoat_mock):
            fid = stoat_mock.add_fault(method="PATCH", path="/bots/*",
                                       error={{"type": "DatabaseError", "operation": "update_one"}})
            assert fid == "fault-1"
            r = stoat_mock.request("PATCH", "/bots/{BOT}", json={{"name": "Renamed"}}, token="alice-session")
            assert (r.status, r.json["type"], r.json["operation"]) == (500, "DatabaseError", "update_one")
            stoat_mock.request("GET", "/bots/@me", token="alice-session")
            assert [q["method"] for q in stoat_mock.requests()] == ["PATCH", "GET"]
            [patch] = stoat_mock.requests(method="patch")
            assert (patch["status"], patch["fault"], json.loads(patch["body"])) == (500, fid, {{"name": "Renamed"}})
            assert [q["path"] for q in stoat_mock.requests(path="/bots/@me")] == ["/bots/@me"]
            assert stoat_mock.requests(method="DELETE", path="/bots/*") == []
            assert [q["path"] for q in stoat_mock.requests(route="bots.fetch_owned")] == ["/bots/@me"]
            assert stoat_mock.request_count() == 2
            assert stoat_mock.request_count(route="bots.edit") == 1
            sent = stoat_mock.request("GET", "/channels/{BOT}", token="alice-session")
            assert sent.status == 501
            [absent] = stoat_mock.requests(route="not_emulated")
            assert (absent["status"], absent["path"]) == (501, "/channels/{BOT}")
            assert stoat_mock.request_count(route="unmatched") == 0
            with pytest.raises(StoatMockError) as e:
                stoat_mock.requests(route="no.such.row")
            assert e.value.status == 400

        def test_state_and_set_state(stoat_mock):
            doc = stoat_mock.state()
            assert "alice" in [u["username"] for u in doc["users"]]
            doc["users"] = [u for u in doc["users"] if u["username"] != "carol"]
            stoat_mock.set_state(doc)
            assert stoat_mock.state() == doc
            assert stoat_mock.request("GET", "/users/@me", token="carol-session").status == 401

        def test_errors_of_the_control_api(stoat_mock):
            with pytest.raises(StoatMockError) as e:
                stoat_mock.add_fault(paht="/bots/*")
            assert e.value.status == 400 and e.value.body["type"] == "FailedValidation"
            assert "paht" in str(e.value)
            with pytest.raises(StoatMockError, match="400 FailedValidation"):
                stoat_mock.create_user("x")
            with pytest.raises(StoatMockError):
                stoat_mock.set_state({{"users": "nope"}})

        def test_reset(stoat_mock):
            stoat_mock.create_user("erin")
            stoat_mock.reset()
            assert "erin" not in [u["username"] for u in stoat_mock.state()["users"]]
            assert stoat_mock.requests() == []
    """, f"--stoat-mock-bin={BIN}")
    result.assert_outcomes(passed=6)


def test_one_server_per_session_reset_before_each_test_unless_marked(pytester):
    result = run(pytester, """
        import pytest
        seen = []

        def names(mock):
            return [u["username"] for u in mock.state()["users"]]

        def test_1_changes_things(stoat_mock):
            seen.append((stoat_mock.url, stoat_mock.process.pid))
            stoat_mock.create_user("dave")
            stoat_mock.add_fault(path="/nowhere", times=0, delay_ms=1)

        @pytest.mark.stoat_mock_no_reset
        def test_2_opted_out_sees_them(stoat_mock):
            seen.append((stoat_mock.url, stoat_mock.process.pid))
            assert "dave" in names(stoat_mock)
            assert len(stoat_mock.request("GET", "/_mock/faults").json["faults"]) == 1

        def test_3_reset_again(stoat_mock):
            seen.append((stoat_mock.url, stoat_mock.process.pid))
            assert "dave" not in names(stoat_mock)
            assert stoat_mock.request("GET", "/_mock/faults").json["faults"] == []

        def test_4_the_session_fixture_is_never_reset(stoat_mock_server):
            stoat_mock_server.create_user("frank")

        def test_5_same_server_throughout(stoat_mock_server):
            seen.append((stoat_mock_server.url, stoat_mock_server.process.pid))
            assert "frank" in names(stoat_mock_server)
            assert len(set(seen)) == 1, seen
    """, ini="stoat_mock_args = --seed 7\n")
    result.assert_outcomes(passed=5)


def test_seed_from_ini_and_command_line(pytester):
    body = """
        def test_same_ids(stoat_mock):
            first = stoat_mock.create_user("dave")
            stoat_mock.reset()
            assert stoat_mock.create_user("dave") == first
    """
    run(pytester, body, ini="stoat_mock_args = --seed 3\n").assert_outcomes(passed=1)
    run(pytester, body, "--stoat-mock-args=--seed 3").assert_outcomes(passed=1)
    run(pytester, body).assert_outcomes(failed=1)  # without a seed, new random ids


CHOSEN = """
    import os
    def test_which(stoat_mock):
        assert stoat_mock.binary == os.environ["EXPECTED"]
        assert stoat_mock.request("GET", "/_mock/health").status == 200
"""


def test_binary_lookup_order(pytester, monkeypatch, tmp_path):
    by_option = script(tmp_path / "by-option", f'exec "{BIN}" "$@"\n')
    by_env = script(tmp_path / "by-env", f'exec "{BIN}" "$@"\n')
    bindir = tmp_path / "bin"
    bindir.mkdir()
    on_path = script(bindir / "stoat-mock", f'exec "{BIN}" "$@"\n')
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")

    monkeypatch.setenv("STOAT_MOCK_BIN", str(by_env))
    monkeypatch.setenv("EXPECTED", str(by_option))
    run(pytester, CHOSEN, f"--stoat-mock-bin={by_option}").assert_outcomes(passed=1)
    monkeypatch.setenv("EXPECTED", str(by_env))
    run(pytester, CHOSEN).assert_outcomes(passed=1)
    monkeypatch.delenv("STOAT_MOCK_BIN")
    monkeypatch.setenv("EXPECTED", str(on_path))
    run(pytester, CHOSEN).assert_outcomes(passed=1)


def test_not_found_names_all_three(pytester, monkeypatch, tmp_path):
    monkeypatch.delenv("STOAT_MOCK_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(pytester, CHOSEN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*stoat-mock was not found. stoat-mock is looked up, in this order, through:",
        "*1. the --stoat-mock-bin option: not set",
        "*2. the STOAT_MOCK_BIN environment variable: not set",
        "*3. PATH: no stoat-mock on it",
    ])

    monkeypatch.setenv("STOAT_MOCK_BIN", str(tmp_path / "nothing-here"))
    result = run(pytester, CHOSEN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*STOAT_MOCK_BIN='{tmp_path}/nothing-here' is not an executable file*",
                                 "*--stoat-mock-bin*", "*PATH*"])


def test_a_server_that_cannot_start_fails_with_its_own_stderr(pytester):
    result = run(pytester, """
        def test_a(stoat_mock): pass
        def test_b(stoat_mock): pass
    """, f"--stoat-mock-bin={BIN}", "--stoat-mock-args=--fixtures /nonexistent/fixtures.json")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines([
        "*stoat-mock did not start: * --fixtures /nonexistent/fixtures.json exited with status 1.",
        "*Its stderr:",
        "*stoat-mock: cannot read fixtures '/nonexistent/fixtures.json': No such file or directory",
    ])
    assert "IndexError" not in result.stdout.str() and "Traceback" not in result.stdout.str()


def test_a_silent_server_times_out_with_its_stderr(pytester, tmp_path):
    mute = script(tmp_path / "mute", 'echo "warming up" >&2\nexec sleep 30\n')
    result = run(pytester, "def test_a(stoat_mock): pass\n", f"--stoat-mock-bin={mute}",
                 ini="stoat_mock_start_timeout = 0.5\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*printed no 'listening on' line within 0.5 s*", "*warming up*"])


def test_without_pytest():
    with StoatMock(find_binary(BIN), ["--seed", "1"]) as mock:
        assert mock.request("GET", "/_mock/health").json["status"] == "ok"
        proc = mock.process
    assert proc.poll() == 0  # SIGTERM: the server stops cleanly
    with pytest.raises(StoatMockStartError, match="exited with status 2"):
        StoatMock(BIN, ["--no-such-flag"]).start()


def readme_files(heading):
    """The fenced blocks of README.md's section `heading`, each opening with a comment
    that names its file ("# test_x.py", "# pytest.ini"): {name: text}."""
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{heading}\n")
    section = text[start + len(heading) + 2:]
    section = section[:re.search(r"\n#{2,4} ", section).start()]
    files = {}
    for block in re.findall(r"```[a-z]*\n(.*?)```", section, re.S):
        m = re.match(r"(?:#|;|//) ([\w.-]+\.(?:py|ini|toml|cfg))\n", block)
        if m:
            files[m.group(1)] = block
    return files


def test_the_readme_example_runs_as_written(pytester):
    files = readme_files("### With pytest")
    assert any(name.startswith("test_") for name in files), files
    for name, text in files.items():
        (pytester.path / name).write_text(text)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--stoat-mock-bin={BIN}")
    tests = sum(len(re.findall(r"^def test_", t, re.M)) for t in files.values())
    result.assert_outcomes(passed=tests)
