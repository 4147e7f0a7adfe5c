#!/usr/bin/env python3
"""Writes Shoal's Grafana dashboards (dashboards/*.json) from the panel lists below.

The JSON files are what Grafana loads and what PrometheusScrapeIT checks (every query valid and
returning data on a running cluster); this script only keeps them consistent. After changing a
panel here, run `python3 ops/grafana/generate.py` and commit both.
"""
import json
import os

RATE = "$__rate_interval"
DS = {"type": "prometheus", "uid": "${datasource}"}


def panel(title, exprs, kind="timeseries", unit=None, legend=None, description=None, w=12, h=8):
    """A panel; exprs is a list of (expr, legend) pairs."""
    p = {"type": kind, "title": title, "datasource": DS, "targets": [], "fieldConfig": {"defaults": {}, "overrides": []},
         "options": {}}
    if description:
        p["description"] = description
    if unit:
        p["fieldConfig"]["defaults"]["unit"] = unit
    for i, (expr, leg) in enumerate(exprs):
        p["targets"].append({"datasource": DS, "refId": chr(ord("A") + i), "expr": expr, "legendFormat": leg or "__auto",
                             "range": kind != "table", "instant": kind == "table"})
    if kind == "stat":
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "colorMode": "value"}
    if kind == "table":
        p["targets"][0]["format"] = "table"
    p["_w"], p["_h"] = w, h
    return p


