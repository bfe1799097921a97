"""civicmod's data, not code: default settings, the policy, lexicons, JSON Schemas.

Installed as the package ``civicmod_config`` (pyproject.toml maps this folder to it), so
``importlib.resources`` finds the files in an editable install and in a wheel alike.
"""
