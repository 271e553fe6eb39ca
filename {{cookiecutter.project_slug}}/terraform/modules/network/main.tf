{% if 'postgresql' in cookiecutter.database %}
# Availability zones, each with a public subnet (the load balancer, and the NAT gateways if
# any) and a private subnet (the database). The tasks run in the private subnets behind NAT
# gateways, or without NAT gateways in the public ones with public IPs. The private subnets'
# default route follows `nat_gateways`.
{% else %}
# Availability zones, each with a public subnet (the load balancer, and the NAT gateways if
# any) and a private subnet. The tasks run in the private subnets behind NAT gateways, or
# without NAT gateways in the public ones with public IPs. The private subnets' default route
# follows `nat_gateways`.
{% endif %}

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394: zone names differ per account and region (some lack an "a" zone); the first available zones in name order are used, and new zones sort after them
  state = "available"

  # Local Zones and Wavelength Zones need opting in and lack most services: skip them.
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_caller_identity" "current" {}

locals {
  # Built from the name, not read from the log group, so that the flow logs policy is known at
  # plan time.
  flow_log_group_arn = "arn:aws:logs:${var.aws_region}:${data.aws_caller_identity.current.account_id}:log-group:${var.flow_log_group_name}"
  availability_zones = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)
  nat_gateway_count = {
    "single"     = 1
    "one-per-az" = var.availability_zone_count
    "none"       = 0
  }[var.nat_gateways]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = var.name
  }
}

# The default security group of a new VPC allows all traffic between its members: take every
# rule away so nothing can rely on it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-default-deny"
  }
}

# The network ACL every subnet uses. Security groups do the filtering; the ACL allows what they
# allow, as AWS's default does, but is managed here so that it carries the environment's tag
# and only this environment's deploy role can change it.
resource "aws_default_network_acl" "this" {
  default_network_acl_id = aws_vpc.this.default_network_acl_id
  subnet_ids             = concat(aws_subnet.public[*].id, aws_subnet.private[*].id)

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = {
    Name = "${var.name}-default"
  }
}

# Every subnet has a route table of its own: the VPC's main route table routes nothing, and is
# managed here so that it carries the environment's tag.
resource "aws_default_route_table" "this" {
  default_route_table_id = aws_vpc.this.default_route_table_id

  tags = {
    Name = "${var.name}-default-unused"
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = var.name
  }
}

# Public subnets take the first /20 blocks and private subnets start halfway through the range,
# so adding a zone later never renumbers an existing subnet.
resource "aws_subnet" "public" {
  count = var.availability_zone_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.availability_zones[count.index]
  cidr_block        = cidrsubnet(var.cidr_block, 4, count.index)

  # Only the load balancer and NAT gateways live here; a task that needs a public IP asks for
  # one explicitly in its network configuration.
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name}-public-${local.availability_zones[count.index]}"
    Tier = "public"
  }
}

resource "aws_subnet" "private" {
  count = var.availability_zone_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.availability_zones[count.index]
  cidr_block        = cidrsubnet(var.cidr_block, 4, count.index + 8)

  tags = {
    Name = "${var.name}-private-${local.availability_zones[count.index]}"
    Tier = "private"
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-public"
  }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.availability_zone_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"

  tags = {
    Name = "${var.name}-nat-${local.availability_zones[count.index]}"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = {
    Name = "${var.name}-${local.availability_zones[count.index]}"
  }

  depends_on = [aws_internet_gateway.this]
}

# One route table per zone, so each zone can use the NAT gateway in its own zone when there
# is one per zone.
resource "aws_route_table" "private" {
  count = var.availability_zone_count

  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-private-${local.availability_zones[count.index]}"
  }
}

resource "aws_route" "private_nat" {
  count = local.nat_gateway_count > 0 ? var.availability_zone_count : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[count.index % local.nat_gateway_count].id
}

resource "aws_route_table_association" "private" {
  count = var.availability_zone_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# Image layers come from S3: a gateway endpoint keeps that traffic off the NAT gateways (free,
# and faster task starts).
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.aws_region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = concat([aws_route_table.public.id], aws_route_table.private[*].id)

  tags = {
    Name = "${var.name}-s3"
  }
}
{% if cookiecutter.database == 'dynamodb' %}

# The items table's every read and write: a gateway endpoint keeps them off the NAT gateways
# (free, and no per-GB NAT charge on the service's busiest traffic).
resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.aws_region}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = concat([aws_route_table.public.id], aws_route_table.private[*].id)

  tags = {
    Name = "${var.name}-dynamodb"
  }
}
{% endif %}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = var.flow_log_group_name
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = var.kms_key_arn
}

# The role is bootstrap's (a deploy creates no role); its policy is the stack's.
resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = var.flow_logs_role_name
  policy = data.aws_iam_policy_document.flow_logs.json
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    sid = "WriteTheFlowLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = ["${local.flow_log_group_arn}:*"]
  }
}

resource "aws_flow_log" "this" {
  vpc_id               = aws_vpc.this.id
  traffic_type         = var.flow_log_traffic_type
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = var.flow_logs_role_arn

  tags = {
    Name = var.name
  }
}