def variable(name, query, label):
    return {"name": name, "label": label, "type": "query", "datasource": DS, "query": {"query": query, "refId": name},
            "definition": query, "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "sort": 1}


def dashboard(uid, title, description, panels, variables=()):
    y, x, row_h = 0, 0, 0
    out = []
    for i, p in enumerate(panels, start=1):
        w, h = p.pop("_w"), p.pop("_h")
        if x + w > 24:
            x, y = 0, y + row_h
            row_h = 0
        p["id"] = i
        p["gridPos"] = {"x": x, "y": y, "w": w, "h": h}
        x += w
        row_h = max(row_h, h)
        out.append(p)
    templating = [{"name": "datasource", "label": "Prometheus", "type": "datasource", "query": "prometheus",
                   "current": {}, "hide": 0, "refresh": 1}] + list(variables)
    return {"uid": uid, "title": title, "description": description, "tags": ["shoal"], "editable": True,
            "schemaVersion": 39, "version": 1, "refresh": "10s", "time": {"from": "now-1h", "to": "now"},
            "timezone": "", "graphTooltip": 1, "templating": {"list": templating}, "annotations": {"list": []},
            "links": [{"type": "dashboards", "tags": ["shoal"], "title": "Shoal", "asDropdown": True}],
            "panels": out}


DASHBOARDS = [
    dashboard("shoal-cluster", "Shoal / Cluster overview", "What the cluster does, at a glance.", [
        panel("Nodes ready", [("sum(shoal_cluster_node_ready)", "ready")], "stat", w=4, h=4),
        panel("Nodes down", [("count(shoal_cluster_node_ready == 0) or vector(0)", "down")], "stat", w=4, h=4),
        panel("Services", [("sum(shoal_cluster_services)", "services")], "stat", w=4, h=4),
        panel("Tasks running", [('sum(shoal_cluster_tasks{desired_state="running",state="running"})', "running")],
              "stat", w=4, h=4),
        panel("Tasks pending", [("sum(shoal_cluster_tasks_pending)", "pending")], "stat", w=4, h=4),
        panel("Services under-replicated",
              [("count(shoal_cluster_service_replicas_running < shoal_cluster_service_replicas_desired) or vector(0)",
                "services")], "stat", w=4, h=4),
        panel("Tasks that should run, by observed state",
              [('sum by (state) (shoal_cluster_tasks{desired_state="running"})', "{{state}}")]),
        panel("Running / desired replicas", [("sum(shoal_cluster_service_replicas_running)", "running"),
                                             ("sum(shoal_cluster_service_replicas_desired)", "desired")]),
        panel("Placements", [(f"sum(rate(shoal_orchestrator_placements_total[{RATE}]))", "placements")], unit="ops"),
        panel("Rejections and quarantines",
              [(f"sum by (type, code) (rate(shoal_orchestrator_rejections_total[{RATE}]))", "{{type}} {{code}}"),
               (f"sum by (code) (rate(shoal_orchestrator_quarantined_total[{RATE}]))", "quarantined {{code}}")],
              unit="ops"),
        panel("Orchestrator instances deciding", [("sum(shoal_orchestrator_active)", "active")], "stat", w=6, h=4,
              description="1 when one instance holds the decision task; 0 means nothing is decided."),
        panel("Read model lag (worst gateway)", [("max(shoal_gateway_read_model_lag_records)", "records")], "stat",
              w=6, h=4),
    ]),
    dashboard("shoal-services", "Shoal / Services", "Replicas, task states, updates and waiting tasks per service.", [
        panel("Running replicas", [('shoal_cluster_service_replicas_running{service=~"$service"}', "{{service}}")]),
        panel("Desired replicas", [('shoal_cluster_service_replicas_desired{service=~"$service"}', "{{service}}")]),
        panel("Tasks that should run, by state",
              [('sum by (service, state) (shoal_cluster_tasks{service=~"$service",desired_state="running"})',
                "{{service}} {{state}}")]),
        panel("Tasks being stopped or kept as history",
              [('sum by (service, desired_state, state) (shoal_cluster_tasks{service=~"$service",desired_state!="running"})',
                "{{service}} {{desired_state}}/{{state}}")]),
        panel("Update state", [('shoal_cluster_service_update_state{service=~"$service"} == 1', "{{service}}: {{state}}")],
              "table", description="The state of each service's last update or rollback (none: never updated)."),
        panel("Tasks waiting for a node, by reason",
              [('sum by (service, reason) (shoal_cluster_tasks_pending{service=~"$service"})', "{{service}}: {{reason}}")]),
    ], [variable("service", "label_values(shoal_cluster_service_replicas_desired, service)", "Service")]),
    dashboard("shoal-scheduling", "Shoal / Scheduling", "How fast and how well the orchestrator decides.", [
        panel("Scheduling latency (created → assigned)",
              [(f"histogram_quantile({q}, sum by (le) (rate(shoal_orchestrator_scheduling_latency_seconds_bucket[{RATE}])))",
                f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)], unit="s"),
        panel("Start latency (assigned → running)",
              [(f"histogram_quantile({q}, sum by (le) (rate(shoal_orchestrator_start_latency_seconds_bucket[{RATE}])))",
                f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)], unit="s"),
        panel("Placements", [(f"sum(rate(shoal_orchestrator_placements_total[{RATE}]))", "placements")], unit="ops"),
        panel("Tasks created, by cause",
              [(f"sum by (cause) (rate(shoal_orchestrator_task_creations_total[{RATE}]))", "{{cause}}")], unit="ops"),
        panel("Replacements after node failure, drain or removal; restarts",
              [(f"sum by (reason) (rate(shoal_orchestrator_replacements_total[{RATE}]))", "replaced: {{reason}}"),
               (f"sum(rate(shoal_orchestrator_restarts_total[{RATE}]))", "restarts")], unit="ops"),
        panel("Tasks pending, by reason", [("sum by (reason) (shoal_cluster_tasks_pending)", "{{reason}}")]),
        panel("Decisions, by input kind",
              [(f"sum by (kind) (rate(shoal_orchestrator_decisions_total[{RATE}]))", "{{kind}}")], unit="ops"),
        panel("Decision delay (input appended → decided)",
              [(f"histogram_quantile(0.95, sum by (le) (rate(shoal_orchestrator_decision_delay_seconds_bucket[{RATE}])))",
                "p95")], unit="s"),
        panel("Input lag (control-log backlog)", [("sum by (topic) (shoal_orchestrator_input_lag_records)", "{{topic}}")],
              description="Records in each input log not yet read by the decision (or liveness) task."),
        panel("Rejections by type and code",
              [(f"sum by (type, code) (increase(shoal_orchestrator_rejections_total[{RATE}]))", "{{type}} {{code}}")]),
        panel("Quarantined control messages, by code",
              [(f"sum by (code) (increase(shoal_orchestrator_quarantined_total[{RATE}]))", "{{code}}")]),
    ]),
    dashboard("shoal-nodes", "Shoal / Nodes", "Nodes as the orchestrator sees them.", [
        panel("Node ready (1) or down (0)", [("shoal_cluster_node_ready", "{{hostname}} ({{node}})")], "table", w=24),
        panel("Nodes by status, availability and role",
              [("sum by (status, availability, role) (shoal_cluster_nodes)", "{{status}} {{availability}} {{role}}")]),
        panel("Replacements by reason",
              [(f"sum by (reason) (increase(shoal_orchestrator_replacements_total[{RATE}]))", "{{reason}}")]),
    ]),
    dashboard("shoal-agents", "Shoal / Agents", "What each node agent does: heartbeats, runtime operations, fencing.", [
        panel("Running tasks", [('shoal_agent_tasks_running{node=~"$node"}', "{{node}}")]),
        panel("Heartbeats acknowledged",
              [(f'sum by (node) (rate(shoal_agent_heartbeats_total{{outcome="acknowledged",node=~"$node"}}[{RATE}]))',
                "{{node}}")], unit="ops"),
        panel("Silence since the last acknowledged heartbeat",
              [('shoal_agent_heartbeat_silence_seconds{node=~"$node"}', "{{node}}"),
               ('max(shoal_agent_fencing_timeout_seconds{node=~"$node"})', "fencing timeout")], unit="s"),
        panel("Fenced", [('shoal_agent_fenced{node=~"$node"}', "{{node}}")],
              description="1 while the agent, cut off from Kafka, stops its tasks."),
        panel("Runtime operations, by kind and outcome",
              [(f'sum by (operation, outcome) (rate(shoal_agent_runtime_operations_seconds_count{{node=~"$node"}}[{RATE}]))',
                "{{operation}} {{outcome}}")], unit="ops"),
        panel("Runtime operation latency (p95)",
              [(f'histogram_quantile(0.95, sum by (le, operation) (rate(shoal_agent_runtime_operations_seconds_bucket{{node=~"$node"}}[{RATE}])))',
                "{{operation}}")], unit="s"),
        panel("Fencings", [(f'sum by (node) (increase(shoal_agent_fencings_total{{node=~"$node"}}[{RATE}]))', "{{node}}")]),
    ], [variable("node", "label_values(shoal_agent_tasks_running, node)", "Node")]),
    dashboard("shoal-gateway", "Shoal / Gateway and ingress", "The API and published ports.", [
        panel("API requests, by route and status",
              [(f"sum by (route, status) (rate(shoal_gateway_requests_seconds_count[{RATE}]))", "{{route}} {{status}}")],
              unit="reqps"),
        panel("API latency (p95), by route",
              [(f"histogram_quantile(0.95, sum by (le, route) (rate(shoal_gateway_requests_seconds_bucket[{RATE}])))",
                "{{route}}")], unit="s"),
        panel("API errors (5xx share)",
              [(f'(sum(rate(shoal_gateway_requests_seconds_count{{status=~"5.."}}[{RATE}])) or vector(0))'
                f" / sum(rate(shoal_gateway_requests_seconds_count[{RATE}]))", "5xx")], unit="percentunit"),
        panel("Read model lag", [("shoal_gateway_read_model_lag_records", "{{instance}}"),
                                 ("shoal_gateway_read_model_healthy", "healthy {{instance}}")]),
        panel("Ingress requests, by service and status",
              [(f"sum by (service, status) (rate(shoal_gateway_ingress_requests_seconds_count[{RATE}]))",
                "{{service}} {{status}}")], unit="reqps"),
        panel("Ingress latency (p95), by service",
              [(f"histogram_quantile(0.95, sum by (le, service) (rate(shoal_gateway_ingress_requests_seconds_bucket[{RATE}])))",
                "{{service}}")], unit="s"),
        panel("Ingress errors, by service and reason, and retries",
              [(f"sum by (service, reason) (rate(shoal_gateway_ingress_errors_total[{RATE}]))", "{{service}} {{reason}}"),
               (f"sum by (service) (rate(shoal_gateway_ingress_retries_total[{RATE}]))", "{{service}} retried")],
              unit="ops"),
        panel("Ingress open connections", [("sum by (service) (shoal_gateway_ingress_connections)", "{{service}}")]),
    ]),
    dashboard("shoal-kafka", "Shoal / Kafka and JVM", "Kafka Streams, the Kafka clients and the JVMs of every component.", [
        panel("Streams: records processed",
              [("sum by (thread_id) (kafka_stream_thread_process_rate)", "{{thread_id}}")], unit="ops"),
        panel("Streams: commit latency (avg)",
              [("max by (thread_id) (kafka_stream_thread_commit_latency_avg)", "{{thread_id}}")], unit="ms"),
        panel("Consumers: lag (max)",
              [("max by (client_id) (kafka_consumer_fetch_manager_records_lag_max)", "{{client_id}}")]),
        panel("Producers: records sent",
              [(f"sum by (client_id) (rate(kafka_producer_record_send_total[{RATE}]))", "{{client_id}}")], unit="ops"),
        panel("Producers: request latency (avg)",
              [("max by (client_id) (kafka_producer_request_latency_avg)", "{{client_id}}")], unit="ms"),
        panel("JVM heap used", [('sum by (instance) (jvm_memory_used_bytes{area="heap"})', "{{instance}}")],
              unit="bytes"),
        panel("JVM GC pause time", [(f"sum by (instance) (rate(jvm_gc_pause_seconds_sum[{RATE}]))", "{{instance}}")],
              unit="s"),
        panel("Process CPU", [("process_cpu_usage", "{{instance}}")], unit="percentunit"),
    ]),
]

if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
    for d in DASHBOARDS:
        with open(os.path.join(here, d["uid"] + ".json"), "w") as f:
            json.dump(d, f, indent=2)
            f.write("\n")
    print("wrote", len(DASHBOARDS), "dashboards to", here)
