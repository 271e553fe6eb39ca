# Target tracking on CPU, memory and requests per task, between min_capacity and max_capacity:
# the policy that asks for the most tasks wins.

locals {
  # desired_count = 0 pauses the service. The service's own count belongs to autoscaling, so
  # the pause is autoscaling's range: with no room above zero, it scales the service in to no
  # task and keeps it there; the next apply with a count brings it back to min_capacity.
  paused = var.desired_count == 0
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.paused ? 0 : var.min_capacity
  max_capacity       = local.paused ? 0 : var.max_capacity
}

locals {
  scaling_targets = {
    cpu = {
      metric         = "ECSServiceAverageCPUUtilization"
      target         = var.cpu_target_percent
      resource_label = null
    }
    memory = {
      metric         = "ECSServiceAverageMemoryUtilization"
      target         = var.memory_target_percent
      resource_label = null
    }
    requests = {
      metric         = "ALBRequestCountPerTarget"
      target         = var.requests_per_target
      resource_label = "${var.load_balancer_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.scaling_targets

  name               = "${var.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
      resource_label         = each.value.resource_label
    }
  }
}

# Office hours: scheduled actions move autoscaling's range, which it honours. At stop the range
# is zero, so the service scales in to no task; at start it is min_capacity-max_capacity again.
# Outside office hours a plan shows the range as a change: a deploy then runs the service until
# the next stop.
resource "aws_appautoscaling_scheduled_action" "office_hours" {
  for_each = var.office_hours == null || local.paused ? {} : {
    start = { schedule = var.office_hours.start, min_capacity = var.min_capacity, max_capacity = var.max_capacity }
    stop  = { schedule = var.office_hours.stop, min_capacity = 0, max_capacity = 0 }
  }

  name               = "${var.name}-office-hours-${each.key}"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  schedule           = each.value.schedule
  timezone           = var.office_hours.time_zone

  scalable_target_action {
    min_capacity = each.value.min_capacity
    max_capacity = each.value.max_capacity
  }
}

# Stacks applied before the policies were one for_each keep them instead of replacing them.
moved {
  from = aws_appautoscaling_policy.cpu
  to   = aws_appautoscaling_policy.this["cpu"]
}

moved {
  from = aws_appautoscaling_policy.memory
  to   = aws_appautoscaling_policy.this["memory"]
}

moved {
  from = aws_appautoscaling_policy.requests
  to   = aws_appautoscaling_policy.this["requests"]
}
