# deb.Dockerfile: the Debian package installed as a user installs it, in a clean
# debian:bookworm-slim. Built by tests/install/run.sh with the folder holding the .deb
# (dist/) as the build context; apt-get pulls the Depends from Debian.
FROM debian:bookworm-slim
COPY stoat-mock_*.deb /tmp/pkg/
WORKDIR /tmp/pkg
# the README's command; then: on PATH as /usr/bin/stoat-mock, every library found,
# the manual page and the fixtures in place (dpkg -L: the slim image drops man pages
# and docs from the disk, as its dpkg.cfg.d/docker says)
RUN apt-get update -qq \
    && apt-get install -y -qq ./stoat-mock_*.deb >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && test "$(command -v stoat-mock)" = /usr/bin/stoat-mock \
    && ! ldd /usr/bin/stoat-mock | grep 'not found' \
    && stoat-mock --version \
    && dpkg -L stoat-mock | grep -qx /usr/share/man/man1/stoat-mock.1 \
    && test -s /usr/share/stoat-mock/fixtures/default.json
WORKDIR /
EXPOSE 14702
# found through PATH, as a user types it
CMD ["stoat-mock", "--host", "0.0.0.0", "--port", "14702"]
