package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.spi.JobParam;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The configuration reference (the table of docs/configuration.md) against the code: every property of
 * {@link JobstreamConfig} is a row of it, in environment-variable form ({@code jobstream.engines.timeout-grace} is
 * {@code JOBSTREAM_ENGINES_TIMEOUT_GRACE}), every {@code JOBSTREAM_…} key of a row is a property, and a default the
 * table gives is the property's {@code @WithDefault}. The keys the table names that are read elsewhere are listed in
 * {@link #FROM_ELSEWHERE}, each with where. Besides, every {@code JOBSTREAM_…} name in the docs is a property or a
 * variable of the clients, and every {@code jobstream.…} key a comment of the service's code names is a property
 * (or a name the code uses as a string: a meter, a span attribute).
 */
class ConfigurationReferenceTest {

    /** Keys of the table that are not properties of {@link JobstreamConfig}, and who reads them. */
    static final Map<String, String> FROM_ELSEWHERE = Map.ofEntries(
            Map.entry("PGHOST", "application.properties: the datasource URLs"),
            Map.entry("PGPORT", "application.properties: the datasource URLs"),
            Map.entry("PGDATABASE", "application.properties: the datasource URLs"),
            Map.entry("PGUSER", "application.properties: quarkus.datasource.username"),
            Map.entry("PGPASSWORD", "application.properties: quarkus.datasource.password"),
            Map.entry("PGSSLMODE", "libpq's variable, read by config/LibpqSslConfigSource for every connection"),
            Map.entry("PGSSLROOTCERT", "libpq's variable, read by config/LibpqSslConfigSource for every connection"),
            Map.entry("QUARKUS_HTTP_PORT", "Quarkus: quarkus.http.port"),
            Map.entry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "SmallRye JWT: mp.jwt.verify.publickey.location"),
            Map.entry("MP_JWT_VERIFY_ISSUER", "SmallRye JWT: mp.jwt.verify.issuer"),
            Map.entry("MP_JWT_VERIFY_AUDIENCES", "SmallRye JWT: mp.jwt.verify.audiences"),
            Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "Quarkus OpenTelemetry (config/TracingConfigSource)"),
            Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "Quarkus OpenTelemetry (config/TracingConfigSource)"),
            Map.entry("QUARKUS_OTEL_SDK_DISABLED", "Quarkus OpenTelemetry (config/TracingConfigSource)"),
            Map.entry("QUARKUS_OTEL_INSTRUMENT_VERTX_SQL_CLIENT", "Quarkus OpenTelemetry: SQL spans"));

    /** {@code JOBSTREAM_…} variables of the clients (clients/java, clients/node, clients/cli), not of the service. */
    static final Set<String> CLIENT_VARIABLES = Set.of("JOBSTREAM_URL", "JOBSTREAM_TOKEN", "JOBSTREAM_TOKEN_FILE");

    private static final Path REFERENCE = Path.of("docs", "configuration.md");
    private static final Pattern KEY = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

    /** A property of the configuration: its key ({@code jobstream.engines.max}) and its default, if it has one. */
    record Property(String key, Optional<String> defaultValue) {
        String environmentName() {
            return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    @Test
    void everyPropertyIsARowAndEveryRowIsAPropertyOrReadElsewhere() {
        Map<String, String> rows = rows(Markdown.read(REFERENCE));
        TreeSet<String> missing = new TreeSet<>();
        for (Property property : properties()) {
            if (!rows.containsKey(property.environmentName())) {
                missing.add(property.environmentName());
            }
        }
        assertEquals(Set.of(), missing, "properties of JobstreamConfig that " + REFERENCE + " does not list");

        Set<String> names = new TreeSet<>();
        properties().forEach(property -> names.add(property.environmentName()));
        TreeSet<String> unknown = new TreeSet<>(rows.keySet());
        unknown.removeAll(names);
        unknown.removeAll(FROM_ELSEWHERE.keySet());
        assertEquals(Set.of(), unknown, "keys of " + REFERENCE + " that are no property and not read elsewhere");
        TreeSet<String> stale = new TreeSet<>(FROM_ELSEWHERE.keySet());
        stale.removeAll(rows.keySet());
        assertEquals(Set.of(), stale, "FROM_ELSEWHERE names keys that " + REFERENCE + " no longer lists");
    }

    @Test
    void theDefaultsOfTheTableAreTheCodes() {
        Map<String, String> rows = rows(Markdown.read(REFERENCE));
        Map<String, String> wrong = new TreeMap<>();
        for (Property property : properties()) {
            String shown = rows.get(property.environmentName());
            if (shown == null || property.defaultValue().isEmpty()) {
                continue; // a missing row is the test above; without @WithDefault the default comes from elsewhere
            }
            if (!sameValue(property.defaultValue().get(), shown)) {
                wrong.put(property.environmentName(), shown + " (the code: " + property.defaultValue().get() + ")");
            }
        }
        assertEquals(Map.of(), wrong, "defaults of " + REFERENCE + " that are not the code's");
    }

    @Test
    void everyJobstreamVariableOfTheDocsIsAPropertyOrAClientsVariable() {
        Set<String> names = new TreeSet<>(CLIENT_VARIABLES);
        properties().forEach(property -> names.add(property.environmentName()));
        Map<String, String> unknown = new TreeMap<>();
        for (Path file : Markdown.files()) {
            Matcher variable = Pattern.compile("\\bJOBSTREAM_[A-Z0-9_]*[A-Z0-9]").matcher(Markdown.read(file));
            while (variable.find()) {
                if (!names.contains(variable.group())) {
                    unknown.put(variable.group(), file.toString());
                }
            }
        }
        assertEquals(Map.of(), unknown, "JOBSTREAM_ names in the docs that nothing reads");
        List<String> clients = Sources.stringsOf(Path.of("clients"));
        for (String client : CLIENT_VARIABLES) {
            assertTrue(clients.contains(client), client + " is read by a client");
        }
    }

    @Test
    void everyKeyTheCodesCommentsNameIsAProperty() {
        Set<String> known = new TreeSet<>();
        properties().forEach(property -> known.add(property.key()));
        Set<String> strings = new TreeSet<>(Sources.stringsOf(Path.of("src", "main", "java")));
        Map<String, String> unknown = new TreeMap<>();
        Pattern key = Pattern.compile("(?<![\\w.$/-])jobstream(\\.[a-z][a-z0-9-]*)+");
        for (Sources.File file : Sources.of(Path.of("src", "main", "java"))) {
            Matcher named = key.matcher(file.withoutStrings());
            while (named.find()) {
                String name = named.group();
                if (!known.contains(name) && !strings.contains(name)) {
                    unknown.put(name, file.path().toString());
                }
            }
        }
        assertEquals(Map.of(), unknown, "jobstream.… keys named in comments that are no property");
    }

    @Test
    void propertiesAreReadFromTheInterfaceAsSmallRyeNamesThem() {
        Map<String, Optional<String>> byKey = new LinkedHashMap<>();
        properties().forEach(property -> byKey.put(property.key(), property.defaultValue()));
        assertEquals(Optional.of("30s"), byKey.get("jobstream.engines.timeout-grace"));
        assertEquals(Optional.of("false"), byKey.get("jobstream.metrics.public"));
        assertEquals(Optional.empty(), byKey.get("jobstream.workers.jobs-file"));
        assertEquals("JOBSTREAM_TRIGGERS_MAX_WAITS_PER_TOKEN",
                new Property("jobstream.triggers.max-waits-per-token", Optional.empty()).environmentName());
        assertTrue(sameValue("10m", "10m"));
        assertTrue(sameValue("30d", "PT720H"));
        assertTrue(sameValue("false", "false (true in dev and test mode)"));
        assertTrue(!sameValue("5s", "15s"));
    }

    /** Every property of {@link JobstreamConfig}, its groups (nested interfaces) walked. */
    static List<Property> properties() {
        String prefix = JobstreamConfig.class.getAnnotation(ConfigMapping.class).prefix();
        List<Property> properties = new ArrayList<>();
        collect(JobstreamConfig.class, prefix, properties);
        return properties;
    }

    private static void collect(Class<?> group, String prefix, List<Property> properties) {
        for (Method method : group.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.isSynthetic()
                    || method.getParameterCount() > 0) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> type = valueType(method.getGenericReturnType());
            if (type.isInterface() && type.getEnclosingClass() == JobstreamConfig.class) {
                collect(type, key, properties);
            } else {
                WithDefault value = method.getAnnotation(WithDefault.class);
                properties.add(new Property(key, Optional.ofNullable(value).map(WithDefault::value)));
            }
        }
    }

    /** The type a property holds: {@code Duration} for {@code Optional<Duration>}. */
    private static Class<?> valueType(Type type) {
        if (type instanceof ParameterizedType generic && generic.getRawType() == Optional.class
                && generic.getActualTypeArguments()[0] instanceof Class<?> held) {
            return held;
        }
        return type instanceof ParameterizedType generic ? (Class<?>) generic.getRawType() : (Class<?>) type;
    }

    /** {@code timeoutGrace} → {@code timeout-grace}, as SmallRye names a method's property. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The table's rows by key (a row naming several keys counts for each): the default column of each. */
    static Map<String, String> rows(String reference) {
        Map<String, String> rows = new TreeMap<>();
        for (String line : reference.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Matcher key = KEY.matcher(cells[1]);
            while (key.find()) {
                rows.put(key.group(1), cells[2].strip());
            }
        }
        return rows;
    }

    /**
     * Whether the table's default (its first word: "false (true in dev and test mode)" is false) is the code's:
     * durations compared as durations ({@code 30d} and {@code PT720H} are one), anything else as text (a number
     * without the commas the table may write: {@code 10,000}).
     */
    static boolean sameValue(String code, String shown) {
        String first = shown.split(" ")[0].replace(",", "");
        Optional<Duration> codeDuration = duration(code);
        if (codeDuration.isPresent()) {
            return codeDuration.equals(duration(first));
        }
        return code.equalsIgnoreCase(first);
    }

    /** A duration as jobstream reads one ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 30d}, ISO-8601). */
    static Optional<Duration> duration(String text) {
        try {
            return Optional.of(JobParam.parseDuration(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
