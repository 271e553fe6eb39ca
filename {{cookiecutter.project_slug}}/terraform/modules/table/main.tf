# The items table: on demand (billed per request and per GB stored, nothing for an idle table),
# encrypted with the environment's key, and restorable to any second of the last 35 days.
resource "aws_dynamodb_table" "items" {
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  # The app's table.KEY: the items and the names they hold, under one key (src/*/table.py).
  hash_key = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = true
  }

  deletion_protection_enabled = var.deletion_protection
}
