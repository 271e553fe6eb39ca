# Plan-only tests of modules/events against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan

  # The ARNs the assertions compare, as AWS would give them.
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:{{ cookiecutter.aws_region }}:123456789012:{{ cookiecutter.project_slug }}-test-events-dead-letters"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:{{ cookiecutter.aws_region }}:123456789012:log-group:/aws/events/{{ cookiecutter.project_slug }}-test"
    }
  }
}

variables {
  name                   = "{{ cookiecutter.project_slug }}-test"
  bus_name               = "{{ cookiecutter.project_slug }}-test"
  event_source           = "{{ cookiecutter.project_slug }}"
  archive_name           = "{{ cookiecutter.project_slug }}-test"
  archive_retention_days = 90
  rule_name              = "{{ cookiecutter.project_slug }}-test-event-log"
  log_group_name         = "/aws/events/{{ cookiecutter.project_slug }}-test"
  log_retention_days     = 30
  dead_letter_queue_name = "{{ cookiecutter.project_slug }}-test-events-dead-letters"
  kms_key_arn            = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
  service_log_group_name = "/ecs/{{ cookiecutter.project_slug }}-test"
  not_published_message  = "event not published"
  metric_namespace       = "{{ cookiecutter.project_slug }}-test"
  alarm_topic_arn        = "arn:aws:sns:{{ cookiecutter.aws_region }}:123456789012:{{ cookiecutter.project_slug }}-test-alarms"
}

run "the_events_are_encrypted_with_the_environments_key" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition     = aws_cloudwatch_event_bus.this.kms_key_identifier == var.kms_key_arn
    error_message = "The bus must encrypt its events with the environment's key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.events.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.events.retention_in_days == 30
    error_message = "The event log must be encrypted with the environment's key and kept log_retention_days."
  }

  assert {
    condition     = aws_sqs_queue.dead_letters.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dead_letters.message_retention_seconds == 1209600
    error_message = "The dead-letter queue must be encrypted with the environment's key and keep messages 14 days."
  }
}

run "every_event_is_archived_and_logged_and_nothing_lost_silently" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition     = aws_cloudwatch_event_archive.this.event_pattern == jsonencode({ source = [var.event_source] }) && aws_cloudwatch_event_archive.this.retention_days == 90
    error_message = "The archive must keep every event of the service's source for archive_retention_days."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.event_log.event_pattern == aws_cloudwatch_event_archive.this.event_pattern && aws_cloudwatch_event_rule.event_log.event_bus_name == var.bus_name
    error_message = "The rule on the bus must match what the archive keeps."
  }

  assert {
    condition     = aws_cloudwatch_event_target.event_log.arn == aws_cloudwatch_log_group.events.arn && aws_cloudwatch_event_target.event_log.role_arn == null
    error_message = "The rule must copy the events to the event log, under the log group's resource policy (no role)."
  }

  assert {
    condition = alltrue([
      aws_cloudwatch_event_target.event_log.dead_letter_config[0].arn == aws_sqs_queue.dead_letters.arn,
      aws_cloudwatch_event_bus.this.dead_letter_config[0].arn == aws_sqs_queue.dead_letters.arn,
    ])
    error_message = "What the rule cannot deliver, and what the bus cannot encrypt, must go to the dead-letter queue."
  }
}

run "what_is_lost_alarms" {
  command = plan

  module {
    source = "./modules/events"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.not_published.log_group_name == var.service_log_group_name && strcontains(aws_cloudwatch_log_metric_filter.not_published.pattern, "\"event not published\"")
    error_message = "The metric filter must count the service's log line for an event it gave up publishing."
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.not_published, aws_cloudwatch_metric_alarm.dead_lettered] :
      alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.threshold == 1 && startswith(alarm.alarm_name, "${var.name}-")
    ])
    error_message = "Each event lost must alarm on the environment's topic, under the environment's alarm names."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_lettered.dimensions["QueueName"] == var.dead_letter_queue_name
    error_message = "The dead-letter alarm must watch the dead-letter queue."
  }
}

run "names_aws_keeps_or_refuses_are_refused" {
  command = plan

  module {
    source = "./modules/events"
  }

  variables {
    bus_name       = "default"
    event_source   = "aws.orders"
    log_group_name = "/ecs/{{ cookiecutter.project_slug }}-test-events"
  }

  expect_failures = [var.bus_name, var.event_source, var.log_group_name]
}
