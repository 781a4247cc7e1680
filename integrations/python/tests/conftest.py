# The plugin's tests run pytest on small test files (pytester), each in a child process
# so that its environment (PATH, STOAT_MOCK_BIN) is its own.
pytest_plugins = ["pytester"]
