"""The clinical core: data with sources, the nutrient registry, pure rules. Imports no Django app."""
