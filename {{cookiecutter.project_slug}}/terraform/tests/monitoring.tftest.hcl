# Plan-only tests of modules/monitoring: no credentials, no cost.

# Planned offline by the real aws provider, with fake credentials: a plan makes no AWS call. A
# mocked provider would mock the topic's policy document too, and these tests read it.
provider "aws" {
  region                      = "{{ cookiecutter.aws_region }}"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  name        = "{{ cookiecutter.project_slug }}-test"
  environment = "staging"
  aws_region  = "{{ cookiecutter.aws_region }}"
  account_id  = "123456789012"
  kms_key_arn = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"

  alarm_topic     = "{{ cookiecutter.project_slug }}-test-alarms"
  alarm_topic_arn = "arn:aws:sns:{{ cookiecutter.aws_region }}:123456789012:{{ cookiecutter.project_slug }}-test-alarms"
  alarm_arns      = "arn:aws:cloudwatch:{{ cookiecutter.aws_region }}:123456789012:alarm:{{ cookiecutter.project_slug }}-test-*"
  dashboard       = "{{ cookiecutter.project_slug }}-test"
  budget          = "{{ cookiecutter.project_slug }}-test"
  budget_arn      = "arn:aws:budgets::123456789012:budget/{{ cookiecutter.project_slug }}-test"

  thresholds = {
    load_balancer_5xx_percent = 5
    target_5xx_percent        = 5
    p99_response_time_seconds = 2
    cpu_percent               = 85
    memory_percent            = 85
  }

  load_balancer_arn_suffix = "app/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
  target_group_arn_suffix  = "targetgroup/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
  cluster_name             = "{{ cookiecutter.project_slug }}-test"
  service_name             = "{{ cookiecutter.project_slug }}-test"
}

run "an_encrypted_topic_only_this_environments_alarms_and_budget_publish_to" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = aws_sns_topic.alarms.name == var.alarm_topic && aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic must be encrypted with the environment's key."
  }

  assert {
    condition = [for statement in jsondecode(data.aws_iam_policy_document.alarm_topic.json).Statement : [statement.Sid, statement.Effect, statement.Principal, statement.Condition]] == [
      ["ThisEnvironmentsAlarmsPublish", "Allow", { Service = "cloudwatch.amazonaws.com" }, { ArnLike = { "aws:SourceArn" = var.alarm_arns } }],
      ["ThisEnvironmentsBudgetPublishes", "Allow", { Service = "budgets.amazonaws.com" }, { ArnLike = { "aws:SourceArn" = var.budget_arn }, StringEquals = { "aws:SourceAccount" = "123456789012" } }],
      ["RefuseRequestsWithoutTls", "Deny", "*", { Bool = { "aws:SecureTransport" = "false" } }],
    ]
    error_message = "Only this environment's alarms and budget may publish to the topic, and only over TLS."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && length(aws_budgets_budget.monthly) == 0
    error_message = "Without addresses or a budget there is no subscription and no budget."
  }
}

run "alarms_on_what_users_see_and_what_keeps_the_service_up" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.error_rate)) == toset(["load-balancer-5xx", "target-5xx"]) && toset(keys(aws_cloudwatch_metric_alarm.metric)) == toset(["p99-response-time", "unhealthy-targets", "cpu", "memory"])
    error_message = "Expected the 5xx rates, p99 response time, unhealthy targets, CPU and memory alarms."
  }

  assert {
    condition = alltrue([
      for alarm in concat(values(aws_cloudwatch_metric_alarm.error_rate), values(aws_cloudwatch_metric_alarm.metric), [aws_cloudwatch_metric_alarm.tasks_below_desired]) :
      startswith(alarm.alarm_name, "${var.name}-") && alarm.treat_missing_data == "notBreaching" && alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.ok_actions == toset([var.alarm_topic_arn])
    ])
    error_message = "Every alarm must be named for the environment, notify the topic when it goes off and clears, and take no data as fine."
  }

  assert {
    condition     = output.release_health_alarm_names == ["${var.name}-load-balancer-5xx", "${var.name}-target-5xx"]
    error_message = "The release-health alarms are the two 5xx rates."
  }

  assert {
    condition     = one([for query in aws_cloudwatch_metric_alarm.error_rate["target-5xx"].metric_query : query.expression if query.return_data]) == "IF(requests >= 20, 100 * FILL(errors, 0) / requests, 0)"
    error_message = "The 5xx alarms must watch the percentage of requests, once a minute has 20 of them."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.metric["p99-response-time"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.metric["p99-response-time"].threshold == 2 && aws_cloudwatch_metric_alarm.metric["cpu"].threshold == 85
    error_message = "The alarms must use the given thresholds."
  }

  assert {
    condition     = [for widget in local.service_widgets : widget.title] == ["Requests and 5xx (per minute)", "Response time (seconds)", "Tasks", "CPU and memory (percent)"]
    error_message = "The dashboard must graph what the alarms watch."
  }
}

run "addresses_subscribe_and_a_budget_reports_to_the_topic" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    alarm_email_addresses = ["oncall@example.com", "team@example.com"]
    monthly_budget_usd    = 50
  }

  assert {
    condition     = toset([for subscription in aws_sns_topic_subscription.email : subscription.endpoint]) == toset(["oncall@example.com", "team@example.com"]) && alltrue([for subscription in aws_sns_topic_subscription.email : subscription.protocol == "email"])
    error_message = "Each address must get an e-mail subscription."
  }

  assert {
    condition     = aws_budgets_budget.monthly[0].limit_amount == "50.00" && aws_budgets_budget.monthly[0].time_unit == "MONTHLY" && one(aws_budgets_budget.monthly[0].cost_filter[*].values) == tolist(["user:Environment$staging"])
    error_message = "The budget must count this environment's monthly costs against the given amount."
  }

  assert {
    condition = toset([for notification in aws_budgets_budget.monthly[0].notification : [notification.notification_type, notification.threshold, notification.subscriber_sns_topic_arns]]) == toset([
      ["ACTUAL", 80, toset([var.alarm_topic_arn])],
      ["FORECASTED", 100, toset([var.alarm_topic_arn])],
    ])
    error_message = "The budget must notify the topic at 80% spent and when the month is forecast to pass it."
  }
}

run "an_address_that_is_no_address_is_refused" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    alarm_email_addresses = ["oncall"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "a_percentage_above_100_is_refused" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    thresholds = {
      load_balancer_5xx_percent = 5
      target_5xx_percent        = 5
      p99_response_time_seconds = 2
      cpu_percent               = 150
      memory_percent            = 85
    }
  }

  expect_failures = [var.thresholds]
}

run "a_negative_budget_is_refused" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    monthly_budget_usd = -5
  }

  expect_failures = [var.monthly_budget_usd]
}
