# The environment's event bus. The service publishes its items' events here (its task role may
# put events on this bus and no other). An archive keeps them for replay; a rule copies each to
# a log group, where they can be read and queried; what EventBridge cannot deliver goes to the
# dead-letter queue (dead_letters.tf), which alarms (alarms.tf).

resource "aws_cloudwatch_event_bus" "this" {
  name               = var.bus_name
  kms_key_identifier = var.kms_key_arn

  # Events the bus cannot encrypt or decrypt (a key disabled or its policy changed).
  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }
}

# Encrypted with a key AWS owns: the archive has no key setting in the provider this pins.
resource "aws_cloudwatch_event_archive" "this" {
  name             = var.archive_name
  description      = "The events ${var.event_source} published on ${var.bus_name}, for replay."
  event_source_arn = aws_cloudwatch_event_bus.this.arn
  event_pattern    = jsonencode({ source = [var.event_source] })
  retention_days   = var.archive_retention_days
}

resource "aws_cloudwatch_event_rule" "event_log" {
  name           = var.rule_name
  description    = "Copies each event ${var.event_source} publishes to ${var.log_group_name}."
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = jsonencode({ source = [var.event_source] })
}

# EventBridge writes to the log group under a resource policy of the account's (made by
# terraform/bootstrap: no deploy role may change resource policies of log groups).
resource "aws_cloudwatch_event_target" "event_log" {
  rule           = aws_cloudwatch_event_rule.event_log.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "event-log"
  arn            = aws_cloudwatch_log_group.events.arn

  retry_policy {
    maximum_event_age_in_seconds = 86400
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }
}

resource "aws_cloudwatch_log_group" "events" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}
