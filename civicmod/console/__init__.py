"""The web console: the moderators' queue, the records officers' archive, the dashboard.

Built on the same code paths as the command lines (``pipeline.desk`` for actions, the
``sinks`` archive modules for search, export, verify and holds); docs/console.md.
"""
