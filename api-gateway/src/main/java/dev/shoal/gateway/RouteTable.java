package dev.shoal.gateway;

import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * The routes of one resource. Each table registers its own paths, so a new surface (the Docker
 * Engine API, metrics) is one more table rather than edits to existing ones.
 */
@FunctionalInterface
public interface RouteTable {
  void addTo(JavalinDefaultRoutingApi routes);
}
