# How the app container serves: what uvicorn listens on, and the health check ECS runs in it.

locals {
  # uvicorn reads its options from UVICORN_* (the image sets the same defaults). Keep-alive
  # outlasts the load balancer's idle timeout, so that the balancer always closes an idle
  # connection first and never sends a request on one uvicorn is closing.
  server_environment = {
    UVICORN_PORT               = tostring(var.container_port)
    UVICORN_TIMEOUT_KEEP_ALIVE = tostring(var.load_balancer_idle_timeout + 5)
  }

  # The image's HEALTHCHECK, which ECS ignores unless the task definition declares one: the
  # same probe, GET /health on UVICORN_PORT through the interpreter (no curl in the image).
  # An unhealthy app container stops its task, and the service replaces it. The start period
  # counts from the app container's start; the app answers in about a second.
{% if 'postgresql' in cookiecutter.database %}
  # The app starts once the migrations succeeded (dependsOn), so their time is not in it.
{% endif %}
  health_check = {
    command     = ["CMD", "python", "-m", "{{ cookiecutter.package_name }}.health_probe"]
    interval    = 10
    timeout     = 5
    retries     = 3
    startPeriod = 30
  }
}
