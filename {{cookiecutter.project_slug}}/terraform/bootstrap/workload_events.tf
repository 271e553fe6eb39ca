# What the workload roles may do with the environment's event bus: publish on it (the service's
# task role, modules/service/event_publishing.tf, within this boundary).

data "aws_iam_policy_document" "workload_events" {
  for_each = module.environment_names

  statement {
    sid       = "PublishOnTheEnvironmentsBus"
    actions   = ["events:PutEvents"]
    resources = [each.value.events.bus_arn]
  }
}
