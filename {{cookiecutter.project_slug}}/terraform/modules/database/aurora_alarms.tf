# What the database alarms watch on an Aurora Serverless v2 cluster (alarms.tf creates them).
# Aurora's storage grows by itself: the capacity to watch is the ACUs.

locals {
  metric_dimensions = { DBClusterIdentifier = aws_rds_cluster.this.cluster_identifier }

  alarms = {
    cpu = {
      title               = "Database CPU (percent)"
      description         = "The cluster averaged more than ${var.alarm_thresholds.cpu_percent}% CPU for 15 minutes."
      metric              = "CPUUtilization"
      statistic           = "Average"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarm_thresholds.cpu_percent
    }
    acu = {
      title               = "Database capacity used (percent of max ACUs)"
      description         = "The cluster used more than ${var.alarm_thresholds.acu_percent}% of its maximum ACUs for 15 minutes: raise database_max_capacity."
      metric              = "ACUUtilization"
      statistic           = "Average"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarm_thresholds.acu_percent
    }
    connections = {
      title               = "Database connections"
      description         = "The cluster held more than ${var.alarm_thresholds.connections} connections for 15 minutes."
      metric              = "DatabaseConnections"
      statistic           = "Maximum"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarm_thresholds.connections
    }
    freeable-memory = {
      title               = "Database freeable memory (bytes)"
      description         = "The cluster had less than ${var.alarm_thresholds.freeable_memory_mib} MiB of freeable memory for 15 minutes."
      metric              = "FreeableMemory"
      statistic           = "Minimum"
      comparison_operator = "LessThanThreshold"
      threshold           = var.alarm_thresholds.freeable_memory_mib * 1024 * 1024
    }
  }
}
