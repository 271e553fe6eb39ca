# An optional monthly cost budget for the environment: the topic hears when the month's actual
# cost passes 80% of it, and when AWS forecasts the month to pass it. Budgets count the costs
# of resources tagged Environment = <environment>, which Billing must have as a cost
# allocation tag (activate it once per account: the README says how).

resource "aws_budgets_budget" "monthly" {
  count = var.monthly_budget_usd == null ? 0 : 1

  name         = var.budget
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = [format("user:Environment$%s", var.environment)]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 80
    threshold_type            = "PERCENTAGE"
    notification_type         = "ACTUAL"
    subscriber_sns_topic_arns = [var.alarm_topic_arn]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 100
    threshold_type            = "PERCENTAGE"
    notification_type         = "FORECASTED"
    subscriber_sns_topic_arns = [var.alarm_topic_arn]
  }

  # Budgets publishes only once the topic lets it.
  depends_on = [aws_sns_topic_policy.alarms]
}
