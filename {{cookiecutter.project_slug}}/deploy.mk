# Deploying to AWS ECS Fargate. A person at a terminal and the GitHub Actions workflows run
# the same targets; the step logic lives in scripts/, the settings they share live here.
#
#   make bootstrap                  once per AWS account: state bucket, ECR, deploy roles
#   make doctor                     is everything a deploy needs in place?
#   make deploy ENV=staging         build, push and roll out the current commit

# staging or production; the per-environment targets refuse anything else.
ENV ?=
# An image tag already in ECR (a commit SHA), for rollback; deploy builds the current commit.
IMAGE_TAG ?=
# docker, or another CLI with the same login/build/push commands (podman, nerdctl).
CONTAINER_CLI ?= docker

export AWS_REGION := {{ cookiecutter.aws_region }}
# AWS CLI v1 reads only AWS_DEFAULT_REGION.
export AWS_DEFAULT_REGION := $(AWS_REGION)
# AWS CLI v2 would otherwise page its output through `less` and wait for a key.
export AWS_PAGER :=
export PROJECT := {{ cookiecutter.project_slug }}
# Created by terraform/bootstrap, like the state bucket ($(PROJECT)-tfstate-<account id>).
export ECR_REPOSITORY := $(PROJECT)
export TERRAFORM_DIR := terraform
export CONTAINER_CLI
# Empty: the bucket bootstrap creates, $(PROJECT)-tfstate-<account id>.
STATE_BUCKET ?=
export STATE_BUCKET

.PHONY: bootstrap doctor plan deploy rollback destroy logs

bootstrap: ## Create the state bucket, ECR repository and deploy roles (once per AWS account)
	@scripts/bootstrap.sh

doctor: ## Check tools, AWS credentials and what bootstrap creates
	@scripts/doctor.sh

plan: ## Show what a deploy would change: make plan ENV=staging
	@scripts/plan.sh "$(ENV)" "$(IMAGE_TAG)"

deploy: ## Build, push and roll out the current commit: make deploy ENV=staging
	@scripts/deploy.sh "$(ENV)" "$(IMAGE_TAG)"

rollback: ## Deploy an image already in ECR: make rollback ENV=staging IMAGE_TAG=<commit SHA>
	@test -n "$(IMAGE_TAG)" || { echo "error: IMAGE_TAG is required: make rollback ENV=$(or $(ENV),staging) IMAGE_TAG=<commit SHA in ECR>" >&2; exit 1; }
	@scripts/deploy.sh "$(ENV)" "$(IMAGE_TAG)"

destroy: ## Delete an environment (asks for its name again unless CONFIRM=<env>): make destroy ENV=staging
	@scripts/destroy.sh "$(ENV)"

logs: ## Follow the service's logs: make logs ENV=staging
	@scripts/logs.sh "$(ENV)"
