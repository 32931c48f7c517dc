package dev.jobstream.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;

import dev.jobstream.run.http.RunEventsRoute;

/**
 * Every {@code /v1} endpoint of the service, read from the compiled classes: each JAX-RS resource method (with the
 * role of its {@code @RolesAllowed}, null if it has none) and the Vert.x SSE route. Tests iterate over this list, so an
 * endpoint added later is covered — and fails the matrix test if it has no access rule.
 */
public final class Endpoints {

    /** One endpoint: method, path template ({@code {id}} style), whether it answers SSE, the role it needs. */
    public record Endpoint(String method, String path, boolean sse, Role role, String source) {

        /** The path with {@code {id}}, {@code {job}} (and a webhook's {@code {name}}: the job's) filled in. */
        public String url(String runId, String job) {
            return path.replace("{id}", runId).replace("{job}", job).replace("{name}", job);
        }

        @Override
        public String toString() {
            return method + " " + path + (sse ? " (SSE)" : "");
        }
    }

    private Endpoints() {
    }

    public static List<Endpoint> all() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Class<?> type : resourceClasses()) {
            String base = type.getAnnotation(jakarta.ws.rs.Path.class).value();
            for (Method method : type.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = sub == null ? base : base + "/" + sub.value().replaceAll("^/", "");
                Produces produces = method.getAnnotation(Produces.class);
                boolean sse = produces != null && Arrays.asList(produces.value()).contains("text/event-stream");
                endpoints.add(new Endpoint(verb, path, sse, AccessDenied.required(method, type),
                        type.getSimpleName() + "." + method.getName()));
            }
        }
        endpoints.add(new Endpoint("GET", RunEventsRoute.PATH.replace(":id", "{id}"), true, RunEventsRoute.ROLE,
                "RunEventsRoute"));
        endpoints.sort(Comparator.comparing(Endpoint::path).thenComparing(Endpoint::method)
                .thenComparing(Endpoint::sse));
        return endpoints;
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(GET.class)) {
            return "GET";
        }
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(DELETE.class)) {
            return "DELETE";
        }
        if (method.isAnnotationPresent(jakarta.ws.rs.PATCH.class)) {
            return "PATCH";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(PATCH.class)) {
            return "PATCH";
        }
        return null;
    }

    private static List<Class<?>> resourceClasses() {
        Path root = Path.of("target", "classes");
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/jobstream"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$"))
                    .toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, Endpoints.class.getClassLoader());
                if (type.isAnnotationPresent(jakarta.ws.rs.Path.class)
                        && type.getAnnotation(jakarta.ws.rs.Path.class).value().startsWith("/v1")) {
                    types.add(type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }
}
