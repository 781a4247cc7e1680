"""pytest-stoat-mock: run stoat-mock (the Stoat bots API emulator) from pytest.

The fixtures live in plugin.py; StoatMock (server.py) also works without pytest.
"""

from .server import Response, StoatMock, StoatMockError, StoatMockStartError, find_binary

__all__ = ["StoatMock", "StoatMockError", "StoatMockStartError", "Response", "find_binary"]
__version__ = "0.1.0"
