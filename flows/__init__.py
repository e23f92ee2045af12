"""Prefect flows: one file per process step; they orchestrate tasks and hold no rules."""
