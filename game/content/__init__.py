"""Story files into validated, immutable Story objects: YAML, diagnostics, cache."""
