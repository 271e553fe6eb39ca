variable "name" {
  description = "Name prefix of every resource, e.g. orders-api-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "aws_region" {
  description = "Region of the VPC, used to name the S3 gateway endpoint service."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; a /16 leaves room for eight /20 public and private subnets."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && try(tonumber(split("/", var.cidr_block)[1]) <= 20, false)
    error_message = "cidr_block must be an IPv4 CIDR block of /20 or larger, e.g. 10.0.0.0/16."
  }
}

variable "availability_zone_count" {
  description = "How many availability zones to spread the subnets over."
  type        = number
  default     = 2

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count must be between 2 (the load balancer's minimum) and 4."
  }
}

variable "nat_gateways" {
  description = "NAT gateways for outbound traffic from the private subnets: single, one-per-az or none (tasks then run in the public subnets with public IPs)."
  type        = string

  validation {
    condition     = contains(["single", "one-per-az", "none"], var.nat_gateways)
    error_message = "nat_gateways must be one of: single, one-per-az, none."
  }
}

variable "flow_log_traffic_type" {
  description = "Which traffic the VPC flow logs record: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "flow_log_group_name" {
  description = "Name of the CloudWatch log group the VPC flow logs go to."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch keeps the VPC flow logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention period CloudWatch Logs supports, e.g. 14, 30, 90 or 365."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow log group."
  type        = string
}

variable "flow_logs_role_name" {
  description = "Name of the role VPC Flow Logs writes with (created by terraform/bootstrap); this module writes its policy."
  type        = string
}

variable "flow_logs_role_arn" {
  description = "ARN of that role."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.flow_logs_role_arn))
    error_message = "flow_logs_role_arn must be an IAM role ARN."
  }
}
