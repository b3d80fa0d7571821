"""Reports built from the store: statistics and the claim pack."""
