"""Analysis of saved results: comparison tables and plots."""
