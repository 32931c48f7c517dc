package dev.jobstream.webhook;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/webhooks}: the webhooks runs call when they end. Admins register, change, rotate the secret of and
 * delete them; operators read them (never their secret).
 */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {

    private final WebhookService webhooks;

    WebhookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    /** The webhooks, by name. */
    public record WebhookList(List<Webhook> webhooks) {
    }

    @GET
    @RolesAllowed(Roles.OPERATOR)
    public Uni<WebhookList> list() {
        return webhooks.list().map(WebhookList::new);
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Webhook> get(@PathParam("name") String name) {
        return webhooks.get(name);
    }

    /** Registers a webhook (201, with its secret: shown this once), or changes its URL and description (200). */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> put(@PathParam("name") String name, WebhookRequest request,
            @Context SecurityContext security) {
        return webhooks.put(name, request, Caller.of(security).name())
                .map(put -> Response.status(put.created() ? 201 : 200).entity(put.webhook()).build());
    }

    /** A new secret, answered this once; deliveries are signed with it from now on. */
    @POST
    @Path("{name}/secret")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Webhook> rotate(@PathParam("name") String name, @Context SecurityContext security) {
        return webhooks.rotate(name, Caller.of(security).name());
    }

    @DELETE
    @Path("{name}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("name") String name) {
        return webhooks.delete(name).replaceWith(() -> Response.noContent().build());
    }
}
