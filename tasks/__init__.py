"""Prefect tasks: thin wrappers that give a service of ``clm`` its retries and logging."""
