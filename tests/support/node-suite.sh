# node-suite.sh: the start every Node.js suite's run.sh shares (sourced, not run).
#
#   node_suite_setup SUITE DIR BIN
#
# Checks that node (18 or newer) and npm are there and that BIN is an executable
# stoat-mock, then installs the suite's pinned packages in DIR from its lock file
# (scripts/npm.sh ci, or offline from npm's cache when the registry cannot be
# reached). SUITE names the suite in the error lines. Exits 1 with one line on
# anything missing.
node_suite_setup() {
	local suite=$1 dir=$2 bin=$3 root major
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	node_suite_fail() { echo "$suite: $*" >&2; exit 1; }
	command -v node >/dev/null || node_suite_fail "node is not installed (scripts/deps.sh test installs it)"
	command -v npm >/dev/null || node_suite_fail "npm is not installed (scripts/deps.sh test installs it)"
	major=$(node -p 'process.versions.node.split(".")[0]')
	[ "$major" -ge 18 ] || node_suite_fail "node $(node --version) is too old: 18 or newer is needed"
	[ -x "$bin" ] || node_suite_fail "no stoat-mock binary at '$bin' (build it first, or set STOAT_MOCK_BIN)"
	echo "node $(node --version), npm $(npm --version); installing the pinned packages of $suite"
	(cd "$dir" && { bash "$root/scripts/npm.sh" ci --no-audit --no-fund --prefer-offline --loglevel=error ||
		npm ci --no-audit --no-fund --offline --loglevel=error; }) || node_suite_fail "npm ci failed"
}
