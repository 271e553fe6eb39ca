# What the workload roles need from the database: the migrations read the password RDS keeps
# in Secrets Manager (decrypted with the environment's key, workload_roles.tf), the app logs in as the environment's own database role with IAM tokens,
# and RDS Enhanced Monitoring writes the host's metrics.

data "aws_iam_policy_document" "workload_database" {
  for_each = module.environment_names

  statement {
    sid       = "ReadTheEnvironmentsDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["${local.arn.secrets}:secret:rds!*"]

    condition {
      test     = "StringEquals"
      variable = module.names.database_secret_owner_condition_key
      values   = [each.value.database_arn]
    }
  }

  # As the environment's own role only, on whichever database has it (the resource ID is not
  # known before the database exists): another environment's database has no such role.
  statement {
    sid       = "ConnectAsTheEnvironmentsDatabaseRole"
    actions   = ["rds-db:connect"]
    resources = ["arn:aws:rds-db:${var.aws_region}:${local.account_id}:dbuser:*/${each.value.database_app_user}"]
  }

  # What AmazonRDSEnhancedMonitoringRole grants: the account's RDSOSMetrics log group.
  statement {
    sid       = "WriteEnhancedMonitoringMetrics"
    actions   = ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]
    resources = ["${local.arn.logs}:log-group:RDS*"]
  }

  statement {
    sid = "WriteEnhancedMonitoringStreams"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:GetLogEvents",
      "logs:PutLogEvents",
    ]
    resources = ["${local.arn.logs}:log-group:RDS*:log-stream:*"]
  }
}

resource "aws_iam_role_policy_attachment" "database_monitoring" {
  for_each = { for key, role in local.workload_roles : key => role if role.purpose == "database_monitoring" }

  role       = aws_iam_role.workload[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
