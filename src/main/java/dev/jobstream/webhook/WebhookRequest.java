package dev.jobstream.webhook;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/** Body of {@code PUT /v1/webhooks/{name}}: where deliveries go, and what the webhook is for. */
@Schema(requiredProperties = "url", properties = {
        @SchemaProperty(name = "url", maxLength = Target.MAX_LENGTH, description = "an absolute http or https URL, "
                + "without user info; its host may not be internal unless the configuration allows it"),
        @SchemaProperty(name = "description", maxLength = WebhookService.MAX_DESCRIPTION)})
public record WebhookRequest(String url, String description) {
}
