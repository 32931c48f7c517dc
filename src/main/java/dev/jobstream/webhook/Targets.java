package dev.jobstream.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where a webhook's URL leads: its host resolved (on a worker thread: the JDK's resolver blocks) and every address
 * checked against the {@link AllowList}. Checked at registration and again at each delivery, which then connects to
 * the address checked — so a name that resolves elsewhere between the check and the connection (DNS rebinding)
 * still reaches no internal address.
 */
@Singleton
public class Targets {

    /** A target the allow-list refuses, or whose host does not resolve; the message says why. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final AllowList allowList;
    private final Vertx vertx;

    Targets(JobstreamConfig config, Vertx vertx) {
        try {
            this.allowList = new AllowList(config.webhooks().allowPrivate(), config.webhooks().allowedHosts());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        this.vertx = vertx;
    }

    /** The address to connect to for {@code target}; fails with {@link Refused} saying why there is none. */
    Uni<InetAddress> address(Target target) {
        return resolve(target.host()).map(addresses -> {
            Optional<String> refused = allowList.refusal(target.host(), addresses);
            if (refused.isPresent()) {
                throw new Refused(refused.get());
            }
            return addresses.get(0);
        });
    }

    private Uni<List<InetAddress>> resolve(String host) {
        if (AllowList.literal(host) != null) {
            try {
                return Uni.createFrom().item(List.of(InetAddress.getByAddress(AllowList.literal(host))));
            } catch (UnknownHostException e) {
                return Uni.createFrom().failure(new Refused("'" + host + "' is not an address"));
            }
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                return List.of(InetAddress.getAllByName(host));
            } catch (UnknownHostException e) {
                throw new Refused("'" + host + "' does not resolve");
            }
        }), false);
    }
}
