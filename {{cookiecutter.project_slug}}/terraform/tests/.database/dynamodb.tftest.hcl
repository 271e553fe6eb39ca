# Plan-only tests of modules/table (DynamoDB) against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:{{ cookiecutter.aws_region }}:123456789012:table/{{ cookiecutter.project_slug }}-test-items"
    }
  }
}

variables {
  name                = "{{ cookiecutter.project_slug }}-test"
  table_name          = "{{ cookiecutter.project_slug }}-test-items"
  kms_key_arn         = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"
  deletion_protection = true
  alarm_topic_arn     = "arn:aws:sns:{{ cookiecutter.aws_region }}:123456789012:{{ cookiecutter.project_slug }}-test-alarms"
  throttle_threshold  = 0
}

run "production_defaults_are_highly_available_and_protected" {
  command = plan

  module {
    source = "./modules/table"
  }

  assert {
    condition     = aws_dynamodb_table.items.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.items.hash_key == "pk" && aws_dynamodb_table.items.range_key == null
    error_message = "The table must be on demand, keyed by pk alone (the app's table.KEY)."
  }

  assert {
    condition     = one(aws_dynamodb_table.items.server_side_encryption).enabled && one(aws_dynamodb_table.items.server_side_encryption).kms_key_arn == var.kms_key_arn
    error_message = "The table must be encrypted with the environment's key."
  }

  assert {
    condition     = one(aws_dynamodb_table.items.point_in_time_recovery).enabled && aws_dynamodb_table.items.deletion_protection_enabled
    error_message = "The table must be restorable to any second, and protected from deletion when asked."
  }
}

run "throttling_alarms_on_the_environments_topic" {
  command = plan

  module {
    source = "./modules/table"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.throttled.alarm_actions == toset([var.alarm_topic_arn]) && aws_cloudwatch_metric_alarm.throttled.ok_actions == toset([var.alarm_topic_arn])
    error_message = "The throttling alarm must notify the environment's topic, going off and back."
  }

  assert {
    condition     = toset([for query in aws_cloudwatch_metric_alarm.throttled.metric_query : query.metric[0].metric_name if length(query.metric) > 0]) == toset(["ReadThrottleEvents", "WriteThrottleEvents"])
    error_message = "The alarm must add throttled reads and throttled writes."
  }
}

run "staging_can_be_destroyed" {
  command = plan

  variables {
    deletion_protection = false
  }

  module {
    source = "./modules/table"
  }

  assert {
    condition     = !aws_dynamodb_table.items.deletion_protection_enabled
    error_message = "Without deletion protection, make destroy ENV=staging must be able to delete the table."
  }
}

run "a_table_name_dynamodb_refuses_is_refused" {
  command = plan

  variables {
    table_name = "no spaces allowed"
  }

  module {
    source = "./modules/table"
  }

  expect_failures = [var.table_name]
}
