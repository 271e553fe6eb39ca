#!/usr/bin/env bash
# Build the service image for the tasks' platform and push it to ECR under a tag: the one way
# an image is published, from the deploy workflow's build job (as the image publisher role) and
# from `make deploy ENV=staging` on a person's machine (as that person).
#   scripts/publish.sh [TAG]    TAG defaults to the current commit
# It always builds. When the tag is already in ECR, the build must be that same image (the same
# image configuration: layers and settings); anything else fails loudly, since an image under
# this commit's name that this build did not make must not be deployed. Progress goes to stderr,
# the image's digest alone to stdout (and to $GITHUB_OUTPUT as `digest` in GitHub Actions).
# Optional: BUILD_CACHE=1 reads and writes buildx's layer cache in the build cache repository,
# which only the image publisher may write.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
require_settings AWS_REGION ECR_REPOSITORY BUILD_CACHE_REPOSITORY IMAGE_PLATFORM

tag=${1:-$(current_commit)}
repository_uri=$(aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" \
  --query 'repositories[0].repositoryUri' --output text) ||
  fail "ECR repository ${ECR_REPOSITORY} not found: run 'make bootstrap' first"
registry=${repository_uri%%/*}
existing=$(image_digest "$tag")

# A build of one commit is the same image every time when its layers come from the cache:
# timestamps come from the commit, not from the clock.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

aws ecr get-login-password | docker login --username AWS --password-stdin "$registry" >/dev/null
metadata=$(mktemp)
trap 'rm -f "$metadata"' EXIT
build=(docker buildx build --platform "$IMAGE_PLATFORM" --provenance=false --sbom=false
  --tag "${repository_uri}:${tag}" --metadata-file "$metadata")
if [[ "${BUILD_CACHE:-}" == 1 ]]; then
  cache="${registry}/${BUILD_CACHE_REPOSITORY}:main"
  build+=(--cache-from "type=registry,ref=${cache}"
    --cache-to "type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true")
fi

# The metadata buildx writes: one "key": "sha256:..." per line.
built() {
  sed -n "s/^ *\"$1\": *\"\(sha256:[0-9a-f]\{64\}\)\".*/\1/p" "$metadata"
}

echo "building ${IMAGE_PLATFORM} image ${repository_uri}:${tag}" >&2
if [[ -z "$existing" ]]; then
  "${build[@]}" --push . >&2
  digest=$(built containerimage.digest)
  [[ -n "$digest" && "$(image_digest "$tag")" == "$digest" ]] ||
    fail "image tag ${tag} is not in ECR repository ${ECR_REPOSITORY} after the push: check the docker output above"
else
  "${build[@]}" --load . >&2
  # The configuration a manifest names is the image itself: its layers' content and settings.
  pushed_config=$(aws ecr batch-get-image --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageTag=${tag}" --query 'images[0].imageManifest' --output text |
    tr -d '[:space:]' | sed -n 's/.*"config":{[^}]*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p')
  built_config=$(built containerimage.config.digest)
  [[ -n "$built_config" && "$built_config" == "$pushed_config" ]] ||
    fail "${repository_uri}:${tag} is already in ECR as ${existing} (configuration ${pushed_config:-unknown}), and this build made another image (configuration ${built_config:-unknown}): it was not pushed by this build of the commit, or the build is not reproducible (a layer missed the cache). Find out who pushed it before deploying anything under this tag."
  digest=$existing
  echo "${repository_uri}:${tag} is already in ECR, and this build is the same image" >&2
fi

echo "published ${repository_uri}:${tag} = ${repository_uri}@${digest}" >&2
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "digest=${digest}" >>"$GITHUB_OUTPUT"
fi
echo "$digest"
