# syntax=docker/dockerfile:1
# jobstream container image, built from source with the Maven wrapper (tests are skipped here: CI runs them).
#
# JVM image (default): ubi9 OpenJDK 17 runtime, runs as user 185
#   docker build -t jobstream:0.1.0 .
# Native image: Mandrel builds the executable, quarkus-micro-image runs it as user 1001 (needs ~6 GiB for the build)
#   docker build --build-arg MODE=native -t jobstream:0.1.0-native .
#
# Run (either image; PostgreSQL 14+ from the libpq variables, see docs/configuration.md):
#   docker run --rm -p 8080:8080 -e PGHOST=db.internal -e PGPORT=5432 -e PGDATABASE=jobstream \
#     -e PGUSER=jobstream -e PGPASSWORD=secret -e JOBSTREAM_ADMIN_TOKEN=change-me jobstream:0.1.0
#
# Needs BuildKit (the default builder since Docker 23): the stage of the mode not chosen is not built. No
# HEALTHCHECK: Kubernetes probes /q/health/live, /q/health/ready and /q/health/started (k8s/).

ARG MODE=jvm

# ---- build: JVM (fast-jar in target/quarkus-app) ----
FROM registry.access.redhat.com/ubi9/openjdk-17:1.21 AS build-jvm
USER root
WORKDIR /build
# the sources only: .dockerignore lets nothing else into the build context
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -Dmaven.test.skip=true -Dformatter.skip -Dimpsort.skip

# ---- build: native executable (target/*-runner) ----
FROM quay.io/quarkus/ubi-quarkus-mandrel-builder-image:jdk-21 AS build-native
USER root
WORKDIR /build
# the sources only: .dockerignore lets nothing else into the build context
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q package -Pnative -Dmaven.test.skip=true -Dformatter.skip -Dimpsort.skip

# ---- run: JVM ----
FROM registry.access.redhat.com/ubi9/openjdk-17-runtime:1.21 AS run-jvm
ENV LANGUAGE='en_US:en'
# four layers, from the least to the most often changed
COPY --from=build-jvm --chown=185 /build/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build-jvm --chown=185 /build/target/quarkus-app/*.jar /deployments/
COPY --from=build-jvm --chown=185 /build/target/quarkus-app/app/ /deployments/app/
COPY --from=build-jvm --chown=185 /build/target/quarkus-app/quarkus/ /deployments/quarkus/
EXPOSE 8080
USER 185
# run-java.sh sizes the heap from the container's memory limit: half of it (bench/RESULTS.md "Memory")
ENV JAVA_MAX_RAM_RATIO=50
ENV JAVA_OPTS_APPEND="-Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager -XX:+ExitOnOutOfMemoryError"
ENV JAVA_APP_JAR="/deployments/quarkus-run.jar"
ENTRYPOINT ["/opt/jboss/container/java/run/run-java.sh"]

# ---- run: native ----
FROM quay.io/quarkus/quarkus-micro-image:2.0 AS run-native
WORKDIR /work/
COPY --from=build-native --chown=1001:root --chmod=0755 /build/target/*-runner /work/application
EXPOSE 8080
USER 1001
ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0"]

# ---- the image: run-jvm or run-native ----
FROM run-${MODE}
