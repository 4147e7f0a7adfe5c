package dev.shoal.gateway.ingress;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One published port as {@code GET /v1/ingress} shows it: the service holding it, how it proxies
 * ({@code http} or {@code tcp}) and balances, whether this gateway listens on it (and why not),
 * services whose claim on the same port was refused, and the tasks behind it with their traffic.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortView(int port, String host, String service, String serviceId, String protocol, String balance,
                       boolean listening, String error, List<String> conflicts, List<BackendView> tasks) {}
