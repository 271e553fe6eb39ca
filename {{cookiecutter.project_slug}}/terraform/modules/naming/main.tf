# The names bootstrap creates and the environments use, in one place: both configurations call
# this module, so a role, bucket or log group can never be spelled two ways. The ARNs are built
# from the names rather than read from the resources, so that the IAM policies naming them are
# known before anything is created (and a plan shows them whole).

locals {
  name = var.environment == null ? null : "${var.project}-${var.environment}"

  iam_role_path   = var.environment == null ? null : "/${var.project}/${var.environment}/"
  iam_arn_prefix  = "arn:aws:iam::${var.account_id}"
  ecr_arn_prefix  = "arn:aws:ecr:${var.aws_region}:${var.account_id}:repository"
  logs_arn_prefix = "arn:aws:logs:${var.aws_region}:${var.account_id}:log-group"
{% if cookiecutter.events == 'yes' %}

  events_arn_prefix = "arn:aws:events:${var.aws_region}:${var.account_id}"
{% endif %}

  workload_roles = var.environment == null ? {} : {
    execution = "${local.name}-task-execution"
    task      = "${local.name}-task"
    flow_logs = "${local.name}-vpc-flow-logs"
{% if 'postgresql' in cookiecutter.database %}
    # Assumed by RDS Enhanced Monitoring.
    database_monitoring = "${local.name}-rds-monitoring"
{% endif %}
  }

  log_groups = var.environment == null ? {} : {
    service       = "/ecs/${local.name}"
    exec_sessions = "/ecs/${local.name}/exec-sessions"
    flow_logs     = "/vpc/${local.name}/flow-logs"
  }

  log_group_arns = { for purpose, group in local.log_groups : purpose => "${local.logs_arn_prefix}:${group}" }
{% if cookiecutter.waf == 'yes' %}

  # The web application firewall: WAF logs only to groups named aws-waf-logs-*, which the
  # account's log delivery writes (not the workloads).
{% if cookiecutter.cdn == 'yes' %}
  # CloudFront's web ACLs, and so their log groups, are in us-east-1 whatever the region.
{% endif %}
  waf = var.environment == null ? null : {
    web_acl       = local.name
    web_acl_arns  = "arn:aws:wafv2:{{ 'us-east-1' if cookiecutter.cdn == 'yes' else '${var.aws_region}' }}:${var.account_id}:{{ 'global' if cookiecutter.cdn == 'yes' else 'regional' }}/webacl/${local.name}/*"
    log_group     = "aws-waf-logs-${local.name}"
    log_group_arn = "{{ 'arn:aws:logs:us-east-1:${var.account_id}:log-group' if cookiecutter.cdn == 'yes' else '${local.logs_arn_prefix}' }}:aws-waf-logs-${local.name}"
  }
{% endif %}
{% if cookiecutter.events == 'yes' %}

  # The event bus the service publishes on, and what keeps its events (modules/events).
  events = var.environment == null ? null : {
    bus                   = local.name
    bus_arn               = "${local.events_arn_prefix}:event-bus/${local.name}"
    archive               = local.name
    archive_arn           = "${local.events_arn_prefix}:archive/${local.name}"
    rule                  = "${local.name}-event-log"
    rule_arn              = "${local.events_arn_prefix}:rule/${local.name}/${local.name}-event-log"
    log_group             = "/aws/events/${local.name}"
    log_group_arn         = "${local.logs_arn_prefix}:/aws/events/${local.name}"
    dead_letter_queue     = "${local.name}-events-dead-letters"
    dead_letter_queue_arn = "arn:aws:sqs:${var.aws_region}:${var.account_id}:${local.name}-events-dead-letters"
  }
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

  # The bucket of the items' files (modules/object_storage): bucket names are global, so the
  # account ID is in it.
  object_storage = var.environment == null ? null : {
    bucket     = "${local.name}-assets-${var.account_id}"
    bucket_arn = "arn:aws:s3:::${local.name}-assets-${var.account_id}"
  }
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

  # The items table (modules/table).
  table = var.environment == null ? null : {
    name = "${local.name}-items"
    arn  = "arn:aws:dynamodb:${var.aws_region}:${var.account_id}:table/${local.name}-items"
  }
{% endif %}

  # What tells people the environment is unwell: the topic its alarms notify, the alarms (named
  # <name>-<signal>) and the dashboard.
  monitoring = var.environment == null ? null : {
    alarm_topic       = "${local.name}-alarms"
    alarm_topic_arn   = "arn:aws:sns:${var.aws_region}:${var.account_id}:${local.name}-alarms"
    alarm_name_prefix = "${local.name}-"
    alarm_arns        = "arn:aws:cloudwatch:${var.aws_region}:${var.account_id}:alarm:${local.name}-*"
    dashboard         = local.name
    dashboard_arn     = "arn:aws:cloudwatch::${var.account_id}:dashboard/${local.name}"
    budget            = local.name
    budget_arn        = "arn:aws:budgets::${var.account_id}:budget/${local.name}"
  }
{% if 'postgresql' in cookiecutter.database %}

  # RDS exports each log of the {{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }} to a group of its own: <prefix>/<log>.
  database_log_group_prefix = var.environment == null ? null : "/aws/rds/{{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }}/${local.name}"
  database_arn              = var.environment == null ? null : "arn:aws:rds:${var.aws_region}:${var.account_id}:{{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'db' }}:${local.name}"
  database_log_groups_arn   = var.environment == null ? null : "${local.logs_arn_prefix}:${local.database_log_group_prefix}/*"
{% endif %}

  # Every log group the environment's key encrypts.
  encrypted_log_group_arns = var.environment == null ? [] : concat(
    values(local.log_group_arns),
{% if 'postgresql' in cookiecutter.database %}
    [local.database_log_groups_arn],
{% endif %}
{% if cookiecutter.waf == 'yes' %}
    [local.waf.log_group_arn],
{% endif %}
{% if cookiecutter.events == 'yes' %}
    [local.events.log_group_arn],
{% endif %}
  )
}
