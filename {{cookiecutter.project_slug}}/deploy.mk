# Deploying to AWS ECS Fargate. A person at a terminal and the GitHub Actions workflows run
# the same targets; the step logic lives in scripts/, the settings they share live here.
#
#   make bootstrap                  once per AWS account: state bucket, ECR, roles
#   make github REVIEWERS=...       once per repository: environments, variables, OIDC subject
#   make doctor                     is everything a deploy needs in place?
#   make deploy ENV=staging         build, push and roll out the current commit

# staging or production; the per-environment targets refuse anything else.
ENV ?=
# An image tag already in ECR (a commit SHA), for rollback; deploy builds the current commit.
IMAGE_TAG ?=
# An image digest in ECR (sha256:...): what the deploy workflow's build job published.
IMAGE_DIGEST ?=
# The GitHub users and teams (org/team) who approve production deploys, for `make github`.
REVIEWERS ?=

export AWS_REGION := {{ cookiecutter.aws_region }}
# AWS CLI v1 reads only AWS_DEFAULT_REGION.
export AWS_DEFAULT_REGION := $(AWS_REGION)
# AWS CLI v2 would otherwise page its output through `less` and wait for a key.
export AWS_PAGER :=
export PROJECT := {{ cookiecutter.project_slug }}
export GITHUB_REPOSITORY_NAME := {{ cookiecutter.github_repository }}
# Created by terraform/bootstrap under these names (terraform/modules/naming), like the state
# bucket, $(PROJECT)-tfstate-<account id>.
export ECR_REPOSITORY := $(PROJECT)
export BUILD_CACHE_REPOSITORY := $(PROJECT)-build-cache
export TERRAFORM_DIR := terraform
# make pause prints what still bills with it.
export UV
# Empty: the bucket bootstrap creates, $(PROJECT)-tfstate-<account id>.
STATE_BUCKET ?=
export STATE_BUCKET
export REVIEWERS

.PHONY: bootstrap github doctor publish plan deploy rollback record-deploy destroy logs shell pause resume cost

bootstrap: ## Create the state bucket, ECR repositories and roles (once per AWS account)
	@scripts/bootstrap.sh

github: ## Set up GitHub: environments, reviewers, role variables, OIDC subject: make github REVIEWERS=alice,acme/platform
	@scripts/github.sh

doctor: ## Check tools, AWS credentials, what bootstrap creates and the GitHub settings
	@scripts/doctor.sh

publish: ## Build the current commit's image and push it to ECR; prints its digest
	@scripts/publish.sh "$(IMAGE_TAG)"

plan: ## Show what a deploy would change: make plan ENV=staging
	@scripts/plan.sh "$(ENV)" "$(IMAGE_TAG)"

deploy: ## Roll out the current commit (staging builds it if needed): make deploy ENV=staging
	@scripts/deploy.sh "$(ENV)" "$(IMAGE_TAG)" "$(IMAGE_DIGEST)"

rollback: ## Deploy an image already in ECR: make rollback ENV=staging IMAGE_TAG=<commit SHA>
	@test -n "$(IMAGE_TAG)" || { echo "error: IMAGE_TAG is required: make rollback ENV=$(or $(ENV),staging) IMAGE_TAG=<commit SHA in ECR>" >&2; exit 1; }
	@scripts/deploy.sh "$(ENV)" "$(IMAGE_TAG)"

record-deploy: ## Tag an image as run by an environment (kept by ECR): make record-deploy ENV=staging IMAGE_DIGEST=sha256:...
	@scripts/record_deploy.sh "$(ENV)" "$(IMAGE_DIGEST)"

destroy: ## Delete an environment (asks for its name again unless CONFIRM=<env>): make destroy ENV=staging
	@scripts/destroy.sh "$(ENV)"

logs: ## Follow the service's logs: make logs ENV=staging
	@scripts/logs.sh "$(ENV)"

shell: ## Open a shell in a running app container, where tfvars allow it (production asks): make shell ENV=staging
	@scripts/shell.sh "$(ENV)"

pause: ## Stop paying for tasks{% if 'postgresql' in cookiecutter.database %} and the database{% endif %}, keep everything (production asks): make pause ENV=staging
	@scripts/pause.sh "$(ENV)"

resume: ## Undo make pause: make resume ENV=staging
	@scripts/resume.sh "$(ENV)"

cost: uv ## What an environment costs a month, running (and on office hours) and paused: make cost ENV=staging
	@$(UV) run --locked --quiet python scripts/costs.py "$(ENV)"
