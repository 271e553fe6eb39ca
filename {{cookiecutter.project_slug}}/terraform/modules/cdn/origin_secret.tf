# The secret header CloudFront adds to every request it sends to the load balancer, which
# forwards nothing without it: the load balancer's address alone does not reach the service.
# It rotates each month, on the month's first apply: each value is a hash of a random seed and
# the month, so a value that leaks says nothing of the next one, and a redeploy within a month
# changes nothing. The load balancer accepts the previous month's value too, for the minutes
# CloudFront takes to send the new one everywhere. To rotate at once, replace the seed:
# terraform apply -replace='module.cdn.terraform_data.origin_secret_seed'.

resource "terraform_data" "origin_secret_seed" {
  input = uuid()

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  origin_secret_header = "X-Origin-Secret"

  this_month = formatdate("YYYY-MM", plantimestamp())
  # The day before the first of this month is in the previous one.
  previous_month = formatdate("YYYY-MM", timeadd("${local.this_month}-01T00:00:00Z", "-24h"))

  origin_secrets = {
    current  = sensitive(sha256("${terraform_data.origin_secret_seed.output}/${local.this_month}"))
    previous = sensitive(sha256("${terraform_data.origin_secret_seed.output}/${local.previous_month}"))
  }
}
