# HTTPS was off when this service was generated: port 80 serves the tasks.

resource "aws_vpc_security_group_ingress_rule" "http" {
  # checkov:skip=CKV_AWS_260: a public load balancer; with HTTPS off, port 80 is how clients reach the service
  security_group_id = aws_security_group.this.id
  description       = "HTTP from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2: HTTPS was turned off when this service was generated
  # checkov:skip=CKV_AWS_103: no TLS on a plain HTTP listener
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

locals {
  # What outputs.tf publishes: the listener that forwards to the targets, and where clients go.
  forwarding_listener = aws_lb_listener.http
  url                 = "http://${aws_lb.this.dns_name}"
  serves_https        = false
}
