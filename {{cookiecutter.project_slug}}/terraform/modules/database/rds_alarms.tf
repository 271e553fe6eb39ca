# What the database alarms watch on an RDS instance (alarms.tf creates them).

locals {
  metric_dimensions = { DBInstanceIdentifier = aws_db_instance.this.identifier }

  alarms = {
    cpu = {
      title               = "Database CPU (percent)"
      description         = "The database averaged more than ${var.alarm_thresholds.cpu_percent}% CPU for 15 minutes."
      metric              = "CPUUtilization"
      statistic           = "Average"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarm_thresholds.cpu_percent
    }
    free-storage = {
      title               = "Database free storage (bytes)"
      description         = "The database had less than ${var.alarm_thresholds.free_storage_gib} GiB of free storage for 15 minutes (storage autoscaling stops at max_allocated_storage)."
      metric              = "FreeStorageSpace"
      statistic           = "Minimum"
      comparison_operator = "LessThanThreshold"
      threshold           = var.alarm_thresholds.free_storage_gib * 1024 * 1024 * 1024
    }
    connections = {
      title               = "Database connections"
      description         = "The database held more than ${var.alarm_thresholds.connections} connections for 15 minutes."
      metric              = "DatabaseConnections"
      statistic           = "Maximum"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.alarm_thresholds.connections
    }
    freeable-memory = {
      title               = "Database freeable memory (bytes)"
      description         = "The database had less than ${var.alarm_thresholds.freeable_memory_mib} MiB of freeable memory for 15 minutes."
      metric              = "FreeableMemory"
      statistic           = "Minimum"
      comparison_operator = "LessThanThreshold"
      threshold           = var.alarm_thresholds.freeable_memory_mib * 1024 * 1024
    }
  }
}
