package dev.shoal.ops.bench;

import java.util.List;

/**
 * The two nginx configurations of {@code shoal bench ingress}: a backend that answers a short
 * fixed body (each task of the benchmarked service is one, so the proxies, not the backends, are
 * what is measured) and a reverse proxy to those same tasks, configured to do what Shoal's ingress
 * does: HTTP/1.1 with keep-alive to the tasks, round robin, the forwarded headers set.
 */
final class NginxConfigs {
  /** Replaced by the task's $PORT when the task writes its configuration. */
  static final String PORT_PLACEHOLDER = "@PORT@";

  private NginxConfigs() {}

  /** One process (master_process off), so no worker changes user and any user can run it. */
  static String backend() {
    return String.join("\n",
        "daemon off;",
        "master_process off;",
        "worker_processes 1;",
        "pid nginx.pid;",
        "error_log stderr warn;",
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp; uwsgi_temp_path tmp;"
            + " scgi_temp_path tmp;",
        "  keepalive_requests 100000;",
        "  server {",
        "    listen 127.0.0.1:" + PORT_PLACEHOLDER + ";",
        "    location / { default_type text/plain; return 200 \"hello from a shoal task\\n\"; }",
        "  }",
        "}",
        "");
  }

  /** A reverse proxy on {@code port} to {@code endpoints} (host:port), one worker per core. */
  static String proxy(int port, List<String> endpoints, boolean root) {
    StringBuilder upstream = new StringBuilder();
    for (String e : endpoints) {
      upstream.append("    server ").append(e).append(";\n");
    }
    return String.join("\n",
        root ? "user root;" : "",
        "daemon off;",
        "worker_processes auto;",
        "pid nginx.pid;",
        "error_log stderr warn;",
        "events { worker_connections 4096; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp; uwsgi_temp_path tmp;"
            + " scgi_temp_path tmp;",
        "  upstream tasks {",
        upstream + "    keepalive 128;",
        "  }",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    location / {",
        "      proxy_pass http://tasks;",
        "      proxy_http_version 1.1;",
        "      proxy_set_header Connection \"\";",
        "      proxy_set_header Host $http_host;",
        "      proxy_set_header X-Forwarded-For $remote_addr;",
        "      proxy_set_header X-Forwarded-Proto $scheme;",
        "      proxy_set_header X-Forwarded-Host $http_host;",
        "    }",
        "  }",
        "}",
        "");
  }
}
