#!/usr/bin/env bash
# Record that an environment ran an image: tag it deployed-<environment>-<UTC time>. The ECR
# lifecycle policy never expires an image with such a tag (terraform/bootstrap/ecr.tf), and a
# production deploy takes only an image that staging ran.
#   scripts/record_deploy.sh ENV DIGEST
# Tagging is a push, which deploy roles may not do: in GitHub Actions the deploy workflow runs
# this as the image publisher, after the deploy; on a person's machine `make deploy` runs it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
digest=${2:-}
require_environment "$environment"
require_settings AWS_REGION ECR_REPOSITORY
[[ "$digest" =~ $DIGEST_PATTERN ]] ||
  fail "IMAGE_DIGEST must be an image digest (sha256: and 64 hex digits), not '${digest}'"

tag="deployed-${environment}-$(date -u +%Y%m%dT%H%M%SZ)"
tag_image "$digest" "$tag"
echo "tagged ${ECR_REPOSITORY}@${digest} as ${tag}"
