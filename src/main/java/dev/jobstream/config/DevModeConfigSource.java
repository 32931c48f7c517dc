package dev.jobstream.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * In dev mode only ({@code ./mvnw quarkus:dev}): a service to tinker with and nothing to install. It points the
 * datasources at an embedded PostgreSQL whose data is kept in {@code target/jobstream-dev/postgres} from one start
 * to the next (set {@code PGHOST} to use a real database in dev mode too), and gives the service a token of each
 * role, kept in {@code target/jobstream-dev} as well ({@link DevCredentials}): the admin token and a tokens file with
 * the operator's, the viewer's and a worker's; the replica is named {@code dev} at every start. Deleting that folder
 * (or {@code ./mvnw clean}) starts afresh. Settings
 * of the user's own (environment, system properties) come first; the prod profile never embeds and makes up no token.
 */
public class DevModeConfigSource implements ConfigSourceFactory {

    /** Where dev mode keeps its database and tokens (the project's {@code target/}, where dev mode runs). */
    public static final Path DIRECTORY = Path.of("target", "jobstream-dev");
    /** Above application.properties (250), below system properties (400) and environment variables (300). */
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev")) {
            return Collections.emptyList();
        }
        Map<String, String> settings = settings(DIRECTORY);
        if (System.getenv("PGHOST") == null) {
            settings.putAll(
                    EmbeddedDatabase.start(DIRECTORY.resolve("postgres").toAbsolutePath()).datasourceSettings());
        }
        return List.of(new MapBackedConfigSource("jobstream-dev-mode", settings, ORDINAL) {
        });
    }

    /** The settings of dev mode but the database's: its tokens, kept in {@code directory}, and its replica's name. */
    static Map<String, String> settings(Path directory) {
        Map<String, String> settings = new HashMap<>();
        DevCredentials credentials = DevCredentials.in(directory);
        settings.put("jobstream.admin-token", credentials.token("admin"));
        settings.put("jobstream.tokens-file", credentials.tokensFile().toAbsolutePath().toString());
        // one name for the replica of dev mode: a live reload or a restart is the same replica again, not one more
        // in the registry each time
        settings.put("jobstream.instance-id", "dev");
        return settings;
    }
}
