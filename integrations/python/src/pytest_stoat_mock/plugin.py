"""plugin.py: the pytest side of pytest-stoat-mock (registered through the pytest11
entry point, so installing the package is enough).

Fixtures:
  stoat_mock_server  session scope: one server for the whole run (one per xdist worker),
                     started when a test first asks for it, stopped at the end
  stoat_mock         the same server, reset (POST /_mock/reset) before each test that
                     uses it, unless the test is marked @pytest.mark.stoat_mock_no_reset
Options:
  --stoat-mock-bin PATH     the binary (before $STOAT_MOCK_BIN and PATH)
  --stoat-mock-args ARGS    extra server flags, split like a shell line; adds to the ini
  ini stoat_mock_args       extra server flags, e.g. "--seed 1"
  ini stoat_mock_start_timeout   seconds to wait for the server's address (default 10)
A server that cannot be found or started fails the tests that use it, with the lookup
or the server's own stderr in the message.
"""

import shlex

import pytest

from .server import StoatMock, StoatMockStartError, find_binary


def pytest_addoption(parser):
    group = parser.getgroup("stoat-mock")
    group.addoption("--stoat-mock-bin", metavar="PATH", default=None,
                    help="stoat-mock executable (default: $STOAT_MOCK_BIN, then stoat-mock on PATH)")
    group.addoption("--stoat-mock-args", metavar="ARGS", default=None,
                    help="extra stoat-mock flags, e.g. \"--seed 1\" (added to the stoat_mock_args ini value)")
    parser.addini("stoat_mock_args", type="args", default=[],
                  help="extra stoat-mock flags, e.g. --seed 1")
    parser.addini("stoat_mock_start_timeout", default="10",
                  help="seconds to wait for stoat-mock to print its address (default 10)")


def pytest_configure(config):
    config.addinivalue_line("markers", "stoat_mock_no_reset: the stoat_mock fixture does not reset "
                                       "the server before this test")


@pytest.fixture(scope="session")
def stoat_mock_server(pytestconfig):
    """One stoat-mock for the session, never reset by this fixture."""
    args = list(pytestconfig.getini("stoat_mock_args"))
    extra = pytestconfig.getoption("stoat_mock_args")
    if extra:
        args += shlex.split(extra)
    timeout = float(pytestconfig.getini("stoat_mock_start_timeout"))
    try:
        mock = StoatMock(find_binary(pytestconfig.getoption("stoat_mock_bin")), args, timeout=timeout).start()
    except StoatMockStartError as e:
        pytest.fail(str(e), pytrace=False)
    yield mock
    mock.stop()


@pytest.fixture
def stoat_mock(stoat_mock_server, request):
    """The session's stoat-mock, reset before this test (opt out with
    @pytest.mark.stoat_mock_no_reset)."""
    if request.node.get_closest_marker("stoat_mock_no_reset") is None:
        stoat_mock_server.reset()
    return stoat_mock_server
