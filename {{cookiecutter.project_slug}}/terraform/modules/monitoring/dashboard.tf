# One page with the signals the alarms watch, and the alarms themselves.

locals {
  alarm_arns = concat(
    [for alarm in aws_cloudwatch_metric_alarm.error_rate : alarm.arn],
    [for alarm in aws_cloudwatch_metric_alarm.metric : alarm.arn],
    [aws_cloudwatch_metric_alarm.tasks_below_desired.arn],
{% if cookiecutter.database != 'none' %}
    var.database_alarm_arns,
{% endif %}
  )

  service_widgets = [
    {
      title = "Requests and 5xx (per minute)"
      stat  = "Sum"
      metrics = [
        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.load_balancer_arn_suffix],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.load_balancer_arn_suffix],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix],
      ]
    },
    {
      title = "Response time (seconds)"
      stat  = "p99"
      metrics = [
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "p50", label = "p50" }],
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "p99", label = "p99" }],
      ]
    },
    {
      title = "Tasks"
      stat  = "Average"
      metrics = [
        ["ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
        ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
        ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "Minimum" }],
        ["AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", var.load_balancer_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = "Maximum" }],
      ]
    },
    {
      title = "CPU and memory (percent)"
      stat  = "Average"
      metrics = [
        ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.dashboard
  dashboard_body = jsonencode({
    widgets = concat(
      [{
        type       = "alarm"
        width      = 24
        height     = 3
        properties = { title = "Alarms", alarms = local.alarm_arns }
      }],
      [
{% if cookiecutter.database != 'none' %}
        for widget in concat(local.service_widgets, var.database_dashboard_widgets) : {
{% endif %}
{% if cookiecutter.database == 'none' %}
        for widget in local.service_widgets : {
{% endif %}
          type   = "metric"
          width  = 12
          height = 6
          properties = {
            title   = widget.title
            region  = var.aws_region
            stat    = widget.stat
            period  = 60
            view    = "timeSeries"
            metrics = widget.metrics
          }
        }
      ],
    )
  })
}
