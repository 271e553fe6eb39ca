# Production: highly available and hard to delete by accident.
# - two to six tasks over two availability zones, on regular Fargate
{% if 'postgresql' in cookiecutter.database %}
# - a Multi-AZ database with two weeks of backups and a final snapshot
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}
# - the items table on demand, with point-in-time recovery (as in staging)
{% endif %}
{% if cookiecutter.waf == 'yes' and cookiecutter.cdn == 'no' %}
# - a web application firewall in front of the load balancer (modules/waf)
{% endif %}
{% if cookiecutter.waf == 'yes' and cookiecutter.cdn == 'yes' %}
# - a web application firewall in front of CloudFront (modules/waf)
{% endif %}
# - deletion protection, a year of logs
# - no shell in the tasks: set enable_execute_command = true to allow make shell ENV=production

environment    = "production"
vpc_cidr_block = "10.20.0.0/16"
{% if cookiecutter.https == 'acm-existing' %}

certificate_arn = "{{ cookiecutter.certificate_arn }}"
{% if cookiecutter.cdn == 'yes' %}

# CloudFront's certificate of the same name, in us-east-1: the only region it takes them from.
cdn_certificate_arn = "{{ cookiecutter.cdn_certificate_arn }}"
{% endif %}
{% endif %}

task_cpu         = 512
task_memory      = 1024
desired_count    = 2
min_capacity     = 2
max_capacity     = 6
use_fargate_spot = false

log_retention_days                = 365
load_balancer_deletion_protection = true
{% if cookiecutter.waf == 'yes' %}

# AWS managed rules, a rate limit per client and a body-size limit (modules/waf).
waf_enabled = true
{% endif %}
{% if cookiecutter.database == 'aurora-postgresql' %}

database_min_capacity          = 0.5
database_max_capacity          = 8
database_instance_count        = 2
database_backup_retention_days = 14
database_deletion_protection   = true
database_skip_final_snapshot   = false
{% elif cookiecutter.database == 'postgresql' %}

database_instance_class        = "db.t4g.medium"
database_multi_az              = true
database_backup_retention_days = 14
database_deletion_protection   = true
database_skip_final_snapshot   = false
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

table_deletion_protection = true
{% endif %}
