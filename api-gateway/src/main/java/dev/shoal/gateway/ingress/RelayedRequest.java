package dev.shoal.gateway.ingress;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;

/**
 * What the head of the request being relayed said, as the client connection's {@link HttpParser}
 * reports it, and whether the relay carries it: the headers kept for the task (hop-by-hop ones, and
 * those the gateway sets itself, dropped), the client's wish to close, and what makes Jetty's HTTP
 * server take the connection instead (an upgrade other than h2c, {@code Expect}, a transfer coding
 * other than chunked). One per client connection, reset between requests; touched by one thread at a
 * time (the client's reads, then the exchange).
 */
final class RelayedRequest implements HttpParser.RequestHandler {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private String method;
  private String uri;
  private HttpVersion version;
  private final List<HttpField> fields = new ArrayList<>();
  private String host;
  /** Header names the client's Connection header made hop-by-hop, besides close and keep-alive; usually null. */
  private String connectionTokens;
  private boolean needsJetty;
  private boolean headComplete;
  private volatile boolean complete;
  private boolean bad;
  private int badCode;
  private boolean closeRequested;

  void reset() {
    method = null;
    uri = null;
    version = null;
    fields.clear();
    host = null;
    connectionTokens = null;
    needsJetty = false;
    headComplete = false;
    complete = false;
    bad = false;
    badCode = 0;
    closeRequested = false;
  }

  String method() {
    return method;
  }

  String uri() {
    return uri;
  }

  String host() {
    return host;
  }

  List<HttpField> fields() {
    return fields;
  }

  String connectionTokens() {
    return connectionTokens;
  }

  boolean headComplete() {
    return headComplete;
  }

  /** The whole request, body included, was parsed. */
  boolean complete() {
    return complete;
  }

  /** The parser refused the request (its code: {@link #badCode}). */
  boolean bad() {
    return bad;
  }

  int badCode() {
    return badCode;
  }

  boolean closeRequested() {
    return closeRequested;
  }

  boolean isHead() {
    return "HEAD".equals(method);
  }

  /** HTTP/1.1 to a path, with nothing that needs Jetty's server. */
  boolean relayable() {
    return !needsJetty && version == HttpVersion.HTTP_1_1 && !uri.isEmpty() && uri.charAt(0) == '/';
  }

  /** Safe to send twice (nginx's {@code proxy_next_upstream} rule). */
  boolean idempotent() {
    return IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
  }

  @Override
  public void startRequest(String m, String u, HttpVersion v) {
    method = m;
    uri = u;
    version = v;
  }

  @Override
  public void parsedHeader(HttpField field) {
    HttpHeader h = field.getHeader();
    if (h == null) {
      fields.add(field);
      return;
    }
    switch (h) {
      case HOST -> {
        host = field.getValue();
        fields.add(field);
      }
      case CONNECTION -> {
        for (String token : field.getValue().split(",")) {
          String t = token.trim();
          if (t.equalsIgnoreCase("close")) {
            closeRequested = true;
          } else if (t.equalsIgnoreCase("upgrade")) {
            // the Upgrade header decides (below)
          } else if (!t.equalsIgnoreCase("keep-alive") && !t.isEmpty()) {
            connectionTokens = connectionTokens == null ? t : connectionTokens + "," + t;
          }
        }
      }
      case UPGRADE -> {
        // An h2c upgrade (Java's HttpClient asks on every new connection) may be ignored, as nginx
        // and Jetty's HTTP/1.1 server do; any other goes to Jetty, which tunnels it (WebSocket).
        if (!"h2c".equalsIgnoreCase(field.getValue().trim())) {
          needsJetty = true;
        }
      }
      case EXPECT -> needsJetty = true;
      case TRANSFER_ENCODING -> {
        if (!"chunked".equalsIgnoreCase(field.getValue().trim())) {
          needsJetty = true;
        }
        fields.add(field);
      }
      case KEEP_ALIVE, PROXY_CONNECTION, TE, FORWARDED, X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST,
           X_FORWARDED_PORT, X_FORWARDED_SERVER -> {
        // hop-by-hop, or set by the gateway
      }
      default -> fields.add(field);
    }
  }

  @Override
  public boolean headerComplete() {
    headComplete = true;
    return true;
  }

  @Override
  public boolean content(ByteBuffer content) {
    return false;
  }

  @Override
  public boolean contentComplete() {
    return false;
  }

  @Override
  public boolean messageComplete() {
    complete = true;
    return true;
  }

  @Override
  public void earlyEOF() {
    bad = true;
  }

  @Override
  public void badMessage(HttpException failure) {
    bad = true;
    badCode = failure.getCode();
  }
}
