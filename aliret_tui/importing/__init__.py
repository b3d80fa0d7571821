"""Bringing orders in from the files and text shoppers already have.

Every source goes through one pipeline:

    read (reading) → recognise the format (formats) → normalise to order facts
    with their source (incoming) → validate exactly as the CLI does (validate)
    → plan the merge (merge) → show the plan (report) → apply it in one
    transaction (store.imports).

Pure Python: the store applies a plan, the CLI and the TUI show it.
"""
