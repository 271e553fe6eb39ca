output "endpoint" {
  description = "Host name the application connects to{% if cookiecutter.database == 'aurora-postgresql' %} (the cluster's writer endpoint){% endif %}."
{% if cookiecutter.database == 'aurora-postgresql' %}
  value       = aws_rds_cluster.this.endpoint
{% else %}
  value       = aws_db_instance.this.address
{% endif %}
}

output "port" {
  description = "Port of the database."
  value       = local.port
}

output "database_name" {
  description = "Name of the application's database."
  value       = var.database_name
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS keeps the master credentials in (JSON keys username and password)."
{% if cookiecutter.database == 'aurora-postgresql' %}
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
{% else %}
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
{% endif %}
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}
