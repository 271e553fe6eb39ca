# Target tracking on CPU, memory and requests per task, between min_capacity and max_capacity:
# the policy that asks for the most tasks wins.

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
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
