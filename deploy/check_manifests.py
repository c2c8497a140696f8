#!/usr/bin/env python3
"""Validates the rendered Kubernetes overlays and the compose file (called by check.sh).

    check_manifests.py k8s RENDERED_DIR      # RENDERED_DIR/<overlay>.yaml, from `kubectl kustomize`
    check_manifests.py compose COMPOSE_FILE

For every overlay: every object against the Kubernetes OpenAPI schemas (offline, from the
kubernetes-validate package, strict, at the oldest and newest Kubernetes versions below),
then what the schemas cannot say: the Deployments and migration Jobs of each phase, the
pods' security context, probes, resources and settings, selectors that select, and a model
of the NetworkPolicies that checks, over every pair of pods and ports, that exactly the
connections of the design are allowed. Exits 1 on the first overlay with errors, after
printing all of them.
"""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Kubernetes versions to validate against: the oldest the manifests support, and the newest
# the installed kubernetes-validate knows. gRPC probes are GA from 1.27, but the 1.27 and
# 1.28 APIs still require onPodConditions in every podFailurePolicy rule: 1.29 or later.
OLDEST_K8S = "1.29.0"

DOMAINS = ("fournisseurs", "stock", "production", "clients")
HEALTH_SERVICE = {
    "fournisseurs": "bascule.fournisseurs.v1.FournisseursService",
    "stock": "bascule.stock.v1.StockService",
    "production": "bascule.production.v1.ProductionService",
    "clients": "bascule.clients.v1.ClientsService",
}
# Which domain calls which over gRPC (../shared/DESIGN.md): receipts and completed orders.
CALLS = {
    ("fournisseurs", "stock"),
    ("production", "stock"),
    # E-mails composed when sent: supplier and customer addresses.
    ("stock", "fournisseurs"),
    ("production", "clients"),
}

# overlay -> (Deployments, migration Jobs, TLS component on)
EXPECTED = {
    "phase-1": ({"fournisseurs", "stock"}, {"fournisseurs"}, False),
    "phase-2": ({"fournisseurs", "stock"}, {"stock"}, False),
    "phase-3": ({"fournisseurs", "stock", "production"}, {"production"}, False),
    "phase-4": (set(DOMAINS), {"clients"}, False),
    "live": (set(DOMAINS), set(), False),
    "phase-4-tls-external": (set(DOMAINS), {"clients"}, True),
}
NAMESPACE = "bascule"
SECRETS = {"bascule-database", "bascule-tls"}  # created beforehand (k8s/secret.example.yaml)


