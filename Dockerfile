# eventswitch in a container: built on Debian 12, run on debian:12-slim with only the runtime
# packages of packaging/runtime-packages.txt (the list the Debian package's test checks).
#
#   docker build -t eventswitch .
#   docker run --rm -p 8021:8021 -e EVENTSWITCH_PASSWORD=secret eventswitch
#
# The daemon listens on 0.0.0.0:8021 inside the container; give it a password (the environment
# variable above, or --password-file with a mounted file). Extra arguments go to eventswitch,
# e.g. `--simulated-time` for tests. docs/ci-service.md shows it as a CI service.

FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config libasio-dev libssl-dev libpugixml-dev \
      libpcre2-dev libfmt-dev libcli11-dev libsndfile1-dev libedit-dev libcpp-httplib-dev \
      flite1-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DES_BUILD_TESTS=OFF \
      -DES_BUILD_BENCH=OFF \
    && cmake --build /build --target eventswitch escli httpivr \
    && cmake --install /build --component server --prefix /usr --strip

FROM debian:12-slim
COPY packaging/runtime-packages.txt /tmp/runtime-packages.txt
# Beside the libraries, tzdata: the zones of the dialplan's `timezone` variable.
RUN apt-get update \
    && grep -v '^#' /tmp/runtime-packages.txt \
       | xargs apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
    && useradd --system --no-create-home --shell /usr/sbin/nologin eventswitch
COPY --from=build /usr/bin/eventswitch /usr/bin/escli /usr/bin/httpivr /usr/bin/
COPY --from=build /etc/eventswitch /etc/eventswitch
USER eventswitch
EXPOSE 8021
ENTRYPOINT ["/usr/bin/eventswitch", "--conf", "/etc/eventswitch", "--listen-ip", "0.0.0.0", \
            "--listen-port", "8021"]
