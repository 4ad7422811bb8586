"""The Slack door: a Bolt app (HTTP events mounted in FastAPI, or Socket Mode) over the Desk."""
