# terraform init -backend-config=environments/staging.backend.hcl -backend-config="bucket=<state bucket>"
# The state bucket is account-specific: it is the state_bucket output of terraform/bootstrap
# ({{ cookiecutter.project_slug }}-tfstate-<account id>).
key          = "staging/terraform.tfstate"
region       = "{{ cookiecutter.aws_region }}"
encrypt      = true
use_lockfile = true
