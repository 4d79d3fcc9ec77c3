"""The clinical core: data with sources, the nutrient registry, pure rules.

Imports no Django app (tests/clinical/test_independence.py).
"""
