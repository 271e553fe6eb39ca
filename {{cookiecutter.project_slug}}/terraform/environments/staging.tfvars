# Staging: cheap and disposable.
{% if cookiecutter.cpu_architecture == 'x86_64' %}
# - one small task on Fargate Spot, two weeks of logs
{% else %}
# - one small task (on regular Fargate: Spot runs x86_64 tasks only), two weeks of logs
{% endif %}
{% if cookiecutter.nat_gateways == 'one-per-az' %}
# - one NAT gateway: outbound traffic may stop with its zone; production has one per zone
{% endif %}
{% if 'postgresql' in cookiecutter.database %}
# - a single-AZ database with a day of backups and no final snapshot
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}
# - the items table on demand, as in production: it bills for what staging uses
{% endif %}
# - tasks on weekdays' office hours only
# - a shell in the app container for whoever holds staging's shell policy (make shell)
{% if cookiecutter.waf == 'yes' %}
# - no web application firewall: set waf_enabled = true to try production's rules here first
{% endif %}
# - no deletion protection, so `make destroy ENV=staging` can take it all down

environment    = "staging"
vpc_cidr_block = "10.10.0.0/16"
{% if cookiecutter.nat_gateways == 'one-per-az' %}
nat_gateways   = "single"
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}

# Staging is served at staging.{{ cookiecutter.domain_name }}: the certificate must cover that name too (a
# wildcard or a SAN), or give staging a certificate of its own here.
certificate_arn = "{{ cookiecutter.certificate_arn }}"
{% if cookiecutter.cdn == 'yes' %}

# CloudFront's certificate of the same names, in us-east-1: the only region it takes them from.
cdn_certificate_arn = "{{ cookiecutter.cdn_certificate_arn }}"
{% endif %}
{% endif %}

task_cpu         = 256
task_memory      = 512
desired_count    = 1
min_capacity     = 1
max_capacity     = 2
use_fargate_spot = {{ 'true' if cookiecutter.cpu_architecture == 'x86_64' else 'false' }}

# Tasks run on weekdays from 08:00 to 20:00 in time_zone, and none outside those hours (the load
# balancer and the rest still bill). Set your team's time zone, or remove this to run always.
office_hours = {
  start     = "cron(0 8 ? * MON-FRI *)"
  stop      = "cron(0 20 ? * MON-FRI *)"
  time_zone = "UTC"
}

# make shell ENV=staging opens a shell in a running app container (ECS Exec).
enable_execute_command = true

log_retention_days                = 14
load_balancer_deletion_protection = false
{% if cookiecutter.database == 'aurora-postgresql' %}

database_min_capacity          = 0.5
database_max_capacity          = 2
database_instance_count        = 1
database_backup_retention_days = 1
database_deletion_protection   = false
database_skip_final_snapshot   = true
{% elif cookiecutter.database == 'postgresql' %}

database_instance_class        = "db.t4g.micro"
database_multi_az              = false
database_backup_retention_days = 1
database_deletion_protection   = false
database_skip_final_snapshot   = true
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

table_deletion_protection = false
{% endif %}