class Errors(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


# --------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------


def schema_errors(doc: dict, versions: list[str]) -> list[str]:
    import kubernetes_validate.utils as kv

    out = []
    for version in versions:
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as e:
            path = ".".join(str(p) for p in e.absolute_path)
            out.append(f"Kubernetes {version}: {path}: {e.message}")
        except (kv.SchemaNotFoundError, kv.InvalidSchemaError) as e:
            out.append(f"Kubernetes {version}: no schema: {e.message}")
    return out


def k8s_versions() -> list[str]:
    import kubernetes_validate.utils as kv

    return [OLDEST_K8S, kv.latest_version()]


# --------------------------------------------------------------------------------------
# Label selectors
# --------------------------------------------------------------------------------------


def selects(selector: dict | None, labels: dict) -> bool:
    """Kubernetes LabelSelector semantics; an empty selector selects everything."""
    if selector is None:
        return True
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


# --------------------------------------------------------------------------------------
# NetworkPolicy model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    name: str
    namespace: str | None  # None: outside the cluster (an address only)
    labels: tuple = ()
    ip: str | None = None
    ports: tuple = ()  # (name, port) of its containers, for named ports

    @property
    def label_dict(self) -> dict:
        return dict(self.labels)


NAMESPACE_LABELS = {
    NAMESPACE: {"kubernetes.io/metadata.name": NAMESPACE},
    "kube-system": {"kubernetes.io/metadata.name": "kube-system"},
    "gateway": {"kubernetes.io/metadata.name": "gateway", "bascule/api-access": "true"},
    "oracle": {"kubernetes.io/metadata.name": "oracle"},
    "mail": {"kubernetes.io/metadata.name": "mail"},
    "elsewhere": {"kubernetes.io/metadata.name": "elsewhere"},
}


# Peers that are not bascule pods, each standing for a kind of pod or address.
OTHER_PEERS = [
    Peer("toolbox (api-client pod)", NAMESPACE, (("bascule/api-client", "true"),)),
    Peer("unlabelled pod, same namespace", NAMESPACE, (("app", "other"),)),
    Peer("gateway namespace pod", "gateway", (("app", "ingress"),)),
    Peer("pod of another namespace", "elsewhere", (("app", "other"),)),
    Peer("kube-dns", "kube-system", (("k8s-app", "kube-dns"),)),
    Peer("oracle pod", "oracle", (("bascule/peer", "database"),)),
    Peer("smtp relay pod", "mail", (("bascule/peer", "smtp-relay"),)),
    Peer("external oracle 192.0.2.10", None, ip="192.0.2.10"),
    Peer("external smtp 192.0.2.25", None, ip="192.0.2.25"),
    Peer("internet 203.0.113.5", None, ip="203.0.113.5"),
]
PORTS = [("TCP", 50051), ("TCP", 1521), ("UDP", 53), ("TCP", 53), ("TCP", 25), ("TCP", 465),
         ("TCP", 587), ("TCP", 443), ("TCP", 5432), ("TCP", 80)]


def peer_matches(rule_peer: dict, peer: Peer, policy_ns: str) -> bool:
    if "ipBlock" in rule_peer:
        if peer.ip is None:
            return False
        block = rule_peer["ipBlock"]
        ip = ipaddress.ip_address(peer.ip)
        if ip not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(ip in ipaddress.ip_network(c) for c in block.get("except") or [])
    if peer.namespace is None:
        return False
    ns_sel = rule_peer.get("namespaceSelector")
    pod_sel = rule_peer.get("podSelector")
    if ns_sel is None:
        if peer.namespace != policy_ns:
            return False
    elif not selects(ns_sel, NAMESPACE_LABELS.get(peer.namespace, {})):
        return False
    return selects(pod_sel, peer.label_dict)


def port_matches(rule_ports: list | None, proto: str, port: int, target: Peer) -> bool:
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != proto:
            continue
        want = p.get("port")
        if want is None:
            return True
        if isinstance(want, str):
            want = dict(target.ports).get(want)
        end = p.get("endPort", want)
        if want is not None and want <= port <= end:
            return True
    return False


def direction_allowed(policies, subject: Peer, other: Peer, kind: str, proto: str, port: int,
                      target: Peer) -> bool:
    """Whether `subject` (in our namespace) may send (Egress) to / receive (Ingress) from `other`."""
    if subject.namespace != NAMESPACE:
        return True  # outside our namespace: not ours to restrict
    relevant = [p for p in policies
                if kind in p["spec"].get("policyTypes", ["Ingress"])
                and selects(p["spec"].get("podSelector") or {}, subject.label_dict)]
    if not relevant:
        return True
    key, peers_key = ("egress", "to") if kind == "Egress" else ("ingress", "from")
    for p in relevant:
        for rule in p["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if peers is not None and not any(peer_matches(rp, other, NAMESPACE) for rp in peers):
                continue
            if port_matches(rule.get("ports"), proto, port, target):
                return True
    return False


def allowed(policies, src: Peer, dst: Peer, proto: str, port: int) -> bool:
    return (direction_allowed(policies, src, dst, "Egress", proto, port, dst)
            and direction_allowed(policies, dst, src, "Ingress", proto, port, dst))


def expected_flow(src: Peer, dst: Peer, proto: str, port: int, external: bool) -> bool:
    s, d = src.label_dict, dst.label_dict
    src_bascule = s.get("app.kubernetes.io/name") == "bascule"
    src_server = src_bascule and s.get("app.kubernetes.io/component") == "server"
    dst_server = d.get("app.kubernetes.io/name") == "bascule" and d.get("app.kubernetes.io/component") == "server"
    if dst_server:
        if (proto, port) != ("TCP", 50051):
            return False
        if src_server:
            return (s["bascule/domain"], d["bascule/domain"]) in CALLS
        return src.name in ("toolbox (api-client pod)", "gateway namespace pod")
    if src.name == "toolbox (api-client pod)":
        return dst.name == "kube-dns" and port == 53
    if not src_bascule:
        return False
    if dst.name == "kube-dns":
        return port == 53
    if dst.name == "oracle pod" or (external and dst.name.startswith("external oracle")):
        return (proto, port) == ("TCP", 1521)
    if dst.name == "smtp relay pod" or (external and dst.name.startswith("external smtp")):
        return src_server and proto == "TCP" and port in (25, 465, 587)
    return False


# --------------------------------------------------------------------------------------
# Overlay checks
# --------------------------------------------------------------------------------------


@dataclass
class Overlay:
    name: str
    docs: list
    by_kind: dict = field(default_factory=dict)

    def __post_init__(self):
        for d in self.docs:
            self.by_kind.setdefault(d["kind"], []).append(d)

    def named(self, kind: str) -> dict:
        return {d["metadata"]["name"]: d for d in self.by_kind.get(kind, [])}


def pod_specs(ov: Overlay):
    for kind in ("Deployment", "Job"):
        for d in ov.by_kind.get(kind, []):
            yield f"{kind.lower()}/{d['metadata']['name']}", d, d["spec"]["template"]


def check_pod(where: str, template: dict, ov: Overlay, errors: Errors, images: set) -> None:
    spec = template["spec"]
    psc = spec.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True or psc.get("runAsUser") != 10001:
        errors.add(where, "pod must run as non-root user 10001")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        errors.add(where, "pod seccompProfile must be RuntimeDefault")
    if spec.get("automountServiceAccountToken") is not False:
        errors.add(where, "service account token must not be mounted")
    if spec.get("serviceAccountName") not in ov.named("ServiceAccount"):
        errors.add(where, f"service account {spec.get('serviceAccountName')!r} is not in the overlay")
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    for vol in volumes.values():
        claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
        if claim and claim not in ov.named("PersistentVolumeClaim"):
            errors.add(where, f"volume {vol['name']}: claim {claim} is not in the overlay")
        secret = (vol.get("secret") or {}).get("secretName")
        if secret and secret not in SECRETS:
            errors.add(where, f"volume {vol['name']}: unknown Secret {secret}")
    containers = list(spec.get("initContainers") or []) + list(spec["containers"])
    for c in containers:
        cw = f"{where} container {c['name']}"
        sc = c.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            errors.add(cw, "allowPrivilegeEscalation must be false")
        if sc.get("readOnlyRootFilesystem") is not True:
            errors.add(cw, "readOnlyRootFilesystem must be true")
        if (sc.get("capabilities") or {}).get("drop") != ["ALL"]:
            errors.add(cw, "capabilities must drop ALL")
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in (res.get(part) or {}):
                    errors.add(cw, f"resources.{part}.{r} missing")
        images.add(c["image"])
        refs = c.get("envFrom") or []
        cms = [r["configMapRef"]["name"] for r in refs if "configMapRef" in r]
        secrets = [r["secretRef"]["name"] for r in refs if "secretRef" in r]
        if not cms or any(n not in ov.named("ConfigMap") for n in cms):
            errors.add(cw, f"settings ConfigMap missing or not in the overlay: {cms}")
        if secrets != ["bascule-database"]:
            errors.add(cw, f"must read the Secret bascule-database, reads {secrets}")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
        if "emptyDir" not in volumes.get(mounts.get("/tmp", ""), {}):
            errors.add(cw, "/tmp must be an emptyDir")
        for path, name in mounts.items():
            if name not in volumes:
                errors.add(cw, f"mount {path}: no volume {name}")


def check_overlay(ov: Overlay, errors: Errors) -> list[str]:
    want_deps, want_migrations, tls = EXPECTED[ov.name]
    report = []
    images: set = set()

    namespaces = {d["metadata"].get("namespace") for d in ov.docs if d["kind"] != "Namespace"}
    if namespaces != {NAMESPACE} or set(ov.named("Namespace")) != {NAMESPACE}:
        errors.add(ov.name, f"everything must be in namespace {NAMESPACE}: {namespaces}")

    deployments = ov.named("Deployment")
    got = {d["metadata"]["labels"].get("bascule/domain") for d in deployments.values()}
    if set(deployments) != want_deps or got != want_deps:
        errors.add(ov.name, f"Deployments {sorted(deployments)}, expected {sorted(want_deps)}")
    jobs = ov.named("Job")
    migrations = {n.removeprefix("migrate-") for n in jobs if n.startswith("migrate-")}
    if migrations != want_migrations:
        errors.add(ov.name, f"migration Jobs {sorted(migrations)}, expected {sorted(want_migrations)}")
    if "db-upgrade" not in jobs:
        errors.add(ov.name, "no db-upgrade Job")
    report.append(f"Deployments: {', '.join(sorted(deployments))}; "
                  f"Jobs: {', '.join(sorted(jobs))}")

    cm = next(iter(ov.named("ConfigMap").values()), {"data": {}})
    settings = cm.get("data") or {}
    if settings.get("BASCULE_LOG_FORMAT") != "json":
        errors.add(ov.name, "BASCULE_LOG_FORMAT must be json")
    if settings.get("BASCULE_STOCK_URL") != "http://stock:50051":
        errors.add(ov.name, "BASCULE_STOCK_URL must be http://stock:50051")

    for where, _obj, template in pod_specs(ov):
        check_pod(f"{ov.name} {where}", template, ov, errors, images)

    for name, d in deployments.items():
        w = f"{ov.name} deployment/{name}"
        spec, tpl = d["spec"], d["spec"]["template"]
        if not selects(spec["selector"], tpl["metadata"]["labels"]):
            errors.add(w, "selector does not select its own pods")
        c = tpl["spec"]["containers"][0]
        if c["args"] != ["serve", "--domain", name, "--listen", "0.0.0.0:50051"]:
            errors.add(w, f"args {c['args']}")
        if {"name": "grpc", "containerPort": 50051, "protocol": "TCP"} not in c.get("ports", []):
            errors.add(w, "no port grpc 50051")
        ready, live = c.get("readinessProbe") or {}, c.get("livenessProbe") or {}
        if tls:
            if ready.get("tcpSocket") != {"port": 50051} or live.get("tcpSocket") != {"port": 50051}:
                errors.add(w, "with TLS, probes must be tcpSocket 50051 (the kubelet's gRPC probe has no TLS)")
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            if env.get("BASCULE_STOCK_URL") != "https://stock:50051" or "BASCULE_TLS_CERT" not in env:
                errors.add(w, "TLS settings missing")
        else:
            if ready.get("grpc") != {"port": 50051, "service": HEALTH_SERVICE[name]}:
                errors.add(w, f"readiness must be gRPC health of {HEALTH_SERVICE[name]}: {ready}")
            if (live.get("grpc") or {}).get("port") != 50051:
                errors.add(w, f"liveness must be a gRPC probe on 50051: {live}")
        if (spec.get("replicas") or 1) < 2:
            errors.add(w, "fewer than 2 replicas")
        svc = ov.named("Service").get(name)
        if not svc or svc["spec"]["ports"] != [
                {"name": "grpc", "port": 50051, "targetPort": "grpc", "protocol": "TCP"}]:
            errors.add(w, "needs a Service of the same name on port 50051 named grpc")
        if name not in ov.named("PodDisruptionBudget"):
            errors.add(w, "needs a PodDisruptionBudget")

    all_templates = [t for _, _, t in pod_specs(ov)]
    for kind in ("Service", "PodDisruptionBudget"):
        for name, d in ov.named(kind).items():
            sel = d["spec"]["selector"]
            sel = sel if kind == "PodDisruptionBudget" else {"matchLabels": sel}
            hits = [t for t in all_templates if selects(sel, t["metadata"]["labels"])]
            dep = deployments.get(name)
            if not dep or len(hits) != 1 or hits[0] is not dep["spec"]["template"]:
                errors.add(f"{ov.name} {kind.lower()}/{name}", "must select exactly the pods of its Deployment")

    for name, job in jobs.items():
        w = f"{ov.name} job/{name}"
        tpl = job["spec"]["template"]
        if tpl["spec"].get("restartPolicy") != "Never" or "backoffLimit" not in job["spec"]:
            errors.add(w, "needs restartPolicy Never and a backoffLimit")
        if name.startswith("migrate-"):
            domain = name.removeprefix("migrate-")
            args = tpl["spec"]["containers"][0]["args"]
            if args[:4] != ["migrate", domain, "--source-dir", "/legacy"]:
                errors.add(w, f"args {args}")
            init = tpl["spec"].get("initContainers") or []
            if [i.get("args") for i in init] != [["db", "upgrade"]]:
                errors.add(w, "must run `bascule db upgrade` first, in an init container")
            if "ttlSecondsAfterFinished" in job["spec"]:
                errors.add(w, "a migration Job is kept (no TTL): deleting it would let a re-apply migrate again")

    if len(images) != 1 or any(i == "bascule" or i.endswith(":latest") for i in images):
        errors.add(ov.name, f"one pinned image expected, got {sorted(images)}")

    # NetworkPolicies: every pod of the namespace is under default deny, then the model.
    policies = ov.by_kind.get("NetworkPolicy", [])
    deny = [p for p in policies if p["spec"].get("podSelector") == {}
            and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    if not deny:
        errors.add(ov.name, "no default-deny NetworkPolicy")
    ours = []
    for where, obj, tpl in pod_specs(ov):
        ports = tuple((p["name"], p["containerPort"]) for c in tpl["spec"]["containers"]
                      for p in c.get("ports", []) if "name" in p)
        ours.append(Peer(where, NAMESPACE, tuple(sorted(tpl["metadata"]["labels"].items())),
                         ports=ports))
    external = "external-endpoints" in ov.name or ov.name.endswith("-external")
    peers = ours + OTHER_PEERS
    flows = []
    wrong = 0
    for src in peers:
        if src.namespace is None:
            continue  # addresses outside the cluster do not call in
        for dst in peers:
            if dst is src or NAMESPACE not in (src.namespace, dst.namespace):
                continue
            for proto, port in PORTS:
                got_ = allowed(policies, src, dst, proto, port)
                want = expected_flow(src, dst, proto, port, external)
                if got_ != want:
                    wrong += 1
                    if wrong > 20:
                        continue
                    errors.add(f"{ov.name} NetworkPolicy",
                               f"{src.name} -> {dst.name} {proto}/{port}: "
                               f"{'allowed' if got_ else 'denied'}, expected {'allowed' if want else 'denied'}")
                if got_ and src in ours and dst in ours:
                    flows.append(f"{src.name} -> {dst.name} {port}")
    if wrong > 20:
        errors.add(f"{ov.name} NetworkPolicy", f"... {wrong - 20} more flows not as designed")
    report.append(f"NetworkPolicies: {len(policies)}, "
                  f"{len(peers)}x{len(peers)} peers x {len(PORTS)} ports as designed; "
                  f"between bascule pods: {'; '.join(flows) or 'none'}")
    return report


def main_k8s(rendered: Path) -> int:
    versions = k8s_versions()
    failed = False
    files = sorted(rendered.glob("*.yaml"))
    if not files:
        print(f"no rendered overlays in {rendered}")
        return 1
    for f in files:
        errors = Errors()
        docs = [d for d in yaml.safe_load_all(f.read_text()) if d]
        name = f.stem
        for d in docs:
            for e in schema_errors(d, versions):
                errors.add(f"{name} {d.get('kind')}/{d.get('metadata', {}).get('name')}", e)
        report = []
        if name in EXPECTED:
            report = check_overlay(Overlay(name, docs), errors)
        elif name not in ("secret.example", "legacy-loader.example"):
            errors.add(name, "unknown overlay: add it to EXPECTED in deploy/check_manifests.py")
        status = "FAILED" if errors else "ok"
        print(f"{name}: {len(docs)} objects, schemas {' and '.join(versions)} (strict): {status}")
        for line in report:
            print(f"  {line}")
        for e in errors:
            print(f"  ERROR {e}")
        failed |= bool(errors)
    return 1 if failed else 0


# --------------------------------------------------------------------------------------
# Compose
# --------------------------------------------------------------------------------------


def main_compose(path: Path) -> int:
    errors = Errors()
    doc = yaml.safe_load(path.read_text())
    services = doc.get("services") or {}
    want = {"oracle", "mailpit", "db-upgrade", *DOMAINS}
    missing = want - set(services)
    if missing:
        errors.add("services", f"missing {sorted(missing)}")
    for name in want & set(services):
        s = services[name]
        if name != "db-upgrade" and "healthcheck" not in s:
            errors.add(name, "no healthcheck")
    up = services.get("db-upgrade", {})
    if up.get("command") != ["db", "upgrade"]:
        errors.add("db-upgrade", "command must be [db, upgrade]")
    if (up.get("depends_on") or {}).get("oracle", {}).get("condition") != "service_healthy":
        errors.add("db-upgrade", "must wait for a healthy oracle")
    if "APP_USER" not in (services.get("oracle", {}).get("environment") or {}):
        errors.add("oracle", "needs APP_USER / APP_USER_PASSWORD")
    for d in DOMAINS:
        s = services.get(d, {})
        if s.get("command") != ["serve", "--domain", d, "--listen", "0.0.0.0:50051"]:
            errors.add(d, f"command {s.get('command')}")
        deps = s.get("depends_on") or {}
        if deps.get("db-upgrade", {}).get("condition") != "service_completed_successfully":
            errors.add(d, "must start after db-upgrade completed")
        if (d in ("fournisseurs", "production")
                and deps.get("stock", {}).get("condition") != "service_healthy"):
            errors.add(d, "must wait for a healthy stock")
    for e in errors:
        print(f"  ERROR {e}")
    print(f"compose structure ({len(services)} services: {', '.join(services)}): "
          f"{'FAILED' if errors else 'ok'}")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("k8s", "compose"):
        print(__doc__)
        sys.exit(2)
    target = Path(sys.argv[2])
    sys.exit(main_k8s(target) if sys.argv[1] == "k8s" else main_compose(target))
