# Plan-only tests of modules/network: no credentials, no cost.
# Run from terraform/: terraform init -backend=false && terraform test

# Planned offline by the real aws provider, with fake credentials: a plan makes no AWS call,
# and the data sources that would are overridden. A mocked provider would mock the IAM policy
# documents too, and the policies are part of what these tests read.
provider "aws" {
  region                      = "{{ cookiecutter.aws_region }}"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values = {
    account_id = "123456789012"
  }
}

override_data {
  target          = data.aws_availability_zones.available
  override_during = plan
  values = {
    names = ["{{ cookiecutter.aws_region }}a", "{{ cookiecutter.aws_region }}b", "{{ cookiecutter.aws_region }}c"]
  }
}

variables {
  name        = "{{ cookiecutter.project_slug }}-test"
  aws_region  = "{{ cookiecutter.aws_region }}"
  cidr_block  = "10.10.0.0/16"
  kms_key_arn = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"

  flow_log_group_name = "/vpc/{{ cookiecutter.project_slug }}-test/flow-logs"
  flow_logs_role_name = "{{ cookiecutter.project_slug }}-test-vpc-flow-logs"
  flow_logs_role_arn  = "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/test/{{ cookiecutter.project_slug }}-test-vpc-flow-logs"
}

run "two_zones_public_and_private_subnets" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateways = "single"
  }

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "Expected a public and a private subnet in each of two availability zones."
  }

  assert {
    condition     = toset(aws_subnet.public[*].availability_zone) == toset(["{{ cookiecutter.aws_region }}a", "{{ cookiecutter.aws_region }}b"])
    error_message = "The public subnets must be in two different availability zones."
  }

  assert {
    condition     = aws_subnet.public[*].cidr_block == ["10.10.0.0/20", "10.10.16.0/20"] && aws_subnet.private[*].cidr_block == ["10.10.128.0/20", "10.10.144.0/20"]
    error_message = "Subnets must be /20 blocks: public from the start of the range, private from its middle."
  }

  assert {
    condition     = alltrue([for subnet in aws_subnet.public : !subnet.map_public_ip_on_launch])
    error_message = "Public subnets must not hand out public IPs by default."
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "VPC flow logs must record all traffic to CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.flow_logs.name == var.flow_log_group_name
    error_message = "The flow log group must be the named one, encrypted with the environment's KMS key."
  }

  assert {
    condition     = aws_flow_log.this.iam_role_arn == var.flow_logs_role_arn && aws_iam_role_policy.flow_logs.role == var.flow_logs_role_name
    error_message = "Flow logs must write with bootstrap's role, which this module gives its policy."
  }

  assert {
    condition     = aws_default_network_acl.this.tags.Name == "{{ cookiecutter.project_slug }}-test-default" && length(aws_default_network_acl.this.ingress) == 1 && length(aws_default_network_acl.this.egress) == 1
    error_message = "The default network ACL must be managed, so it carries the environment's tag, with one allow rule each way."
  }

  assert {
    condition     = aws_default_route_table.this.tags.Name == "{{ cookiecutter.project_slug }}-test-default-unused"
    error_message = "The VPC's main route table must be managed, so it carries the environment's tag."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.{{ cookiecutter.aws_region }}.s3"
    error_message = "Expected an S3 gateway endpoint so image layers skip the NAT gateways."
  }
}

run "a_single_nat_gateway_serves_both_zones" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateways = "single"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "nat_gateways = single must create exactly one NAT gateway and one Elastic IP."
  }

  assert {
    condition     = length(aws_route.private_nat) == 2
    error_message = "Both private route tables must send outbound traffic to the NAT gateway."
  }
}

run "one_nat_gateway_per_zone" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateways = "one-per-az"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 2 && length(aws_eip.nat) == 2
    error_message = "nat_gateways = one-per-az must create one NAT gateway per availability zone."
  }

  assert {
    condition     = length(aws_route.private_nat) == 2
    error_message = "Each private route table must send outbound traffic to a NAT gateway."
  }
}

run "no_nat_gateway" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    nat_gateways = "none"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0
    error_message = "nat_gateways = none must not create NAT gateways or Elastic IPs."
  }

  assert {
    condition     = length(aws_route.private_nat) == 0
    error_message = "Without NAT gateways the private subnets must have no default route."
  }
}
