"""Food curation: CSV import and export, merges and moderation.

Who is a curator, and what the curators group grants, is accounts.roles.
"""
