"""The rules of the process: plain functions and values, no storage (import-linter)."""
