variable "bucket_name" {
  description = "Name of the bucket (globally unique: the naming module adds the account ID)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key, which encrypts every object."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted file's old version is kept before S3 deletes it."
  type        = number

  validation {
    condition     = var.noncurrent_version_days >= 1 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "Whether destroying the environment deletes the bucket with every file in it (otherwise a bucket holding files stops the destroy)."
  type        = bool
}
