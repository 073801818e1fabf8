"""Follow-up nudges: settings, push subscriptions, the schedule, and the job that sends them."""
