"""Meter-reading intake (DESIGN §5, seed 001: activity data "can be reported automatically by IoT
devices"): signed readings, their durable store, the HTTP service devices post to, the monthly
aggregation into an activity document whose evidence commits to every reading, and the checks a
verifier runs on them."""
