# The service's alarms: what its users see (5xx from the load balancer and from the tasks, slow
# answers), what keeps it serving (unhealthy targets, fewer tasks than wanted) and how hard it
# works (CPU, memory). Each notifies the topic when it goes off and when it clears.
#
# The two 5xx rates are the release-health alarms: the service's deployment watches them and
# rolls a release back when either goes off while it rolls out (modules/service).

locals {
  load_balancer = { LoadBalancer = var.load_balancer_arn_suffix }
  target_group  = { LoadBalancer = var.load_balancer_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  service       = { ClusterName = var.cluster_name, ServiceName = var.service_name }

  # Percent of the minute's requests that failed, once there are enough of them to mean
  # something: a single failed request out of three is no outage.
  minimum_requests_per_minute = 20
  error_rates = {
    load-balancer-5xx = {
      description = "More than ${var.thresholds.load_balancer_5xx_percent}% of requests failed at the load balancer (502/503/504: no healthy task answered in time) for 3 of 5 minutes."
      errors      = { metric = "HTTPCode_ELB_5XX_Count", dimensions = local.load_balancer }
      requests    = local.load_balancer
      threshold   = var.thresholds.load_balancer_5xx_percent
    }
    target-5xx = {
      description = "More than ${var.thresholds.target_5xx_percent}% of requests got a 5xx from the service's tasks for 3 of 5 minutes."
      errors      = { metric = "HTTPCode_Target_5XX_Count", dimensions = local.target_group }
      requests    = local.target_group
      threshold   = var.thresholds.target_5xx_percent
    }
  }

  # One statistic of one metric against its threshold.
  metric_alarms = {
    p99-response-time = {
      description         = "The slowest 1% of answers took more than ${var.thresholds.p99_response_time_seconds} s for 3 of 5 minutes."
      namespace           = "AWS/ApplicationELB"
      metric              = "TargetResponseTime"
      dimensions          = local.target_group
      statistic           = null
      extended_statistic  = "p99"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.p99_response_time_seconds
      period              = 60
      evaluation_periods  = 5
      datapoints_to_alarm = 3
    }
    unhealthy-targets = {
      description         = "A task failed the load balancer's health checks for 5 minutes in a row."
      namespace           = "AWS/ApplicationELB"
      metric              = "UnHealthyHostCount"
      dimensions          = local.target_group
      statistic           = "Maximum"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = 0
      period              = 60
      evaluation_periods  = 5
      datapoints_to_alarm = 5
    }
    cpu = {
      description         = "The tasks averaged more than ${var.thresholds.cpu_percent}% CPU for 15 minutes: autoscaling is at max_capacity or cannot keep up."
      namespace           = "AWS/ECS"
      metric              = "CPUUtilization"
      dimensions          = local.service
      statistic           = "Average"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.cpu_percent
      period              = 300
      evaluation_periods  = 3
      datapoints_to_alarm = 3
    }
    memory = {
      description         = "The tasks averaged more than ${var.thresholds.memory_percent}% of their memory for 15 minutes."
      namespace           = "AWS/ECS"
      metric              = "MemoryUtilization"
      dimensions          = local.service
      statistic           = "Average"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.memory_percent
      period              = 300
      evaluation_periods  = 3
      datapoints_to_alarm = 3
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  for_each = local.error_rates

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "rate"
    expression  = "IF(requests >= ${local.minimum_requests_per_minute}, 100 * FILL(errors, 0) / requests, 0)"
    label       = "Percent of requests answered 5xx"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = each.value.errors.metric
      dimensions  = each.value.errors.dimensions
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = each.value.requests
      stat        = "Sum"
      period      = 60
    }
  }

  depends_on = [aws_sns_topic.alarms]
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  depends_on = [aws_sns_topic.alarms]
}

# Container Insights counts the tasks: fewer running than the service wants for 10 minutes
# means tasks keep failing to start or to stay up (a deploy replaces them within minutes).
resource "aws_cloudwatch_metric_alarm" "tasks_below_desired" {
  alarm_name          = "${var.name}-tasks-below-desired"
  alarm_description   = "Fewer tasks ran than the service wants for 10 minutes in a row."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 10
  datapoints_to_alarm = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "missing"
    expression  = "desired - running"
    label       = "Tasks the service wants but does not run"
    return_data = true
  }

  metric_query {
    id = "desired"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = local.service
      stat        = "Average"
      period      = 60
    }
  }

  metric_query {
    id = "running"

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = local.service
      stat        = "Average"
      period      = 60
    }
  }

  depends_on = [aws_sns_topic.alarms]
}
