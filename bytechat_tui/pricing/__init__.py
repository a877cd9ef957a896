"""Prices and capabilities of models (the bundled catalog) and the cost of a request."""
