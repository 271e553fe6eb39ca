# The tasks' security group: requests from the load balancer in, HTTPS out.

resource "aws_security_group" "this" {
  # A prefix, not a name: create_before_destroy needs the replacement to have another name.
  name_prefix = "${var.name}-tasks-"
  description = "Tasks of ${var.name}: the load balancer in, HTTPS out"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-tasks"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  security_group_id            = aws_security_group.this.id
  description                  = "Requests from the load balancer"
  referenced_security_group_id = var.load_balancer_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

# ECR, CloudWatch Logs{{ ', Secrets Manager' if 'postgresql' in cookiecutter.database else '' }} and any HTTPS API the application calls.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
